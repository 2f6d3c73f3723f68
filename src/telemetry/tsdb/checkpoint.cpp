#include "telemetry/tsdb/checkpoint.h"

#include "telemetry/tsdb/coding.h"
#include "telemetry/tsdb/crc32c.h"
#include "telemetry/tsdb/env.h"

namespace dcmms::telemetry::tsdb {

std::string encodeCheckpoint(const CheckpointData& c) {
  std::string b;
  putFixed64(b, kCheckpointMagic);
  putVarint(b, c.seq);
  putVarint(b, c.walSegment);
  putVarint(b, c.series.size());
  for (const auto& s : c.series) {
    putBytes(b, s.key.tenantId);
    putBytes(b, s.key.siteId);
    putBytes(b, s.key.assetId);
    putBytes(b, s.key.sensorId);
    putBytes(b, s.key.metric);
    putBytes(b, s.unit);
    putVarsigned(b, s.maxTs);
    putDouble(b, s.lastValue);
    b.push_back(static_cast<char>(s.lastQuality));
    b.push_back(static_cast<char>(s.lastFlags));
    putVarint(b, s.points);
  }
  putFixed32(b, crc32c::value(b));
  return b;
}

Result<CheckpointData> decodeCheckpoint(std::string_view in) {
  if (in.size() < 12 || crc32c::value(in.substr(0, in.size() - 4)) != loadFixed32(in.data() + in.size() - 4))
    return corruption("CHECKPOINT checksum mismatch");
  Decoder d(in.substr(0, in.size() - 4));
  uint64_t magic, n;
  CheckpointData c;
  if (!d.fixed64(magic) || magic != kCheckpointMagic || !d.varint(c.seq) || !d.varint(c.walSegment) ||
      !d.varint(n) || n > in.size())
    return corruption("bad CHECKPOINT header");
  c.series.resize(n);
  for (auto& s : c.series) {
    std::string_view t, si, a, se, m, u;
    if (!d.bytes(t) || !d.bytes(si) || !d.bytes(a) || !d.bytes(se) || !d.bytes(m) || !d.bytes(u) ||
        !d.varsigned(s.maxTs) || !d.dbl(s.lastValue) || !d.u8(s.lastQuality) || !d.u8(s.lastFlags) ||
        !d.varint(s.points))
      return corruption("bad CHECKPOINT series entry");
    s.key = SeriesKey{std::string(t), std::string(si), std::string(a), std::string(se), std::string(m)};
    s.unit = std::string(u);
  }
  return c;
}

}  // namespace dcmms::telemetry::tsdb
