// TsdbStore: checkpoints (head → tables), compaction, retention and the background thread.
#include <algorithm>
#include <map>
#include <set>

#include "core/log.h"
#include "telemetry/tsdb/engine.h"
#include "telemetry/tsdb/layout.h"

namespace dcmms::telemetry::tsdb {

namespace {
constexpr Tier kRollupTiers[] = {Tier::m1, Tier::m5, Tier::m15, Tier::h1};
constexpr int64_t kTierWidthMs[kTierCount] = {0, 60'000, 300'000, 900'000, 3'600'000};
}  // namespace

void TsdbStore::installTables(Tier tier, int64_t part, const TableList& remove, const TableList& add) {
  std::lock_guard l(versionMu_);
  auto v = std::make_shared<Version>(*version_);
  auto& parts = v->parts[static_cast<size_t>(tier)];
  TableList list = parts[part];
  std::erase_if(list, [&](const auto& t) { return std::find(remove.begin(), remove.end(), t) != remove.end(); });
  list.insert(list.end(), add.begin(), add.end());
  std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a->name().lo < b->name().lo; });
  if (list.empty()) parts.erase(part);
  else parts[part] = std::move(list);
  version_ = std::move(v);
}

Status TsdbStore::writeTables(const FrozenHead& frozen, uint64_t seq, std::vector<NewTable>& out) {
  struct Pending {
    std::string dir;
    std::unique_ptr<TableWriter> writer;
  };
  std::map<std::pair<int, int64_t>, Pending> writers;
  auto writerFor = [&](Tier tier, int64_t part) -> Result<TableWriter*> {
    auto& p = writers[{static_cast<int>(tier), part}];
    if (!p.writer) {
      p.dir = tierDir(opt_.dir, tier) + "/" + partitionName(part);
      if (auto s = env_.createDirs(p.dir); !s) return s.error();
      p.writer = std::make_unique<TableWriter>(env_, p.dir + "/" + TableName{seq, seq}.str());
      if (auto s = p.writer->open(); !s) return s.error();
    }
    return p.writer.get();
  };
  std::string payload;
  const int64_t rawWidth = partitionWidth(Tier::raw);
  std::vector<Agg> folded;
  SeriesColumns scratch;
  for (size_t i = 0; i < frozen.ids.size(); ++i) {
    const SeriesId id = frozen.ids[i];
    const HeadSeries& h = frozen.series[i];
    const SeriesColumns& cols = h.materialize(scratch);
    for (size_t from = 0; from < cols.size();) {
      const int64_t part = floorTo(cols.ts[from], rawWidth);
      const auto partEnd = static_cast<size_t>(
          std::lower_bound(cols.ts.begin() + static_cast<ptrdiff_t>(from), cols.ts.end(), part + rawWidth) -
          cols.ts.begin());
      const size_t to = std::min(partEnd, from + kMaxChunkPoints);
      payload.clear();
      encodeChunk(payload, cols, from, to);
      auto w = writerFor(Tier::raw, part);
      if (!w) return w.error();
      if (auto s = w.value()->add(id, cols.ts[from], cols.ts[to - 1], static_cast<uint32_t>(to - from), payload); !s)
        return s;
      from = to;
    }
    for (Tier tier : kRollupTiers) {
      const std::vector<Agg>* aggs = &h.minutePartials();
      if (tier != Tier::m1) {
        folded.clear();
        foldTo(h.minutePartials(), kTierWidthMs[static_cast<size_t>(tier)], folded);
        aggs = &folded;
      }
      const int64_t pw = partitionWidth(tier);
      for (size_t a = 0; a < aggs->size();) {
        const int64_t part = floorTo((*aggs)[a].bucket, pw);
        size_t b = a;
        while (b < aggs->size() && (*aggs)[b].bucket < part + pw) ++b;
        payload.clear();
        encodeAggs(payload, aggs->data() + a, b - a);
        auto w = writerFor(tier, part);
        if (!w) return w.error();
        if (auto s = w.value()->add(id, (*aggs)[a].bucket, (*aggs)[b - 1].bucket, static_cast<uint32_t>(b - a), payload);
            !s)
          return s;
        a = b;
      }
    }
  }
  std::set<std::string> dirs;
  for (auto& [key, p] : writers) {
    auto size = p.writer->finish();
    if (!size) return size.error();
    const std::string path = p.dir + "/" + TableName{seq, seq}.str();
    auto reader = TableReader::open(env_, path, TableName{seq, seq});
    if (!reader) return reader.error();
    out.push_back(NewTable{static_cast<Tier>(key.first), key.second, std::move(reader.value())});
    dirs.insert(p.dir);
    dirs.insert(p.dir.substr(0, p.dir.find_last_of('/')));
  }
  for (const auto& d : dirs)
    if (auto s = env_.syncDir(d); !s) return s;
  return Ok{};
}

