// The result of parsing one ingest request or message: a columnar batch of accepted points with
// interned series (one BatchSeries per distinct series and unit; rows refer to it by index), and
// the per-point rejections. Storage resolves each BatchSeries once and writes the rows; Points
// are materialised only on slow paths.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "telemetry/point.h"

namespace dcmms::telemetry {

enum class RejectCode : uint8_t {
  malformed,         // syntax error in a line or JSON document
  missingField,      // a required field or tag is absent
  invalidType,       // a field has the wrong type (e.g. a string value)
  nonFiniteValue,    // NaN or ±Inf
  invalidTimestamp,  // unparseable or out of the representable range
  tooOld,            // older than now − maxAge (and not a backfill)
  inFuture,          // newer than now + maxFuture
  invalidQuality,    // unknown quality spelling
  invalidTopic,      // MQTT topic not telemetry/{siteId}/{assetId}/{sensorType}
  unknownAsset,      // no such asset in the tenant (checked by storage, not the parser)
  siteMismatch,      // the asset is at another site than the point says
  siteForbidden,     // the caller has no access to the point's site
};

// "MALFORMED", "MISSING_FIELD", "INVALID_TYPE", "NON_FINITE_VALUE", "INVALID_TIMESTAMP",
// "TIMESTAMP_TOO_OLD", "TIMESTAMP_IN_FUTURE", "INVALID_QUALITY", "INVALID_TOPIC", "UNKNOWN_ASSET",
// "SITE_MISMATCH", "SITE_ACCESS_DENIED".
std::string_view rejectCodeName(RejectCode code);

inline constexpr size_t kMaxRawBytes = 4096;  // raw text kept per rejected line or element

struct Rejection {
  uint32_t index = 0;  // line number (1-based) for line protocol, element index (0-based) for JSON
  std::string field;   // e.g. "site", "value", "metrics.temperature_c"; "" = the whole element
  RejectCode code = RejectCode::malformed;
  std::string message;
  std::string raw;     // the rejected line or element, truncated to kMaxRawBytes
};

// A series remembered across requests (see LineSeriesCache): storage records here the id it
// resolved the series to once the series passed the scope checks, so later batches skip both.
struct SeriesMemo {
  std::atomic<uint64_t> resolved{0};  // SeriesId + 1; 0 = not resolved yet
  // Where the batch that last interned this memo put it: a hint that ParsedBatch::internMemo
  // verifies, so concurrent batches overwriting it cost at most a duplicate series entry.
  std::atomic<uint32_t> batchIndex{UINT32_MAX};
};

struct BatchSeries {
  SeriesKey key;
  std::string unit;                  // normalised unit of every row of this series
  std::shared_ptr<SeriesMemo> memo;  // null when the parser keeps no memo
};

struct Row {
  uint32_t series = 0;  // index into ParsedBatch::series()
  uint32_t meta = 0;    // index into ParsedBatch::metadata(); 0 = no metadata
  int64_t timestampMs = 0;
  double value = 0;
  Quality quality = Quality::good;
  uint8_t flags = kFlagNone;
  uint32_t source = 0;  // line number / element index the row came from
};

class ParsedBatch {
 public:
  ParsedBatch() : metadata_(1) {}

  const std::vector<BatchSeries>& series() const { return series_; }
  const std::vector<Row>& rows() const { return rows_; }
  const std::vector<std::string>& metadata() const { return metadata_; }
  const std::vector<Rejection>& rejections() const { return rejections_; }
  size_t accepted() const { return rows_.size(); }

  // Returns the index of the series (key, unit), adding it on first use.
  uint32_t internSeries(const SeriesKey& key, std::string_view unit);
  // The same for a memoised series: one memo stands for one (key, unit). The memo's batchIndex
  // hint replaces a lookup table; a hint another batch overwrote meanwhile only means this batch
  // gets a second entry for the series (both resolve to the same stored series).
  uint32_t internMemo(const std::shared_ptr<SeriesMemo>& memo, const SeriesKey& key, std::string_view unit);
  // Stores a metadata JSON object text; "" → 0.
  uint32_t addMetadata(std::string json);
  void addRow(const Row& row) { rows_.push_back(row); }
  void reserveRows(size_t n) { rows_.reserve(n); }
  void reject(Rejection r);
  // Keeps the rows for which keep(row) is true, in order.
  void retainRows(const std::function<bool(const Row&)>& keep);

  Point point(size_t row) const;
  std::vector<Point> toPoints() const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  std::vector<BatchSeries> series_;
  std::vector<Row> rows_;
  std::vector<std::string> metadata_;
  std::vector<Rejection> rejections_;
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> seriesIndex_;
  std::string scratch_;
};

// A text naming (key, unit) unambiguously: length-prefixed parts, so no separator can collide.
std::string seriesKeyText(const SeriesKey& key, std::string_view unit);
void appendSeriesKeyText(std::string& out, const SeriesKey& key, std::string_view unit);

// Truncates raw text for a Rejection / dead letter to kMaxRawBytes.
std::string capRaw(std::string_view raw);

}  // namespace dcmms::telemetry
