// ClickHouseStore: TelemetryStore on a ClickHouse server (HTTP interface, 18.16 or newer).
//
//   write ──► writer lock: resolve series, drop in-batch duplicates, look up (series, ts) pairs
//             at or below each series' horizon in `raw` ──► one RowBinary POST per batch
//             (materialized views fold the rows into roll-up and latest states) ──► ack on 200
//
// Dedup ("first write wins") is decided here, so one ClickHouseStore must be the only writer
// of its database; writes of one instance are serialised. Schema: clickhouse/schema.h.
// Durability is ClickHouse's: an acknowledged insert is committed to its parts (which it does
// not fsync by default). Design and costs: docs/decisions.md §ClickHouse adapter.
// Thread safety: all TelemetryStore methods may run concurrently; close() last.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "telemetry/clickhouse/http_client.h"
#include "telemetry/store.h"

namespace dcmms::telemetry::clickhouse {

struct ClickHouseOptions {
  std::string url = "http://127.0.0.1:8123/";
  std::string database = "dcmms_telemetry";  // created if missing; [A-Za-z0-9_]
  std::string user;                          // empty = server default user
  std::string password;
  size_t maxRowsPerInsert = 1'000'000;  // larger writes are split into several POSTs
  size_t maxKeysPerLookup = 4'000;      // (series, ts) pairs per exact dedup lookup query
  long requestTimeoutMs = 60'000;
  RetentionPolicy retention;
};

class ClickHouseStore final : public TelemetryStore {
 public:
  static Result<std::unique_ptr<ClickHouseStore>> open(ClickHouseOptions options);
  ~ClickHouseStore() override;

  Result<WriteResult> write(std::span<const Point> points) override;
  Result<SeriesId> resolveSeries(const SeriesKey& key, std::string_view unit) override;
  Result<WriteResult> writeColumns(const ColumnBatch& batch) override;
  std::optional<SeriesInfo> findSeries(const SeriesKey& key) const override;
  std::vector<SeriesInfo> listSeries(const std::string& tenantId, const SeriesFilter& filter) const override;
  Result<std::vector<RawRow>> queryRaw(SeriesId id, const RawQuery& query) const override;
  Result<std::vector<RollupRow>> queryRollup(SeriesId id, Resolution res, int64_t startMs,
                                             int64_t endMs) const override;
  std::vector<LatestRow> latest(const std::string& tenantId, const std::optional<std::string>& siteId) const override;
  StoreStats stats() const override;
  Result<RetentionReport> applyRetention(int64_t nowMs) override;
  Status flush() override;
  Status close() override;

 private:
  explicit ClickHouseStore(ClickHouseOptions options);

  struct SeriesState {
    SeriesInfo info;
    // No stored point of the series has ts > horizon: newer points skip the dedup lookup.
    // Advanced before an insert is attempted (a failed insert may have committed rows).
    int64_t horizon = INT64_MIN;  // guarded by writeMu_
    bool hasLatest = false;       // latest*: guarded by latestMu_
    int64_t latestTs = 0;
    double latestValue = 0;
    uint8_t latestQuality = 0;
    uint8_t latestFlags = 0;
  };
  struct NewSeries {
    SeriesKey key;
    std::string unit;
  };
  struct Rows;

  Status createSchema();
  Status loadCatalogue();
  Status loadLatest();
  // Assigns ids to keys not yet known (one catalogue insert for all of them).
  Result<std::vector<SeriesId>> resolveAll(const std::vector<NewSeries>& keys);
  Result<WriteResult> insertRows(const Rows& rows);
  // Returns, for sorted unique candidate rows, which ones are already stored.
  Result<std::vector<bool>> lookupExisting(const Rows& rows, const std::vector<uint32_t>& candidates) const;
  static std::string keyString(const SeriesKey& key);
  std::string table(const char* name) const { return opt_.database + "." + name; }
  Status checkOpen() const;

  ClickHouseOptions opt_;
  HttpClient http_;

  mutable std::shared_mutex catMu_;  // structure of series_ and keyIndex_
  std::deque<SeriesState> series_;
  std::unordered_map<std::string, SeriesId> keyIndex_;
  std::mutex createMu_;              // one catalogue insert at a time (ids are max + 1)
  std::mutex writeMu_;               // one point insert at a time (dedup decisions)
  mutable std::mutex latestMu_;
  std::atomic<int64_t> cutoff_[kTierCount] = {};  // retention horizon applied to reads
  std::atomic<bool> closed_{false};
};

// Opens a store from "clickhouse://host:port/db" (HTTP port; db defaults to dcmms_telemetry)
// or "http://host:port/?database=db".
Result<std::unique_ptr<TelemetryStore>> openClickHouseStore(const std::string& url);

}  // namespace dcmms::telemetry::clickhouse
