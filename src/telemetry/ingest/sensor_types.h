// Sensor-type registry (02 §6): plausible ranges and dimensions per sensor type, and the mapping
// from a metric name ("temperature", "gearbox_oil_temperature_c", "activePowerKw") to its type
// and to the unit its suffix names. Unknown types pass without range checks.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "telemetry/ingest/units.h"

namespace dcmms::telemetry {

struct SensorType {
  std::string name;                      // canonical type name, e.g. "temperature"
  Dimension dimension = Dimension::none; // ranges are in this dimension's canonical unit
  std::optional<double> min;             // inclusive plausible range; out of range = kept, flagged
  std::optional<double> max;
  std::vector<std::string> aliases;      // further metric names (snake_case) of this type
};

struct MetricResolution {
  const SensorType* type = nullptr;     // nullptr: unknown type (no range check)
  std::optional<UnitInfo> suffixUnit;   // unit named by the metric's last token ("_kw")
};

// Not thread-safe to modify; build it once at start-up and share it read-only.
class SensorRegistry {
 public:
  // The 14 TelemetryEvent types with the IMPL ranges of 02 §6 plus irradiance, wind speed and
  // direction, state of charge, power factor, DC and grid voltage.
  static const SensorRegistry& builtin();

  // Adds a type, or replaces the type with the same name (keeping pointers valid).
  void add(SensorType type);
  // By canonical name or alias (snake_case, lower case).
  const SensorType* find(std::string_view nameOrAlias) const;
  // Resolves a canonical metric name (see canonicalMetricName).
  MetricResolution resolve(std::string_view metric) const;

 private:
  const SensorType* resolveTokens(const std::vector<std::string_view>& tokens, size_t count) const;

  std::deque<SensorType> types_;
  std::unordered_map<std::string, const SensorType*> byAlias_;
};

// The stored form of a metric or sensor-type name: ASCII lower-case snake_case, with camelCase
// split ("activePowerKw" → "active_power_kw", "TEMPERATURE" → "temperature", "DCVoltage" →
// "dc_voltage"); spaces and hyphens become underscores. Query code must apply it too.
std::string canonicalMetricName(std::string_view name);

}  // namespace dcmms::telemetry
