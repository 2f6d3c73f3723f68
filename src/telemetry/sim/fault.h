// Faults injectable into a running plant model, for alarm and ML work: each is active on one
// asset (and, for physical faults, everything electrically below it) during [startMs, endMs).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dcmms::telemetry {

enum class FaultType {
  overTemperature,  // temperatures of the asset rise by up to 40 °C × severity (5-minute ramp)
  stringOutage,     // string current 0; on a combiner or inverter: all strings below it
  soiling,          // PV output below the asset reduced by 30 % × severity
  yawMisalignment,  // turbine yaw error offset by 30° × severity (power falls with cos²)
  commLoss,         // the asset emits no points at all
};

struct Fault {
  std::string assetId;
  FaultType type = FaultType::commLoss;
  int64_t startMs = 0;
  int64_t endMs = 0;      // exclusive
  double severity = 1.0;  // 0..1
};

std::string_view toString(FaultType t);
std::optional<FaultType> parseFaultType(std::string_view s);  // "over-temperature", "string-outage", …

}  // namespace dcmms::telemetry
