// JSON ingest formats (02 §4), parsed with simdjson into a ParsedBatch:
//  - TelemetryEvent (POST /api/v1/telemetry, a JSON array; one object is accepted too):
//    {event_id, timestamp (epoch ms or ISO 8601), site_id, asset_id, sensor_id?, sensor_type,
//     value, unit, quality_flag?, metadata?: object|null, source?, schema_version?}; required
//    per 02 §6: timestamp, site_id, asset_id, sensor_type, value, unit.
//  - SensorReading (POST /api/v1/sensor-readings/bulk: {readings:[…]}, an array, or one object):
//    {readingId?, siteId, assetId, sensorId?, timestamp, metricName, value, unit?, quality?,
//     qualityDetail?, metadata?} or multi-metric {siteId, assetId, timestamp, metrics:{name: value |
//     {value, unit?, quality?}}, quality?}; "measurements" is accepted for "metrics".
//  - MQTT on telemetry/{siteId}/{assetId}/{sensorType}: single {value, unit?, timestamp?,
//    quality?, metadata?, sensor_id?} or multi-metric {timestamp?, metrics:{…}}; the topic's site
//    and asset win over any in the payload; a missing timestamp is the receive time.
// Every format accepts both snake_case and camelCase field names. Metric names are stored in
// canonicalMetricName form (sensor_type TEMPERATURE → "temperature"); a missing sensor id
// defaults to the topic's sensor type, else to the metric. A null metric in metrics{} is skipped
// (no reading); booleans count as 1/0. Errors are per element (index, field); a malformed
// document is one rejection with index 0 and field "".
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "telemetry/ingest/batch.h"
#include "telemetry/ingest/validate.h"

namespace dcmms::telemetry {

struct MqttTopic {
  std::string siteId;
  std::string assetId;
  std::string sensorType;  // as in the topic
};

// "telemetry/{siteId}/{assetId}/{sensorType}" with non-empty segments and no wildcards.
std::optional<MqttTopic> parseMqttTopic(std::string_view topic);

// Holds simdjson's reusable buffers; one per thread (not thread-safe).
class JsonIngestParser {
 public:
  JsonIngestParser();
  ~JsonIngestParser();
  JsonIngestParser(JsonIngestParser&&) noexcept;
  JsonIngestParser& operator=(JsonIngestParser&&) noexcept;

  ParsedBatch telemetryEvents(std::string_view body, const IngestContext& ctx);
  ParsedBatch sensorReadings(std::string_view body, const IngestContext& ctx);
  // An invalid topic rejects the whole message (code invalidTopic, field "topic").
  ParsedBatch mqttMessage(std::string_view topic, std::string_view payload, const IngestContext& ctx);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dcmms::telemetry
