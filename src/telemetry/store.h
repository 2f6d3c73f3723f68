// TelemetryStore: the storage boundary for telemetry. Implemented by the embedded engine
// (telemetry/tsdb) and by a ClickHouse adapter. Callers see one contract:
//   - a write returns only once the accepted points are durable (unless the implementation
//     was opened in its documented fast mode);
//   - the same (series, timestamp) written twice stores one point: the first write wins and
//     later copies are counted as duplicates (idempotent replay);
//   - roll-ups (1m/5m/15m/1h, calendar-aligned UTC buckets) always equal a recomputation
//     from the raw points that were ever accepted, late points included;
//   - queries see every acknowledged point.
// Thread safety: every method may be called concurrently from any thread, except close(),
// which must be the last call.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "telemetry/point.h"

namespace dcmms::telemetry {

// Value of a Result that carries none.
struct Ok {};
using Status = Result<Ok>;

enum class Resolution : uint8_t { m1 = 0, m5 = 1, m15 = 2, h1 = 3 };
inline constexpr int kResolutionCount = 4;
constexpr int64_t resolutionMs(Resolution r) {
  switch (r) {
    case Resolution::m1: return 60'000;
    case Resolution::m5: return 300'000;
    case Resolution::m15: return 900'000;
    case Resolution::h1: return 3'600'000;
  }
  return 60'000;
}
const char* resolutionName(Resolution r);  // "1m", "5m", "15m", "1h"
std::optional<Resolution> parseResolution(std::string_view s);

struct WriteResult {
  uint64_t accepted = 0;    // new points stored
  uint64_t duplicates = 0;  // (series, timestamp) already present: ignored
  uint64_t rejected = 0;    // not storable (non-finite value)
};

// Dense id of a series, valid for the lifetime of the store instance that returned it.
using SeriesId = uint32_t;

struct SeriesInfo {
  SeriesId id = 0;
  SeriesKey key;
  std::string unit;
};

// Hot-path batch: parallel columns of equal length. quality/flags may be empty (= good/none).
// metadata is sparse: (row index, JSON object text), row indices ascending.
struct ColumnBatch {
  std::span<const SeriesId> seriesIds;
  std::span<const int64_t> timestampsMs;
  std::span<const double> values;
  std::span<const Quality> quality;
  std::span<const uint8_t> flags;
  std::span<const std::pair<uint32_t, std::string>> metadata;
  size_t size() const { return seriesIds.size(); }
};

// Empty optional = no constraint.
struct SeriesFilter {
  std::optional<std::string> siteId;
  std::optional<std::string> assetId;
  std::optional<std::string> sensorId;
  std::optional<std::string> metric;

  // True when the series belongs to tenantId and meets every set constraint.
  bool matches(const std::string& tenantId, const SeriesKey& k) const {
    return k.tenantId == tenantId && (!siteId || k.siteId == *siteId) && (!assetId || k.assetId == *assetId) &&
           (!sensorId || k.sensorId == *sensorId) && (!metric || k.metric == *metric);
  }
};

struct RawQuery {
  int64_t startMs = INT64_MIN;  // inclusive
  int64_t endMs = INT64_MAX;    // exclusive
  size_t limit = 10'000;
  std::optional<int64_t> afterTs;  // cursor: only points with ts > afterTs
};

struct RawRow {
  int64_t timestampMs = 0;
  double value = 0;
  Quality quality = Quality::good;
  uint8_t flags = kFlagNone;
  std::string metadataJson;  // "" = none
};

// One roll-up bucket. Counts are of stored points; stddev is derived from the exact sums.
struct RollupRow {
  int64_t bucketStartMs = 0;
  uint64_t count = 0;
  double sum = 0;
  double sumSq = 0;
  double min = 0;
  double max = 0;
  double first = 0;  // value of the earliest point in the bucket
  double last = 0;   // value of the latest point in the bucket
  int64_t firstTs = 0;
  int64_t lastTs = 0;
  uint64_t goodCount = 0;
  uint64_t badCount = 0;
  uint64_t outOfRangeCount = 0;

