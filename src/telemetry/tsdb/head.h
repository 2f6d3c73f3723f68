// The in-memory head of one series: points accepted since the last checkpoint plus their
// 1-minute roll-up partials. In-order points append to `cols`; a point older than the
// newest one goes to the small sorted `ooo` buffer (merged on read and on flush).
// Not thread-safe: the engine guards each series with its stripe mutex; a head frozen for
// a checkpoint is immutable and shared read-only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "telemetry/tsdb/chunk.h"
#include "telemetry/tsdb/rollup.h"

namespace dcmms::telemetry::tsdb {

inline constexpr int64_t kMinuteMs = 60'000;

class HeadSeries {
 public:
  bool empty() const { return cols_.size() == 0 && ooo_.size() == 0; }
  size_t points() const { return cols_.size() + ooo_.size(); }
  bool contains(int64_t ts) const;
  // Adds a point known not to be present. meta may be null.
  void add(int64_t ts, double v, uint8_t q, uint8_t f, const std::string* meta) {
    if (cols_.size() == 0 || ts > cols_.ts.back()) {
      if (meta) cols_.meta.emplace_back(static_cast<uint32_t>(cols_.size()), *meta);
      cols_.push(ts, v, q, f);
    } else {
      addOutOfOrder(ts, v, q, f, meta);
    }
    const int64_t b = floorTo(ts, kMinuteMs);
    if (!m1_.empty() && m1_.back().bucket == b) m1_.back().add(ts, v, q, f);
    else mergeSorted(m1_, Agg::of(b, ts, v, q, f));
  }
  // All points, sorted. Returns the in-order buffer itself when nothing arrived out of order.
  const SeriesColumns& materialize(SeriesColumns& scratch) const;
  // Points with start <= ts < end appended to out (unsorted across calls; out is re-sorted by the reader).
  void collect(int64_t start, int64_t end, SeriesColumns& out) const;
  const std::vector<Agg>& minutePartials() const { return m1_; }
  void reserve(size_t n) { cols_.reserve(n); }

 private:
  void addOutOfOrder(int64_t ts, double v, uint8_t q, uint8_t f, const std::string* meta);
  SeriesColumns cols_;
  SeriesColumns ooo_;
  std::vector<Agg> m1_;
};

// Heads taken out of service by a checkpoint, sorted by series id.
struct FrozenHead {
  std::vector<SeriesId> ids;
  std::vector<HeadSeries> series;
  uint64_t points = 0;
  const HeadSeries* find(SeriesId id) const;
};

}  // namespace dcmms::telemetry::tsdb
