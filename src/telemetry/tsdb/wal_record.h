// WAL record payload codec (FORMAT.md §WAL records). Knows nothing about files (wal.h) or
// about applying records (engine replay). Unknown record types are skipped on replay so an
// older binary can read a newer log.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "telemetry/store.h"

namespace dcmms::telemetry::tsdb {

enum WalRecordType : uint8_t {
  kWalSeries = 1,   // a new series: id, key, unit
  kWalSamples = 2,  // accepted points
};

struct SeriesRecord {
  SeriesId id = 0;
  SeriesKey key;
  std::string unit;
};
void encodeSeriesRecord(std::string& dst, const SeriesRecord& r);
bool decodeSeriesRecord(std::string_view in, SeriesRecord& out);

// Columns of accepted points (any series mix). metadata rows ascending.
struct SampleBatch {
  std::vector<SeriesId> ids;
  std::vector<int64_t> ts;
  std::vector<double> values;
  std::vector<uint8_t> quality;
  std::vector<uint8_t> flags;
  std::vector<std::pair<uint32_t, std::string>> meta;
  size_t size() const { return ids.size(); }
  void clear();
};
void encodeSamples(std::string& dst, const SampleBatch& b);
bool decodeSamples(std::string_view in, SampleBatch& out);

}  // namespace dcmms::telemetry::tsdb