Status TsdbStore::checkpoint() {
  std::lock_guard m(maintMu_);
  if (!wal_) return Ok{};
  if (auto e = failure()) return *e;
  auto frozen = std::make_shared<FrozenHead>();
  CheckpointData ck;
  uint64_t walTicket;
  {
    std::shared_lock cat(catMu_);
    std::array<std::unique_lock<std::mutex>, kStripes> locks;
    for (size_t i = 0; i < kStripes; ++i) locks[i] = std::unique_lock(stripes_[i]);
    std::tie(ck.walSegment, walTicket) = wal_->rotate();
    ck.series.reserve(series_.size());
    for (auto& s : series_) {
      if (!s.head.empty()) {
        frozen->ids.push_back(s.info.id);
        frozen->points += s.head.points();
        frozen->series.push_back(std::move(s.head));
        s.head = HeadSeries{};
      }
      ck.series.push_back(
          SeriesSnapshot{s.info.key, s.info.unit, s.maxTs, s.lastValue, s.lastQuality, s.lastFlags, s.points});
    }
    headPoints_ -= static_cast<int64_t>(frozen->points);
    std::lock_guard v(versionMu_);
    frozen_ = frozen;
  }
  {
    std::lock_guard l(bgMu_);  // wake writers held back by the head limit
  }
  flushedCv_.notify_all();
  // Every record before the cut must be written before its segment can be deleted.
  Status s = wal_->sync(walTicket);
  const uint64_t seq = lastSeq_ + 1;
  ck.seq = seq;
  std::vector<NewTable> tables;
  if (s) s = writeTables(*frozen, seq, tables);
  if (s) {
    crashPoint("checkpoint.tables_written");
    s = writeFileAtomic(env_, opt_.dir + "/CHECKPOINT", encodeCheckpoint(ck));
  }
  if (!s) {
    // The frozen head stays visible; the WAL still holds it. Refuse writes until reopened.
    setFailure(s.error());
    return s;
  }
  crashPoint("checkpoint.manifest_written");
  lastSeq_ = seq;
  {
    std::lock_guard l(versionMu_);
    auto v = std::make_shared<Version>(*version_);
    for (auto& t : tables) v->parts[static_cast<size_t>(t.tier)][t.part].push_back(t.table);
    version_ = std::move(v);
    frozen_.reset();
  }
  if (auto segs = listWalSegments(env_, opt_.dir + "/wal"))
    for (uint64_t seg : segs.value())
      if (seg < ck.walSegment) (void)env_.removeFile(walSegmentPath(opt_.dir + "/wal", seg));
  return Ok{};
}

Status TsdbStore::compactPartition(Tier tier, int64_t part, const TableList& tables) {
  TableName name{tables.front()->name().lo, 0};
  for (const auto& t : tables) {
    name.lo = std::min(name.lo, t->name().lo);
    name.hi = std::max(name.hi, t->name().hi);
  }
  const std::string path = tierDir(opt_.dir, tier) + "/" + partitionName(part) + "/" + name.str();
  TableWriter w(env_, path);
  if (auto s = w.open(); !s) return s;
  std::vector<SeriesId> ids;
  for (const auto& t : tables)
    for (const auto& e : t->entries()) ids.push_back(e.series);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::string payload;
  for (SeriesId id : ids) {
    if (tier == Tier::raw) {
      // Chunks that overlap no other chunk of the series are copied verbatim; only
      // overlapping groups (out-of-order data) are decoded, merged and re-encoded.
      struct Src {
        const TableReader* table;
        const TableEntry* entry;
      };
      std::vector<Src> srcs;
      for (const auto& t : tables) {
        auto [b, e] = t->find(id);
        for (const TableEntry* en = b; en != e; ++en) srcs.push_back(Src{t.get(), en});
      }
      std::stable_sort(srcs.begin(), srcs.end(),
                       [](const Src& a, const Src& b) { return a.entry->minTs < b.entry->minTs; });
      for (size_t g = 0; g < srcs.size();) {
        size_t end = g + 1;
        int64_t groupMax = srcs[g].entry->maxTs;
        while (end < srcs.size() && srcs[end].entry->minTs <= groupMax)
          groupMax = std::max(groupMax, srcs[end++].entry->maxTs);
        if (end == g + 1) {
          const TableEntry& en = *srcs[g].entry;
          auto block = srcs[g].table->read(en);
          if (!block) return block.error();
          if (auto s = w.add(id, en.minTs, en.maxTs, en.count, block.value()); !s) return s;
          g = end;
          continue;
        }
        SeriesColumns merged;
        for (size_t k = g; k < end; ++k) {  // ingest dedup means timestamps never tie
          auto block = srcs[k].table->read(*srcs[k].entry);
          if (!block) return block.error();
          SeriesColumns part;
          if (!decodeChunk(block.value(), part)) return corruption("undecodable chunk in " + srcs[k].table->path());
          merged = merged.size() ? mergeColumns(merged, part) : std::move(part);
        }
        for (size_t from = 0; from < merged.size();) {
          const size_t to = std::min(merged.size(), from + kMaxChunkPoints);
          payload.clear();
          encodeChunk(payload, merged, from, to);
          if (auto s = w.add(id, merged.ts[from], merged.ts[to - 1], static_cast<uint32_t>(to - from), payload); !s)
            return s;
          from = to;
        }
        g = end;
      }
    } else {
      std::vector<Agg> acc, blk;
      for (const auto& t : tables) {
        auto [b, e] = t->find(id);
        for (const TableEntry* en = b; en != e; ++en) {
          auto block = t->read(*en);
          if (!block) return block.error();
          blk.clear();
          if (!decodeAggs(block.value(), blk)) return corruption("undecodable roll-up block in " + t->path());
          acc = mergeLists(acc, blk);
        }
      }
      if (acc.empty()) continue;
      payload.clear();
      encodeAggs(payload, acc.data(), acc.size());
      if (auto s = w.add(id, acc.front().bucket, acc.back().bucket, static_cast<uint32_t>(acc.size()), payload); !s)
        return s;
    }
  }
  if (auto size = w.finish(); !size) return size.error();
  if (auto s = env_.syncDir(path.substr(0, path.find_last_of('/'))); !s) return s;
  auto reader = TableReader::open(env_, path, name);
  if (!reader) return reader.error();
  crashPoint("compaction.output_written");
  installTables(tier, part, tables, {reader.value()});
  for (const auto& t : tables) (void)env_.removeFile(t->path());
  return Ok{};
}

