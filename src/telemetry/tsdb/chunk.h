// A chunk: the immutable, compressed points of one series over one time range (at most
// kMaxChunkPoints points, all inside one partition). Layout in FORMAT.md §Chunk.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "telemetry/point.h"

namespace dcmms::telemetry::tsdb {

inline constexpr size_t kMaxChunkPoints = 8192;

// Columns of one series, sorted by timestamp, timestamps unique. meta holds (row, json)
// for the few rows that carry metadata, rows ascending.
struct SeriesColumns {
  std::vector<int64_t> ts;
  std::vector<double> values;
  std::vector<uint8_t> quality;
  std::vector<uint8_t> flags;
  std::vector<std::pair<uint32_t, std::string>> meta;

  size_t size() const { return ts.size(); }
  void clear();
  void reserve(size_t n);
  void push(int64_t t, double v, uint8_t q, uint8_t f) {
    ts.push_back(t);
    values.push_back(v);
    quality.push_back(q);
    flags.push_back(f);
  }
  // Appends rows [from, to) of other (metadata re-indexed).
  void appendRange(const SeriesColumns& other, size_t from, size_t to);
};

void encodeChunk(std::string& dst, const SeriesColumns& c, size_t from, size_t to);
// Appends the decoded rows to out. False on malformed input.
bool decodeChunk(std::string_view in, SeriesColumns& out);
// Decodes only the timestamps (dedup checks).
bool decodeChunkTimestamps(std::string_view in, std::vector<int64_t>& out);

// Merges two sorted column sets; on equal timestamps the row of `a` wins.
SeriesColumns mergeColumns(const SeriesColumns& a, const SeriesColumns& b);

}  // namespace dcmms::telemetry::tsdb
