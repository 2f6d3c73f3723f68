// Data directory layout (FORMAT.md §Directory):
//   <dir>/CHECKPOINT                       catalogue + per-series state + WAL start
//   <dir>/wal/<8-digit segment>.wal
//   <dir>/<tier>/<YYYYMMDD>/<lo>-<hi>.tbl  tier = raw | 1m | 5m | 15m | 1h
// A partition directory is named by the UTC day its window starts; windows are
// epoch-aligned multiples of the tier's partition width, so retention removes whole
// directories.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "telemetry/store.h"

namespace dcmms::telemetry::tsdb {

inline constexpr int64_t kDayMs = 86'400'000;

std::string tierDir(const std::string& root, Tier t);
// "YYYYMMDD" of the UTC day containing ms (ms is a day boundary).
std::string partitionName(int64_t startMs);
std::optional<int64_t> parsePartitionName(std::string_view name);

}  // namespace dcmms::telemetry::tsdb
