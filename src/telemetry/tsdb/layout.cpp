#include "telemetry/tsdb/layout.h"

#include <cstdio>

#include "core/time_format.h"
#include "telemetry/tsdb/rollup.h"

namespace dcmms::telemetry::tsdb {
using dcmms::civilFromDays;
using dcmms::daysFromCivil;

std::string tierDir(const std::string& root, Tier t) { return root + "/" + tierName(t); }

std::string partitionName(int64_t startMs) {
  int64_t y;
  unsigned m, d;
  civilFromDays(floorTo(startMs, kDayMs) / kDayMs, y, m, d);
  char b[32];
  std::snprintf(b, sizeof b, "%04lld%02u%02u", static_cast<long long>(y), m, d);
  return b;
}

std::optional<int64_t> parsePartitionName(std::string_view name) {
  if (name.size() != 8) return std::nullopt;
  for (char c : name)
    if (c < '0' || c > '9') return std::nullopt;
  const int64_t y = std::stoll(std::string(name.substr(0, 4)));
  const auto m = static_cast<unsigned>(std::stoi(std::string(name.substr(4, 2))));
  const auto d = static_cast<unsigned>(std::stoi(std::string(name.substr(6, 2))));
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  return daysFromCivil(y, m, d) * kDayMs;
}

}  // namespace dcmms::telemetry::tsdb
