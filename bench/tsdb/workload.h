// The reference workload of bench/tsdb: N series × M points 1 s apart, each a random walk of
// uniform ±0.5 steps rounded to 2 decimals (series s seeded with 42 + s, start 100.00).
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace dcmms::bench {

constexpr int64_t kT0 = 1'704'067'200'000;  // 2024-01-01T00:00:00Z

// Walks every series forward one block of seconds at a time, so the rows can be produced in
// time order without holding the whole day.
class RandomWalks {
 public:
  // Series [first, last).
  RandomWalks(int first, int last) : x_(static_cast<size_t>(last - first), 100.0) {
    for (int s = first; s < last; ++s) rngs_.emplace_back(42 + s);
  }
  explicit RandomWalks(int series) : RandomWalks(0, series) {}
  int series() const { return static_cast<int>(x_.size()); }
  // The next `points` seconds of every series, time-major: v[t * series + s].
  std::vector<double> next(int points) {
    const size_t n = x_.size();
    std::vector<double> block(n * static_cast<size_t>(points));
    for (size_t s = 0; s < n; ++s)
      for (int t = 0; t < points; ++t) {
        x_[s] = std::round((x_[s] + step_(rngs_[s])) * 100) / 100;
        block[static_cast<size_t>(t) * n + s] = x_[s];
      }
    return block;
  }

 private:
  std::vector<std::mt19937_64> rngs_;
  std::vector<double> x_;
  std::uniform_real_distribution<double> step_{-0.5, 0.5};
};

}  // namespace dcmms::bench
