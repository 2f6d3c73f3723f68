// Optional per-series deadband (02 §6 dedup; off by default): a good, unflagged point is dropped
// when it is within windowMs of the last kept point of its series and its value changed by less
// than max(relative·|last|, absolute). Bad/uncertain or flagged points are always kept and do
// not reset the reference. Thread-safe; state is per series (tenant, site, asset, sensor, metric).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "telemetry/ingest/batch.h"

namespace dcmms::telemetry {

struct DeadbandConfig {
  bool enabled = false;
  double relative = 0.01;     // 1 % of the last kept value (02 §6 IMPL)
  double absolute = 0;        // floor for values near 0 (relative·0 would never drop anything)
  int64_t windowMs = 60000;   // a point this far from the last kept one is always kept
  size_t maxSeries = 1000000; // state is cleared beyond this many series (keeps more, never less)
};

class Deadband {
 public:
  explicit Deadband(DeadbandConfig config) : config_(config) {}
  // Removes the rows that fall inside the deadband; returns how many were removed.
  size_t filter(ParsedBatch& batch);

 private:
  struct Last {
    int64_t timestampMs;
    double value;
  };
  bool admit(const std::string& series, const Row& row);

  DeadbandConfig config_;
  std::mutex mu_;
  std::unordered_map<std::string, Last> last_;
};

}  // namespace dcmms::telemetry
