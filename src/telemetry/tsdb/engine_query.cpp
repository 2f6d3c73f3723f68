// TsdbStore: read path (raw, roll-ups, latest, stats) and dedup lookups in tables.
#include <algorithm>
#include <numeric>

#include "core/log.h"
#include "telemetry/tsdb/engine.h"
#include "telemetry/tsdb/layout.h"

namespace dcmms::telemetry::tsdb {

TsdbStore::Snapshot TsdbStore::snapshot() const {
  std::lock_guard l(versionMu_);
  return Snapshot{version_, frozen_};
}

bool TsdbStore::existsPersisted(const Snapshot& snap, SeriesId id, int64_t ts) const {
  const auto& parts = snap.version->parts[static_cast<size_t>(Tier::raw)];
  auto it = parts.find(floorTo(ts, partitionWidth(Tier::raw)));
  if (it == parts.end()) return false;
  for (const auto& table : it->second) {
    auto [b, e] = table->find(id);
    for (const TableEntry* en = b; en != e; ++en) {
      if (ts < en->minTs || ts > en->maxTs) continue;
      const std::string key = table->path() + ":" + std::to_string(en->offset);
      std::shared_ptr<const std::vector<int64_t>> stamps;
      {
        std::lock_guard l(tsCacheMu_);
        if (auto c = tsCache_.find(key); c != tsCache_.end()) stamps = c->second;
      }
      if (!stamps) {
        auto block = table->read(*en);
        auto v = std::make_shared<std::vector<int64_t>>();
        if (!block || !decodeChunkTimestamps(block.value(), *v)) {
          log::error("tsdb: unreadable chunk during dedup check", {{"table", table->path()}});
          continue;
        }
        stamps = v;
        std::lock_guard l(tsCacheMu_);
        if (tsCache_.size() >= 4096) tsCache_.clear();
        tsCache_.emplace(key, stamps);
      }
      if (std::binary_search(stamps->begin(), stamps->end(), ts)) return true;
    }
  }
  return false;
}

Result<std::vector<RawRow>> TsdbStore::queryRaw(SeriesId id, const RawQuery& q) const {
  int64_t start = clampTs(std::max(q.startMs, cutoff_[static_cast<size_t>(Tier::raw)].load()));
  if (q.afterTs) start = std::max(start, clampTs(*q.afterTs) + 1);
  const int64_t end = std::min(q.endMs, kMaxTimestamp + 1);
  std::vector<RawRow> out;
  if (start >= end || q.limit == 0) return out;
  const Snapshot snap = snapshot();
  SeriesColumns acc;
  {
    std::shared_lock cat(catMu_);
    if (id >= series_.size()) return Error::notFound("series");
    std::lock_guard l(stripes_[id % kStripes]);
    series_[id].head.collect(start, end, acc);
  }
  if (snap.frozen)
    if (const HeadSeries* fh = snap.frozen->find(id)) fh->collect(start, end, acc);
  const int64_t width = partitionWidth(Tier::raw);
  const auto& parts = snap.version->parts[static_cast<size_t>(Tier::raw)];
  for (auto it = parts.lower_bound(floorTo(start, width)); it != parts.end() && it->first < end; ++it) {
    for (const auto& table : it->second) {
      auto [b, e] = table->find(id);
      for (const TableEntry* en = b; en != e; ++en) {
        if (en->maxTs < start || en->minTs >= end) continue;
        auto block = table->read(*en);
        if (!block) return block.error();
        SeriesColumns chunk;
        if (!decodeChunk(block.value(), chunk)) return corruption("undecodable chunk in " + table->path());
        const auto lo = std::lower_bound(chunk.ts.begin(), chunk.ts.end(), start) - chunk.ts.begin();
        const auto hi = std::lower_bound(chunk.ts.begin(), chunk.ts.end(), end) - chunk.ts.begin();
        acc.appendRange(chunk, static_cast<size_t>(lo), static_cast<size_t>(hi));
      }
    }
  }
  std::vector<uint32_t> order(acc.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return acc.ts[a] < acc.ts[b]; });
  std::vector<const std::string*> meta(acc.size(), nullptr);
  for (const auto& [row, json] : acc.meta) meta[row] = &json;
  out.reserve(std::min(order.size(), q.limit));
  for (size_t i = 0; i < order.size() && out.size() < q.limit; ++i) {
    const uint32_t r = order[i];  // ingest dedup guarantees unique timestamps
    out.push_back(RawRow{acc.ts[r], acc.values[r], static_cast<Quality>(acc.quality[r]), acc.flags[r],
                         meta[r] ? *meta[r] : std::string()});
  }
  return out;
}

