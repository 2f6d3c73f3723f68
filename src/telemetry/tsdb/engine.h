// TsdbStore: the embedded time-series engine behind TelemetryStore.
//
//   write ──► stripe lock: dedup, append to head, frame WAL record ──► group-commit sync ──► ack
//   checkpoint (background or flush): swap heads out under all stripe locks + WAL rotate,
//     write immutable tables per tier/partition, then CHECKPOINT, then drop old WAL segments
//   compaction: merges the tables of a partition once it has `compactionTrigger` of them
//   open: CHECKPOINT → tables (orphans removed) → WAL replay of segments >= its start
//
// Formats: FORMAT.md. Design rationale: docs/decisions.md §Telemetry engine.
// Thread safety: all TelemetryStore methods may run concurrently; close() last.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "telemetry/store.h"
#include "telemetry/tsdb/checkpoint.h"
#include "telemetry/tsdb/env.h"
#include "telemetry/tsdb/head.h"
#include "telemetry/tsdb/table.h"
#include "telemetry/tsdb/wal.h"
#include "telemetry/tsdb/wal_record.h"

namespace dcmms::telemetry::tsdb {

struct TsdbOptions {
  std::string dir;
  Env* env = nullptr;        // null = POSIX
  bool fastMode = false;     // acknowledge without fsync (survives a process crash, not power loss)
  uint64_t walSegmentBytes = 128ull << 20;
  uint64_t walMaxGroupBytes = 32ull << 20;
  uint64_t headMaxPoints = 8'000'000;  // checkpoint when the head holds this many points
  size_t compactionTrigger = 4;        // tables per partition that start a compaction
  bool compactOnClose = true;          // leave one table per partition after close()
  bool backgroundThread = true;        // false: checkpoints only on flush()/close() (tests)
  RetentionPolicy retention;
  // Partition width per tier in days (raw, 1m, 5m, 15m, 1h).
  std::array<int64_t, kTierCount> partitionDays = {1, 1, 10, 30, 30};
  // Test hook called at named crash points ("checkpoint.tables_written",
  // "checkpoint.manifest_written", "compaction.output_written").
  std::function<void(std::string_view)> crashPoint;
};

class TsdbStore final : public TelemetryStore {
 public:
  static Result<std::unique_ptr<TsdbStore>> open(TsdbOptions options);
  ~TsdbStore() override;

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

  // Merges every partition holding more than one table (also run by close()).
  Status compactAll();
  // Test helper: stops like a crashed process would (no checkpoint; unsynced WAL bytes are
  // written or lost as the OS decides). The object is unusable afterwards.
  void simulateCrashForTest();

 private:
  explicit TsdbStore(TsdbOptions options);

  static constexpr size_t kStripes = 16;

  struct SeriesState {
    SeriesInfo info;
    int64_t maxTs = INT64_MIN;
    double lastValue = 0;
    uint8_t lastQuality = 0;
    uint8_t lastFlags = 0;
    uint64_t points = 0;
    HeadSeries head;
  };
  using TableList = std::vector<std::shared_ptr<const TableReader>>;
  // The immutable set of live tables; replaced copy-on-write.
  struct Version {
    std::array<std::map<int64_t, TableList>, kTierCount> parts;  // partition start -> tables (by lo)
  };
  struct Snapshot {
    std::shared_ptr<const Version> version;
    std::shared_ptr<const FrozenHead> frozen;
  };

  Status recover();
  Status loadTables(uint64_t checkpointSeq);
  Status replayWal(uint64_t fromSegment, uint64_t& nextSegment);
  SeriesId addSeriesLocked(const SeriesKey& key, std::string unit);
  static std::string keyString(const SeriesKey& key);

  struct Rows;
  // Applies accepted-or-duplicate decisions for the rows of one stripe (stripe lock held).
  // Accepted rows are appended to `log` when non-null.
  void applyRows(const Rows& in, const uint32_t* rows, size_t n, SampleBatch* log, WriteResult& r);
  bool existsPersisted(const Snapshot& snap, SeriesId id, int64_t ts) const;
  Snapshot snapshot() const;
  int64_t partitionWidth(Tier t) const { return opt_.partitionDays[static_cast<size_t>(t)] * 86'400'000LL; }

  Status checkpoint();
  struct NewTable {
    Tier tier;
    int64_t part;
    std::shared_ptr<const TableReader> table;
  };
  Status writeTables(const FrozenHead& frozen, uint64_t seq, std::vector<NewTable>& out);
  std::optional<Error> failure() const;
  void setFailure(Error e);
  Status compactPartition(Tier tier, int64_t partStart, const TableList& tables);
  Status compactDue(bool all);
  void installTables(Tier tier, int64_t part, const TableList& remove, const TableList& add);
  void backgroundLoop();
  void requestCheckpoint();
  void crashPoint(std::string_view name) const {
    if (opt_.crashPoint) opt_.crashPoint(name);
  }

  TsdbOptions opt_;
  Env& env_;
  std::unique_ptr<WalWriter> wal_;

  mutable std::shared_mutex catMu_;  // guards the structure of series_ and keyIndex_
  std::deque<SeriesState> series_;
  std::unordered_map<std::string, SeriesId> keyIndex_;
  mutable std::array<std::mutex, kStripes> stripes_;  // guard the mutable part of each SeriesState

  mutable std::mutex versionMu_;
  std::shared_ptr<const Version> version_;
  std::shared_ptr<const FrozenHead> frozen_;
  std::optional<Error> failure_;  // sticky: a checkpoint failed; reopen to recover

  std::mutex maintMu_;  // one checkpoint / compaction / retention at a time
  uint64_t lastSeq_ = 0;
  std::array<std::atomic<int64_t>, kTierCount> cutoff_{};  // retention horizon applied to reads

  std::atomic<int64_t> headPoints_{0};  // may dip below 0 briefly around a head swap
  std::atomic<uint64_t> totalPoints_{0};
  std::atomic<bool> closed_{false};

  // Decoded timestamps of raw chunks, for dedup checks of late points.
  mutable std::mutex tsCacheMu_;
  mutable std::unordered_map<std::string, std::shared_ptr<const std::vector<int64_t>>> tsCache_;

  std::mutex bgMu_;
  std::condition_variable bgCv_;
  std::condition_variable flushedCv_;
  bool bgStop_ = false;
  bool checkpointWanted_ = false;
  std::thread bg_;
};

}  // namespace dcmms::telemetry::tsdb
