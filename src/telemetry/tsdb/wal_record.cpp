#include "telemetry/tsdb/wal_record.h"

#include <cmath>
#include <cstring>

#include "telemetry/tsdb/coding.h"
#include "telemetry/tsdb/column_codec.h"

namespace dcmms::telemetry::tsdb {
namespace {
constexpr uint8_t kRawDoubles = 0xFF;
}  // namespace

void encodeSeriesRecord(std::string& dst, const SeriesRecord& r) {
  putVarint(dst, r.id);
  putBytes(dst, r.key.tenantId);
  putBytes(dst, r.key.siteId);
  putBytes(dst, r.key.assetId);
  putBytes(dst, r.key.sensorId);
  putBytes(dst, r.key.metric);
  putBytes(dst, r.unit);
}

bool decodeSeriesRecord(std::string_view in, SeriesRecord& out) {
  Decoder d(in);
  uint64_t id;
  std::string_view t, s, a, se, m, u;
  if (!d.varint(id) || id > UINT32_MAX || !d.bytes(t) || !d.bytes(s) || !d.bytes(a) || !d.bytes(se) ||
      !d.bytes(m) || !d.bytes(u))
    return false;
  out.id = static_cast<SeriesId>(id);
  out.key = SeriesKey{std::string(t), std::string(s), std::string(a), std::string(se), std::string(m)};
  out.unit = std::string(u);
  return true;
}

void SampleBatch::clear() {
  ids.clear();
  ts.clear();
  values.clear();
  quality.clear();
  flags.clear();
  meta.clear();
}

void encodeSamples(std::string& dst, const SampleBatch& b) {
  const size_t n = b.size();
  putVarint(dst, n);
  int64_t prevId = 0, prevTs = 0;
  for (size_t i = 0; i < n; ++i) {
    putVarsigned(dst, static_cast<int64_t>(b.ids[i]) - prevId);
    prevId = b.ids[i];
  }
  for (size_t i = 0; i < n; ++i) {
    putVarsigned(dst, static_cast<int64_t>(static_cast<uint64_t>(b.ts[i]) - static_cast<uint64_t>(prevTs)));
    prevTs = b.ts[i];
  }
  const int k = detectDecimalScale(b.values.data(), n);
  if (k >= 0) {
    dst.push_back(static_cast<char>(k));
    for (size_t i = 0; i < n; ++i) putVarsigned(dst, roundToInt(b.values[i] * kPow10[k]));
  } else {
    dst.push_back(static_cast<char>(kRawDoubles));
    for (size_t i = 0; i < n; ++i) putDouble(dst, b.values[i]);
  }
  for (size_t i = 0; i < n; ++i) putVarint(dst, static_cast<uint64_t>(b.quality[i]) | (static_cast<uint64_t>(b.flags[i]) << 2));
  putVarint(dst, b.meta.size());
  for (const auto& [row, json] : b.meta) {
    putVarint(dst, row);
    putBytes(dst, json);
  }
}

bool decodeSamples(std::string_view in, SampleBatch& out) {
  Decoder d(in);
  uint64_t n;
  if (!d.varint(n) || n > in.size()) return false;
  out.clear();
  out.ids.resize(n);
  out.ts.resize(n);
  out.values.resize(n);
  out.quality.resize(n);
  out.flags.resize(n);
  int64_t id = 0, ts = 0, v;
  for (uint64_t i = 0; i < n; ++i) {
    if (!d.varsigned(v)) return false;
    id += v;
    if (id < 0 || id > INT64_C(0xFFFFFFFF)) return false;
    out.ids[i] = static_cast<SeriesId>(id);
  }
  for (uint64_t i = 0; i < n; ++i) {
    if (!d.varsigned(v)) return false;
    ts = static_cast<int64_t>(static_cast<uint64_t>(ts) + static_cast<uint64_t>(v));
    out.ts[i] = ts;
  }
  uint8_t k;
  if (!d.u8(k)) return false;
  if (k == kRawDoubles) {
    for (uint64_t i = 0; i < n; ++i)
      if (!d.dbl(out.values[i])) return false;
  } else {
    if (k > kMaxDecimalScale) return false;
    for (uint64_t i = 0; i < n; ++i) {
      if (!d.varsigned(v)) return false;
      out.values[i] = static_cast<double>(v) / kPow10[k];
    }
  }
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t qf;
    if (!d.varint(qf) || (qf & 3) > 2 || (qf >> 2) > 0xFF) return false;
    out.quality[i] = static_cast<uint8_t>(qf & 3);
    out.flags[i] = static_cast<uint8_t>(qf >> 2);
  }
  uint64_t metaCount;
  if (!d.varint(metaCount) || metaCount > n) return false;
  for (uint64_t i = 0; i < metaCount; ++i) {
    uint64_t row;
    std::string_view json;
    if (!d.varint(row) || row >= n || !d.bytes(json)) return false;
    out.meta.emplace_back(static_cast<uint32_t>(row), std::string(json));
  }
  return true;
}

}  // namespace dcmms::telemetry::tsdb
