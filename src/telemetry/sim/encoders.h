// Renders simulated points in the three wire formats dCMMS ingests:
//  - InfluxDB line protocol: measurement = metric, tags asset, quality (only when not good),
//    sensor, site, unit (sorted, empty ones left out), field value, ms or ns timestamp;
//  - a JSON array of TelemetryEvent objects (02 §4, snake_case, sensor_type = metric name);
//  - MQTT messages on telemetry/{siteId}/{assetId}/{sensorType} (sensorType = the point's
//    sensor id) with one multi-metric JSON payload per sensor and timestamp.
// Non-finite values cannot be expressed in these formats and are left out.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/mqtt/message.h"
#include "telemetry/point.h"

namespace dcmms::telemetry {

enum class TimePrecision { ms, ns };

void appendLineProtocol(std::string& out, std::span<const Point> points, TimePrecision precision = TimePrecision::ms);
std::string encodeLineProtocol(std::span<const Point> points, TimePrecision precision = TimePrecision::ms);

// [{"event_id":…,"timestamp":…,"site_id":…,"asset_id":…,"sensor_id":…,"sensor_type":…,"value":…,
//   "unit":…,"quality_flag":"GOOD","source":"REST_API","schema_version":"1.0.0"[,"metadata":{…}]}]
std::string encodeTelemetryEvents(std::span<const Point> points);

// Deterministic UUID (version 8) from series key and timestamp: replaying a batch resends the
// same event ids, so the server can deduplicate.
std::string eventIdFor(const Point& p);

// Number text for line protocol and JSON: integers via to_chars; doubles as the shortest plain
// decimal that reads back as the same double (never exponent notation).
void appendInt(std::string& out, int64_t v);
void appendDecimal(std::string& out, double v);

std::string mqttTopic(std::string_view siteId, std::string_view assetId, std::string_view sensorType);

// {"siteId":…,"assetId":…,"sensorType":…,"timestamp":…,"metrics":{"<metric>":{"value":…,"unit":…
//  [,"quality":"uncertain"][,"metadata":{…}]},…}} — messages in order of first appearance.
std::vector<MqttMessage> encodeMqttMessages(std::span<const Point> points);

}  // namespace dcmms::telemetry
