// The second workload of bench/tsdb: a simulated solar plant day from the plant simulator (the
// demo's solar model: sun, clouds, strings, combiners, inverters, transformers), every metric of
// every sensor as one series, sampled 1 s apart from kT0. Real plant data: zeros all night,
// smooth curves with cloud noise by day, values with 1–3 decimals.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "telemetry/point.h"

namespace dcmms::bench {

class SolarDay {
 public:
  // inverters: plant size (the demo plant has 20; 4 gives ~1,000 series). Deterministic per seed.
  explicit SolarDay(int inverters = 4, uint64_t seed = 7);
  ~SolarDay();
  int series() const { return static_cast<int>(keys_.size()); }
  const std::vector<telemetry::SeriesKey>& keys() const { return keys_; }
  const std::vector<std::string>& units() const { return units_; }
  // The next `points` seconds of every series, time-major: v[t * series + s].
  std::vector<double> next(int points);

 private:
  struct Model;
  std::unique_ptr<Model> model_;
  std::vector<telemetry::SeriesKey> keys_;
  std::vector<std::string> units_;
  std::vector<telemetry::Point> sample_;
  int64_t nextMs_;
};

}  // namespace dcmms::bench
