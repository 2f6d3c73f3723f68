#include "telemetry/ingest/deadband.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace dcmms::telemetry {
bool Deadband::admit(const std::string& series, const Row& row) {
  if (row.quality != Quality::good || row.flags != kFlagNone) return true;
  auto [it, inserted] = last_.try_emplace(series, Last{row.timestampMs, row.value});
  if (inserted) return true;
  Last& last = it->second;
  int64_t dt;
  const bool recent = !__builtin_sub_overflow(row.timestampMs, last.timestampMs, &dt) && dt > -config_.windowMs &&
                      dt < config_.windowMs;
  const double band = std::max(config_.relative * std::fabs(last.value), config_.absolute);
  if (recent && std::fabs(row.value - last.value) < band) return false;
  last = Last{row.timestampMs, row.value};
  return true;
}

size_t Deadband::filter(ParsedBatch& batch) {
  if (!config_.enabled || batch.rows().empty()) return 0;
  std::vector<std::string> keys(batch.series().size());
  const size_t before = batch.rows().size();
  std::lock_guard lock(mu_);
  if (last_.size() > config_.maxSeries) last_.clear();
  batch.retainRows([&](const Row& row) {
    std::string& key = keys[row.series];
    if (key.empty()) key = seriesKeyText(batch.series()[row.series].key, "");
    return admit(key, row);
  });
  return before - batch.rows().size();
}

}  // namespace dcmms::telemetry