  double avg() const { return count ? sum / static_cast<double>(count) : 0.0; }
  // Population (divide by n) and sample (divide by n-1) standard deviation.
  double stddevPopulation() const { return count ? std::sqrt(variance(count)) : 0.0; }
  double stddevSample() const { return count > 1 ? std::sqrt(variance(count - 1)) : 0.0; }

 private:
  double variance(uint64_t div) const {
    const double n = static_cast<double>(count);
    const double v = (sumSq - sum * sum / n) / static_cast<double>(div);
    return v > 0 ? v : 0.0;
  }
};

struct LatestRow {
  SeriesInfo series;
  int64_t timestampMs = 0;
  double value = 0;
  Quality quality = Quality::good;
  uint8_t flags = kFlagNone;
};

enum class Tier : uint8_t { raw = 0, m1 = 1, m5 = 2, m15 = 3, h1 = 4 };
inline constexpr int kTierCount = 5;
constexpr Tier tierOf(Resolution r) { return static_cast<Tier>(static_cast<int>(r) + 1); }
const char* tierName(Tier t);  // "raw", "1m", "5m", "15m", "1h"

struct TierStats {
  uint64_t bytesOnDisk = 0;
  uint64_t partitions = 0;
  uint64_t files = 0;
};

struct StoreStats {
  uint64_t series = 0;
  uint64_t points = 0;       // raw points stored
  uint64_t walBytes = 0;     // live write-ahead log
  uint64_t headPoints = 0;   // points not yet in immutable chunks
  TierStats tiers[kTierCount];
};

struct RetentionReport {
  uint64_t partitionsDropped[kTierCount] = {};
};

// Retention per tier in milliseconds; 0 = keep forever.
struct RetentionPolicy {
  int64_t ms[kTierCount] = {90LL * 86'400'000, 365LL * 86'400'000, 3 * 365LL * 86'400'000,
                            5 * 365LL * 86'400'000, 5 * 365LL * 86'400'000};
};

class TelemetryStore {
 public:
  virtual ~TelemetryStore() = default;

  // Row-oriented write; series are created on first sight (a new sensor of a known asset
  // gets its own series). Duplicates within the batch count once.
  virtual Result<WriteResult> write(std::span<const Point> points) = 0;

  // Columnar fast path: resolve ids once, then write batches of ids.
  virtual Result<SeriesId> resolveSeries(const SeriesKey& key, std::string_view unit) = 0;
  virtual Result<WriteResult> writeColumns(const ColumnBatch& batch) = 0;

  virtual std::optional<SeriesInfo> findSeries(const SeriesKey& key) const = 0;
  virtual std::vector<SeriesInfo> listSeries(const std::string& tenantId,
                                             const SeriesFilter& filter) const = 0;

  // Points ordered by timestamp, at most query.limit of them.
  virtual Result<std::vector<RawRow>> queryRaw(SeriesId id, const RawQuery& query) const = 0;
  // Buckets with bucketStart in [startMs, endMs), ordered, empty buckets omitted.
  virtual Result<std::vector<RollupRow>> queryRollup(SeriesId id, Resolution res, int64_t startMs,
                                                     int64_t endMs) const = 0;
  // The newest point of every series of the tenant (optionally one site).
  virtual std::vector<LatestRow> latest(const std::string& tenantId,
                                        const std::optional<std::string>& siteId) const = 0;

  virtual StoreStats stats() const = 0;
  // Drops data older than each tier's retention relative to nowMs.
  virtual Result<RetentionReport> applyRetention(int64_t nowMs) = 0;
  // Makes every accepted point durable (also in fast mode).
  virtual Status flush() = 0;
  virtual Status close() = 0;
};

}  // namespace dcmms::telemetry
