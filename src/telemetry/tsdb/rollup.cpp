#include "telemetry/tsdb/rollup.h"

#include <algorithm>

#include "telemetry/tsdb/coding.h"
#include "telemetry/tsdb/column_codec.h"

namespace dcmms::telemetry::tsdb {

RollupRow Agg::row() const {
  RollupRow r;
  r.bucketStartMs = bucket;
  r.count = count;
  r.sum = sum;
  r.sumSq = sumSq;
  r.min = min;
  r.max = max;
  r.first = first;
  r.last = last;
  r.firstTs = firstTs;
  r.lastTs = lastTs;
  r.goodCount = good;
  r.badCount = bad;
  r.outOfRangeCount = outOfRange;
  return r;
}

void mergeSorted(std::vector<Agg>& into, const Agg& a) {
  if (into.empty() || into.back().bucket < a.bucket) {
    into.push_back(a);
    return;
  }
  auto it = std::lower_bound(into.begin(), into.end(), a.bucket, [](const Agg& x, int64_t b) { return x.bucket < b; });
  if (it != into.end() && it->bucket == a.bucket) it->merge(a);
  else into.insert(it, a);
}

void foldTo(const std::vector<Agg>& finer, int64_t widthMs, std::vector<Agg>& out) {
  for (const Agg& f : finer) {
    const int64_t b = floorTo(f.bucket, widthMs);
    if (out.empty() || out.back().bucket != b) {
      Agg a;
      a.bucket = b;
      out.push_back(a);
    }
    out.back().merge(f);
  }
}

std::vector<Agg> mergeLists(const std::vector<Agg>& a, const std::vector<Agg>& b) {
  std::vector<Agg> out;
  out.reserve(a.size() + b.size());
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].bucket < b[j].bucket)) out.push_back(a[i++]);
    else if (i == a.size() || b[j].bucket < a[i].bucket) out.push_back(b[j++]);
    else {
      out.push_back(a[i++]);
      out.back().merge(b[j++]);
    }
  }
  return out;
}

void encodeAggs(std::string& dst, const Agg* a, size_t n) {
  putVarint(dst, n);
  std::vector<int64_t> ts(n);
  std::vector<uint64_t> u(n);
  std::vector<double> d(n);
  for (size_t i = 0; i < n; ++i) ts[i] = a[i].bucket;
  encodeTimestamps(dst, ts.data(), n);
  auto packU = [&](auto get) {
    for (size_t i = 0; i < n; ++i) u[i] = get(a[i]);
    packUnsigned(dst, u.data(), n);
  };
  auto packD = [&](auto get) {
    for (size_t i = 0; i < n; ++i) d[i] = get(a[i]);
    encodeValues(dst, d.data(), n);
  };
  packU([](const Agg& x) { return x.count; });
  packD([](const Agg& x) { return x.sum; });
  packD([](const Agg& x) { return x.sumSq; });
  packD([](const Agg& x) { return x.min; });
  packD([](const Agg& x) { return x.max; });
  packD([](const Agg& x) { return x.first; });
  packD([](const Agg& x) { return x.last; });
  packU([](const Agg& x) { return static_cast<uint64_t>(x.firstTs - x.bucket); });
  packU([](const Agg& x) { return static_cast<uint64_t>(x.lastTs - x.bucket); });
  packU([](const Agg& x) { return x.good; });
  packU([](const Agg& x) { return x.bad; });
  packU([](const Agg& x) { return x.outOfRange; });
}

bool decodeAggs(std::string_view in, std::vector<Agg>& out) {
  Decoder dec(in);
  uint64_t n;
  if (!dec.varint(n) || n > in.size() * 8 + 8) return false;
  std::vector<int64_t> ts(n);
  std::vector<uint64_t> u(n);
  std::vector<double> d(n);
  if (!decodeTimestamps(dec, ts.data(), n)) return false;
  const size_t base = out.size();
  out.resize(base + n);
  Agg* a = out.data() + base;
  for (size_t i = 0; i < n; ++i) a[i].bucket = ts[i];
  bool ok = true;
  auto unpackU = [&](auto set) {
    if (!ok || !(ok = unpackUnsigned(dec, u.data(), n))) return;
    for (size_t i = 0; i < n; ++i) set(a[i], u[i]);
  };
  auto unpackD = [&](auto set) {
    if (!ok || !(ok = decodeValues(dec, d.data(), n))) return;
    for (size_t i = 0; i < n; ++i) set(a[i], d[i]);
  };
  unpackU([](Agg& x, uint64_t v) { x.count = v; });
  unpackD([](Agg& x, double v) { x.sum = v; });
  unpackD([](Agg& x, double v) { x.sumSq = v; });
  unpackD([](Agg& x, double v) { x.min = v; });
  unpackD([](Agg& x, double v) { x.max = v; });
  unpackD([](Agg& x, double v) { x.first = v; });
  unpackD([](Agg& x, double v) { x.last = v; });
  unpackU([](Agg& x, uint64_t v) { x.firstTs = x.bucket + static_cast<int64_t>(v); });
  unpackU([](Agg& x, uint64_t v) { x.lastTs = x.bucket + static_cast<int64_t>(v); });
  unpackU([](Agg& x, uint64_t v) { x.good = v; });
  unpackU([](Agg& x, uint64_t v) { x.bad = v; });
  unpackU([](Agg& x, uint64_t v) { x.outOfRange = v; });
  if (!ok) out.resize(base);
  return ok;
}

}  // namespace dcmms::telemetry::tsdb
