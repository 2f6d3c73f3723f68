// libFuzzer target: line-protocol parser and gzip body decoding. Built by scripts/run-fuzz.sh.
// Input: byte 0 selects precision (bits 0-1), backfill (bit 2) and gzip decoding (bit 3); the rest
// is the body. Checks the batch's internal invariants besides the sanitizers, and that a second
// parse served from the series cache the first one filled gives the same points and rejections.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "telemetry/ingest/body_codec.h"
#include "telemetry/ingest/line_protocol.h"

using namespace dcmms::telemetry;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

void checkBatch(const ParsedBatch& b) {
  for (const Row& r : b.rows()) {
    require(r.series < b.series().size());
    require(r.meta < b.metadata().size());
  }
  for (const Rejection& r : b.rejections()) require(r.raw.size() <= kMaxRawBytes);
  for (size_t i = 1; i < b.metadata().size(); ++i) {
    const std::string& m = b.metadata()[i];
    require(m.size() >= 2 && m.front() == '{' && m.back() == '}');
  }
  require(b.toPoints().size() == b.accepted());
}

bool samePoints(const ParsedBatch& a, const ParsedBatch& b) {
  if (a.accepted() != b.accepted() || a.rejections().size() != b.rejections().size()) return false;
  for (size_t i = 0; i < a.accepted(); ++i) {
    const Point p = a.point(i), q = b.point(i);
    if (!(p.key == q.key) || p.timestampMs != q.timestampMs || p.unit != q.unit || p.quality != q.quality ||
        p.flags != q.flags || p.metadataJson != q.metadataJson)
      return false;
    if (p.value != q.value && !(p.value != p.value && q.value != q.value)) return false;  // NaN == NaN here
  }
  for (size_t i = 0; i < a.rejections().size(); ++i) {
    const Rejection &r = a.rejections()[i], &s = b.rejections()[i];
    if (r.index != s.index || r.code != s.code || r.field != s.field) return false;
  }
  return true;
}

void parseTwice(std::string_view body, Precision precision, const IngestContext& ctx) {
  LineSeriesCache cache;
  const ParsedBatch first = parseLineProtocol(body, precision, ctx, &cache);
  checkBatch(first);
  const ParsedBatch second = parseLineProtocol(body, precision, ctx, &cache);
  require(samePoints(first, second));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  IngestContext ctx;
  ctx.tenantId = "t";
  ctx.nowMs = 1764118923456;
  ctx.policy.backfill = (mode & 4) != 0;
  const auto precision = static_cast<Precision>(mode & 3);
  if (mode & 8) {
    auto decoded = decodeBody(body, "gzip", 1u << 20);
    if (!decoded.ok()) return 0;
    parseTwice(decoded->view(), precision, ctx);
    return 0;
  }
  parseTwice(body, precision, ctx);
  return 0;
}