Result<std::vector<RollupRow>> TsdbStore::queryRollup(SeriesId id, Resolution res, int64_t startMs,
                                                      int64_t endMs) const {
  const Tier tier = tierOf(res);
  const int64_t width = resolutionMs(res);
  const int64_t start = clampTs(std::max(startMs, cutoff_[static_cast<size_t>(tier)].load()));
  endMs = std::min(endMs, kMaxTimestamp + 1);
  std::vector<RollupRow> out;
  if (start >= endMs) return out;
  const Snapshot snap = snapshot();
  // In-memory partials are 1-minute; fold them to the requested width.
  std::vector<Agg> headMinutes;
  auto inRange = [&](const Agg& a) {
    const int64_t b = floorTo(a.bucket, width);
    return b >= start && b < endMs;
  };
  {
    std::shared_lock cat(catMu_);
    if (id >= series_.size()) return Error::notFound("series");
    std::lock_guard l(stripes_[id % kStripes]);
    for (const Agg& a : series_[id].head.minutePartials())
      if (inRange(a)) headMinutes.push_back(a);
  }
  if (snap.frozen)
    if (const HeadSeries* fh = snap.frozen->find(id)) {
      std::vector<Agg> f;
      for (const Agg& a : fh->minutePartials())
        if (inRange(a)) f.push_back(a);
      headMinutes = mergeLists(headMinutes, f);
    }
  std::vector<Agg> acc;
  foldTo(headMinutes, width, acc);
  const int64_t pwidth = partitionWidth(tier);
  const auto& parts = snap.version->parts[static_cast<size_t>(tier)];
  std::vector<Agg> block;
  for (auto it = parts.lower_bound(floorTo(start, pwidth)); it != parts.end() && it->first < endMs; ++it) {
    for (const auto& table : it->second) {
      auto [b, e] = table->find(id);
      for (const TableEntry* en = b; en != e; ++en) {
        if (en->maxTs < start || en->minTs >= endMs) continue;
        auto bytes = table->read(*en);
        if (!bytes) return bytes.error();
        block.clear();
        if (!decodeAggs(bytes.value(), block)) return corruption("undecodable roll-up block in " + table->path());
        std::vector<Agg> sel;
        sel.reserve(block.size());
        for (const Agg& a : block)
          if (a.bucket >= start && a.bucket < endMs) sel.push_back(a);
        acc = mergeLists(acc, sel);
      }
    }
  }
  out.reserve(acc.size());
  for (const Agg& a : acc)
    if (a.bucket >= start && a.bucket < endMs) out.push_back(a.row());
  return out;
}

std::vector<LatestRow> TsdbStore::latest(const std::string& tenantId, const std::optional<std::string>& siteId) const {
  std::vector<LatestRow> out;
  std::shared_lock cat(catMu_);
  for (const auto& s : series_) {
    if (s.info.key.tenantId != tenantId || (siteId && s.info.key.siteId != *siteId)) continue;
    std::lock_guard l(stripes_[s.info.id % kStripes]);
    if (s.maxTs == INT64_MIN) continue;
    out.push_back(LatestRow{s.info, s.maxTs, s.lastValue, static_cast<Quality>(s.lastQuality), s.lastFlags});
  }
  return out;
}

StoreStats TsdbStore::stats() const {
  StoreStats st;
  {
    std::shared_lock cat(catMu_);
    st.series = series_.size();
  }
  st.points = totalPoints_.load();
  st.headPoints = static_cast<uint64_t>(std::max<int64_t>(0, headPoints_.load()));
  const Snapshot snap = snapshot();
  if (snap.frozen) st.headPoints += snap.frozen->points;
  for (int t = 0; t < kTierCount; ++t) {
    auto& ts = st.tiers[t];
    for (const auto& [start, tables] : snap.version->parts[static_cast<size_t>(t)]) {
      ++ts.partitions;
      for (const auto& table : tables) {
        ++ts.files;
        ts.bytesOnDisk += table->fileSize();
      }
    }
  }
  if (auto segs = listWalSegments(env_, opt_.dir + "/wal"))
    for (uint64_t seg : segs.value())
      if (auto sz = env_.fileSize(walSegmentPath(opt_.dir + "/wal", seg))) st.walBytes += sz.value();
  return st;
}

}  // namespace dcmms::telemetry::tsdb
