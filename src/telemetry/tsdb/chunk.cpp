#include "telemetry/tsdb/chunk.h"

#include <algorithm>

#include "telemetry/tsdb/coding.h"
#include "telemetry/tsdb/column_codec.h"

namespace dcmms::telemetry::tsdb {

void SeriesColumns::clear() {
  ts.clear();
  values.clear();
  quality.clear();
  flags.clear();
  meta.clear();
}

void SeriesColumns::reserve(size_t n) {
  ts.reserve(n);
  values.reserve(n);
  quality.reserve(n);
  flags.reserve(n);
}

void SeriesColumns::appendRange(const SeriesColumns& o, size_t from, size_t to) {
  const auto base = static_cast<uint32_t>(ts.size());
  ts.insert(ts.end(), o.ts.begin() + from, o.ts.begin() + to);
  values.insert(values.end(), o.values.begin() + from, o.values.begin() + to);
  quality.insert(quality.end(), o.quality.begin() + from, o.quality.begin() + to);
  flags.insert(flags.end(), o.flags.begin() + from, o.flags.begin() + to);
  auto it = std::lower_bound(o.meta.begin(), o.meta.end(), static_cast<uint32_t>(from),
                             [](const auto& m, uint32_t r) { return m.first < r; });
  for (; it != o.meta.end() && it->first < to; ++it)
    meta.emplace_back(base + (it->first - static_cast<uint32_t>(from)), it->second);
}

void encodeChunk(std::string& dst, const SeriesColumns& c, size_t from, size_t to) {
  const size_t n = to - from;
  putVarint(dst, n);
  encodeTimestamps(dst, c.ts.data() + from, n);
  encodeValues(dst, c.values.data() + from, n);
  encodeRle(dst, c.quality.data() + from, n);
  encodeRle(dst, c.flags.data() + from, n);
  auto it = std::lower_bound(c.meta.begin(), c.meta.end(), static_cast<uint32_t>(from),
                             [](const auto& m, uint32_t r) { return m.first < r; });
  auto end = it;
  while (end != c.meta.end() && end->first < to) ++end;
  putVarint(dst, static_cast<uint64_t>(end - it));
  uint32_t prev = static_cast<uint32_t>(from);
  for (; it != end; ++it) {
    putVarint(dst, it->first - prev);
    prev = it->first;
    putBytes(dst, it->second);
  }
}

namespace {
bool decodeHeader(Decoder& in, size_t& n) {
  uint64_t count;
  if (!in.varint(count) || count > (1u << 24)) return false;
  n = count;
  return true;
}
}  // namespace

bool decodeChunk(std::string_view bytes, SeriesColumns& out) {
  Decoder in(bytes);
  size_t n;
  if (!decodeHeader(in, n)) return false;
  const size_t base = out.ts.size();
  out.ts.resize(base + n);
  out.values.resize(base + n);
  out.quality.resize(base + n);
  out.flags.resize(base + n);
  bool ok = decodeTimestamps(in, out.ts.data() + base, n) && decodeValues(in, out.values.data() + base, n) &&
            decodeRle(in, out.quality.data() + base, n) && decodeRle(in, out.flags.data() + base, n);
  uint64_t metaCount = 0;
  ok = ok && in.varint(metaCount) && metaCount <= n;
  uint64_t row = 0;
  for (uint64_t i = 0; ok && i < metaCount; ++i) {
    uint64_t d;
    std::string_view json;
    ok = in.varint(d) && in.bytes(json);
    row += d;
    ok = ok && row < n;
    if (ok) out.meta.emplace_back(static_cast<uint32_t>(base + row), std::string(json));
  }
  if (!ok) {
    out.ts.resize(base);
    out.values.resize(base);
    out.quality.resize(base);
    out.flags.resize(base);
  }
  return ok;
}

bool decodeChunkTimestamps(std::string_view bytes, std::vector<int64_t>& out) {
  Decoder in(bytes);
  size_t n;
  if (!decodeHeader(in, n)) return false;
  const size_t base = out.size();
  out.resize(base + n);
  if (!decodeTimestamps(in, out.data() + base, n)) {
    out.resize(base);
    return false;
  }
  return true;
}

SeriesColumns mergeColumns(const SeriesColumns& a, const SeriesColumns& b) {
  SeriesColumns out;
  out.reserve(a.size() + b.size());
  size_t i = 0, j = 0, ma = 0, mb = 0;
  auto take = [&out](const SeriesColumns& s, size_t row, size_t& metaPos) {
    while (metaPos < s.meta.size() && s.meta[metaPos].first < row) ++metaPos;
    if (metaPos < s.meta.size() && s.meta[metaPos].first == row)
      out.meta.emplace_back(static_cast<uint32_t>(out.ts.size()), s.meta[metaPos].second);
    out.push(s.ts[row], s.values[row], s.quality[row], s.flags[row]);
  };
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a.ts[i] <= b.ts[j])) {
      if (j < b.size() && a.ts[i] == b.ts[j]) ++j;  // a wins
      take(a, i++, ma);
    } else {
      take(b, j++, mb);
    }
  }
  return out;
}

}  // namespace dcmms::telemetry::tsdb
