// Helpers for the simulator tests.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/time_format.h"
#include "telemetry/point.h"
#include "telemetry/sim/plant.h"

namespace dcmms::telemetry::testutil {

inline int64_t utcMs(int y, unsigned m, unsigned d, int hour = 0, int minute = 0) {
  return (daysFromCivil(y, m, d) * 86400 + hour * 3600 + minute * 60) * 1000LL;
}

inline std::optional<double> valueOf(const std::vector<Point>& pts, std::string_view asset, std::string_view metric) {
  for (const auto& p : pts) {
    if (p.key.assetId == asset && p.key.metric == metric) return p.value;
  }
  return std::nullopt;
}

inline size_t countAsset(const std::vector<Point>& pts, std::string_view asset) {
  size_t n = 0;
  for (const auto& p : pts) n += p.key.assetId == asset;
  return n;
}

inline SimPlant smallSolar(double cloudCover = 0.3) {
  SolarLayout layout;
  layout.inverters = 2;
  layout.combinersPerInverter = 2;
  layout.stringsPerCombiner = 3;
  SimPlant p = demoSolarPlant("SITE-SOLAR-T", layout);
  p.cloudCover = cloudCover;
  return p;
}

}  // namespace dcmms::telemetry::testutil
