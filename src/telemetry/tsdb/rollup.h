// Roll-up partial aggregates. An Agg summarises the points of one series in one
// calendar-aligned UTC bucket; Aggs of the same bucket combine with merge() in any order,
// so a late point, a second file or the in-memory head each contribute a partial that is
// merged at read time. Coarser tiers are folds of 1-minute partials (every coarser bucket
// is a whole number of minutes). Counts: good = Quality::good, bad = Quality::bad
// (uncertain counts in neither), outOfRange = kFlagOutOfRange set.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/store.h"

namespace dcmms::telemetry::tsdb {

// Timestamps the engine stores: |ts| <= 2^62 ms (about 146 million years), so bucket
// arithmetic never overflows. Query bounds are clamped to this range.
inline constexpr int64_t kMaxTimestamp = int64_t{1} << 62;
constexpr int64_t clampTs(int64_t ts) { return ts < -kMaxTimestamp ? -kMaxTimestamp : (ts > kMaxTimestamp ? kMaxTimestamp : ts); }

// Floor division, correct for negative timestamps (input clamped to the storable range).
constexpr int64_t floorTo(int64_t ts, int64_t width) {
  ts = clampTs(ts);
  const int64_t q = ts / width;
  return (ts % width < 0 ? q - 1 : q) * width;
}

struct Agg {
  int64_t bucket = 0;
  uint64_t count = 0;
  double sum = 0, sumSq = 0, min = 0, max = 0, first = 0, last = 0;
  int64_t firstTs = 0, lastTs = 0;
  uint64_t good = 0, bad = 0, outOfRange = 0;

  static Agg of(int64_t bucket, int64_t ts, double v, uint8_t quality, uint8_t flags) {
    Agg a;
    a.bucket = bucket;
    a.count = 1;
    a.sum = v;
    a.sumSq = v * v;
    a.min = a.max = a.first = a.last = v;
    a.firstTs = a.lastTs = ts;
    a.good = quality == static_cast<uint8_t>(Quality::good);
    a.bad = quality >= static_cast<uint8_t>(Quality::bad);  // bad and sensor_fault
    a.outOfRange = (flags & kFlagOutOfRange) != 0;
    return a;
  }
  void add(int64_t ts, double v, uint8_t quality, uint8_t flags) {
    ++count;
    sum += v;
    sumSq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (ts < firstTs) firstTs = ts, first = v;
    if (ts > lastTs) lastTs = ts, last = v;
    good += quality == static_cast<uint8_t>(Quality::good);
    bad += quality >= static_cast<uint8_t>(Quality::bad);  // bad and sensor_fault
    outOfRange += (flags & kFlagOutOfRange) != 0;
  }
  void merge(const Agg& o) {
    if (o.count == 0) return;
    if (count == 0) {
      const int64_t b = bucket;
      *this = o;
      bucket = b;
      return;
    }
    count += o.count;
    sum += o.sum;
    sumSq += o.sumSq;
    if (o.min < min) min = o.min;
    if (o.max > max) max = o.max;
    if (o.firstTs < firstTs) firstTs = o.firstTs, first = o.first;
    if (o.lastTs > lastTs) lastTs = o.lastTs, last = o.last;
    good += o.good;
    bad += o.bad;
    outOfRange += o.outOfRange;
  }
  RollupRow row() const;
};

// Adds a into the sorted vector `into` (merging with an equal bucket).
void mergeSorted(std::vector<Agg>& into, const Agg& a);
// Folds finer partials into buckets of widthMs, appended to `out` in bucket order (input sorted).
void foldTo(const std::vector<Agg>& finer, int64_t widthMs, std::vector<Agg>& out);
// Merges two sorted partial lists.
std::vector<Agg> mergeLists(const std::vector<Agg>& a, const std::vector<Agg>& b);

// Block codec for a series' partials (FORMAT.md §Roll-up block).
void encodeAggs(std::string& dst, const Agg* a, size_t n);
bool decodeAggs(std::string_view in, std::vector<Agg>& out);

}  // namespace dcmms::telemetry::tsdb
