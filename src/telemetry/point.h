// The unit of telemetry flowing from the parsers (HTTP JSON, line protocol, MQTT) through
// validation into a TelemetryStore.
#pragma once

#include <cstdint>
#include <string>

namespace dcmms::telemetry {

// sensor_fault (IMPL SENSOR_FAULT) is a kind of bad: aggregates count it in bad_count.
enum class Quality : uint8_t { good = 0, uncertain = 1, bad = 2, sensor_fault = 3 };

// Flag bits kept with every stored point.
enum PointFlag : uint8_t {
  kFlagNone = 0,
  kFlagOutOfRange = 1 << 0,  // value outside the sensor type's plausible range (kept, flagged)
  kFlagLate = 1 << 1,        // arrived after its bucket was first rolled up
  kFlagBackfill = 1 << 2,    // admin backfill beyond the max-age window
};

// Identity of one series: one metric of one sensor of one asset.
struct SeriesKey {
  std::string tenantId;
  std::string siteId;
  std::string assetId;
  std::string sensorId;  // sensor id, or the sensor type when the device sends no id
  std::string metric;    // e.g. "power", "temperature", "irradiance"
  bool operator==(const SeriesKey&) const = default;
};

struct Point {
  SeriesKey key;
  int64_t timestampMs = 0;  // UTC epoch milliseconds
  double value = 0;
  std::string unit;          // normalised unit, e.g. "kW"
  Quality quality = Quality::good;
  uint8_t flags = kFlagNone;
  std::string metadataJson;  // per-point metadata object as JSON text, kept end to end ("" = none)
};

}  // namespace dcmms::telemetry
