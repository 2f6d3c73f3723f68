#include "telemetry/tsdb/head.h"

#include <algorithm>

namespace dcmms::telemetry::tsdb {
namespace {

bool sortedContains(const std::vector<int64_t>& v, int64_t ts) { return std::binary_search(v.begin(), v.end(), ts); }

void collectRange(const SeriesColumns& c, int64_t start, int64_t end, SeriesColumns& out) {
  const auto lo = std::lower_bound(c.ts.begin(), c.ts.end(), start) - c.ts.begin();
  const auto hi = std::lower_bound(c.ts.begin(), c.ts.end(), end) - c.ts.begin();
  if (lo < hi) out.appendRange(c, static_cast<size_t>(lo), static_cast<size_t>(hi));
}

}  // namespace

bool HeadSeries::contains(int64_t ts) const { return sortedContains(cols_.ts, ts) || sortedContains(ooo_.ts, ts); }

void HeadSeries::addOutOfOrder(int64_t ts, double v, uint8_t q, uint8_t f, const std::string* meta) {
  const auto pos = static_cast<size_t>(std::lower_bound(ooo_.ts.begin(), ooo_.ts.end(), ts) - ooo_.ts.begin());
  ooo_.ts.insert(ooo_.ts.begin() + static_cast<ptrdiff_t>(pos), ts);
  ooo_.values.insert(ooo_.values.begin() + static_cast<ptrdiff_t>(pos), v);
  ooo_.quality.insert(ooo_.quality.begin() + static_cast<ptrdiff_t>(pos), q);
  ooo_.flags.insert(ooo_.flags.begin() + static_cast<ptrdiff_t>(pos), f);
  auto mit = std::lower_bound(ooo_.meta.begin(), ooo_.meta.end(), static_cast<uint32_t>(pos),
                              [](const auto& m, uint32_t r) { return m.first < r; });
  for (auto it = mit; it != ooo_.meta.end(); ++it) ++it->first;
  if (meta) ooo_.meta.insert(mit, {static_cast<uint32_t>(pos), *meta});
}

const SeriesColumns& HeadSeries::materialize(SeriesColumns& scratch) const {
  if (ooo_.size() == 0) return cols_;
  scratch = mergeColumns(cols_, ooo_);
  return scratch;
}

void HeadSeries::collect(int64_t start, int64_t end, SeriesColumns& out) const {
  collectRange(cols_, start, end, out);
  collectRange(ooo_, start, end, out);
}

const HeadSeries* FrozenHead::find(SeriesId id) const {
  auto it = std::lower_bound(ids.begin(), ids.end(), id);
  if (it == ids.end() || *it != id) return nullptr;
  return &series[static_cast<size_t>(it - ids.begin())];
}

}  // namespace dcmms::telemetry::tsdb
