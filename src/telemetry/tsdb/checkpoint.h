// CHECKPOINT file (FORMAT.md §Checkpoint): written atomically (temp, fsync, rename) after
// the tables of checkpoint `seq` are durable. It holds the series catalogue (id = position),
// each series' newest point and point count as of the head swap, and the first WAL segment
// that recovery must replay.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/store.h"

namespace dcmms::telemetry::tsdb {

inline constexpr uint64_t kCheckpointMagic = 0x31504B4342445354ull;  // "TSDBCKP1"

struct SeriesSnapshot {
  SeriesKey key;
  std::string unit;
  int64_t maxTs = INT64_MIN;  // INT64_MIN = no point yet
  double lastValue = 0;
  uint8_t lastQuality = 0;
  uint8_t lastFlags = 0;
  uint64_t points = 0;
};

struct CheckpointData {
  uint64_t seq = 0;
  uint64_t walSegment = 0;  // replay segments >= this
  std::vector<SeriesSnapshot> series;
};

std::string encodeCheckpoint(const CheckpointData& c);
Result<CheckpointData> decodeCheckpoint(std::string_view in);

}  // namespace dcmms::telemetry::tsdb
