#include "telemetry/tsdb/layout.h"

#include <cstdio>

#include "telemetry/tsdb/rollup.h"

namespace dcmms::telemetry::tsdb {
namespace {

// Howard Hinnant's civil-from-days / days-from-civil (proleptic Gregorian, UTC).
void civilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

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