Status TsdbStore::compactDue(bool all) {
  std::lock_guard m(maintMu_);
  if (auto e = failure()) return *e;
  const Snapshot snap = snapshot();
  const size_t trigger = all ? 2 : std::max<size_t>(2, opt_.compactionTrigger);
  for (int t = 0; t < kTierCount; ++t)
    for (const auto& [part, tables] : snap.version->parts[static_cast<size_t>(t)])
      if (tables.size() >= trigger)
        if (auto s = compactPartition(static_cast<Tier>(t), part, tables); !s) return s;
  return Ok{};
}

Status TsdbStore::compactAll() { return compactDue(true); }

Result<RetentionReport> TsdbStore::applyRetention(int64_t nowMs) {
  std::lock_guard m(maintMu_);
  RetentionReport report;
  for (int t = 0; t < kTierCount; ++t) {
    const int64_t keep = opt_.retention.ms[t];
    if (keep <= 0) continue;
    const auto tier = static_cast<Tier>(t);
    const int64_t cutoff = nowMs - keep;
    auto& c = cutoff_[static_cast<size_t>(t)];
    if (cutoff > c.load()) c.store(cutoff);
    const int64_t width = partitionWidth(tier);
    auto names = env_.listDir(tierDir(opt_.dir, tier));
    if (!names) return names.error();
    for (const auto& pname : names.value()) {
      const auto start = parsePartitionName(pname);
      if (!start || *start + width > cutoff) continue;
      {
        std::lock_guard l(versionMu_);
        auto v = std::make_shared<Version>(*version_);
        v->parts[static_cast<size_t>(t)].erase(*start);
        version_ = std::move(v);
      }
      if (auto s = env_.removeAll(tierDir(opt_.dir, tier) + "/" + pname); !s) return s.error();
      ++report.partitionsDropped[t];
    }
  }
  return report;
}

void TsdbStore::requestCheckpoint() {
  std::lock_guard l(bgMu_);
  if (!checkpointWanted_) {
    checkpointWanted_ = true;
    bgCv_.notify_one();
  }
}

void TsdbStore::backgroundLoop() {
  std::unique_lock l(bgMu_);
  for (;;) {
    bgCv_.wait(l, [&] { return bgStop_ || checkpointWanted_; });
    if (bgStop_) return;
    checkpointWanted_ = false;
    l.unlock();
    if (auto s = checkpoint(); !s) {
      log::error("tsdb: checkpoint failed", {{"error", s.error().message}});
    } else if (auto c = compactDue(false); !c) {
      log::error("tsdb: compaction failed", {{"error", c.error().message}});
    }
    l.lock();
    flushedCv_.notify_all();
  }
}

std::optional<Error> TsdbStore::failure() const {
  std::lock_guard l(versionMu_);
  return failure_;
}

void TsdbStore::setFailure(Error e) {
  std::lock_guard l(versionMu_);
  if (!failure_) failure_ = std::move(e);
}

Status TsdbStore::flush() {
  if (closed_) return Error{503, "TSDB_CLOSED", "telemetry store is closed", {}};
  return checkpoint();
}

void TsdbStore::simulateCrashForTest() {
  if (closed_.exchange(true)) return;
  {
    std::lock_guard l(bgMu_);
    bgStop_ = true;
  }
  bgCv_.notify_all();
  flushedCv_.notify_all();
  if (bg_.joinable()) bg_.join();
  wal_.reset();
}

Status TsdbStore::close() {
  if (closed_.exchange(true)) return Ok{};
  {
    std::lock_guard l(bgMu_);
    bgStop_ = true;
  }
  bgCv_.notify_all();
  flushedCv_.notify_all();
  if (bg_.joinable()) bg_.join();
  if (!wal_) return Ok{};
  Status s = checkpoint();
  if (s && opt_.compactOnClose) s = compactDue(true);
  auto c = wal_->close();
  return s ? c : s;
}

}  // namespace dcmms::telemetry::tsdb
