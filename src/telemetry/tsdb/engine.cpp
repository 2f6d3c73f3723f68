// TsdbStore: open/recovery, series catalogue and the write path.
#include "telemetry/tsdb/engine.h"

#include <algorithm>
#include <cmath>

#include "core/log.h"
#include "telemetry/tsdb/layout.h"

namespace dcmms::telemetry::tsdb {

namespace {
Error closedError() { return Error{503, "TSDB_CLOSED", "telemetry store is closed", {}}; }
}  // namespace

struct TsdbStore::Rows {
  const SeriesId* ids;
  const int64_t* ts;
  const double* values;
  const uint8_t* quality;  // may be null (= good)
  const uint8_t* flags;    // may be null (= none)
  std::span<const std::pair<uint32_t, std::string>> meta;
};

TsdbStore::TsdbStore(TsdbOptions options) : opt_(std::move(options)), env_(opt_.env ? *opt_.env : posixEnv()) {
  for (auto& c : cutoff_) c.store(INT64_MIN);
  version_ = std::make_shared<Version>();
}

TsdbStore::~TsdbStore() { (void)close(); }

Result<std::unique_ptr<TsdbStore>> TsdbStore::open(TsdbOptions options) {
  if (options.dir.empty()) return Error::internal("tsdb: no data directory");
  std::unique_ptr<TsdbStore> store(new TsdbStore(std::move(options)));
  if (auto s = store->recover(); !s) {
    store->closed_ = true;
    return s.error();
  }
  if (store->opt_.backgroundThread) store->bg_ = std::thread([p = store.get()] { p->backgroundLoop(); });
  return store;
}

std::string TsdbStore::keyString(const SeriesKey& k) {
  std::string s;
  s.reserve(k.tenantId.size() + k.siteId.size() + k.assetId.size() + k.sensorId.size() + k.metric.size() + 4);
  for (const std::string* part : {&k.tenantId, &k.siteId, &k.assetId, &k.sensorId, &k.metric}) {
    s += *part;
    s += '\x1f';
  }
  return s;
}

SeriesId TsdbStore::addSeriesLocked(const SeriesKey& key, std::string unit) {
  const auto id = static_cast<SeriesId>(series_.size());
  series_.emplace_back();
  series_.back().info = SeriesInfo{id, key, std::move(unit)};
  keyIndex_.emplace(keyString(key), id);
  return id;
}

// ---- recovery ----------------------------------------------------------------------------

Status TsdbStore::recover() {
  const std::string& dir = opt_.dir;
  if (auto s = env_.createDirs(dir + "/wal"); !s) return s;
  for (int t = 0; t < kTierCount; ++t)
    if (auto s = env_.createDirs(tierDir(dir, static_cast<Tier>(t))); !s) return s;

  uint64_t walStart = 1;
  if (env_.exists(dir + "/CHECKPOINT")) {
    auto bytes = env_.readFile(dir + "/CHECKPOINT");
    if (!bytes) return bytes.error();
    auto ck = decodeCheckpoint(bytes.value());
    if (!ck) return ck.error();
    lastSeq_ = ck->seq;
    walStart = ck->walSegment;
    for (auto& snap : ck->series) {
      const SeriesId id = addSeriesLocked(snap.key, snap.unit);
      SeriesState& s = series_[id];
      s.maxTs = snap.maxTs;
      s.lastValue = snap.lastValue;
      s.lastQuality = snap.lastQuality;
      s.lastFlags = snap.lastFlags;
      s.points = snap.points;
      totalPoints_ += snap.points;
    }
  }
  (void)env_.removeFile(dir + "/CHECKPOINT.tmp");
  if (auto s = loadTables(lastSeq_); !s) return s;
  uint64_t nextSegment = walStart;
  if (auto s = replayWal(walStart, nextSegment); !s) return s;
  WalOptions wo;
  wo.segmentBytes = opt_.walSegmentBytes;
  wo.maxGroupBytes = opt_.walMaxGroupBytes;
  wo.sync = !opt_.fastMode;
  wal_ = std::make_unique<WalWriter>(env_, dir + "/wal", wo);
  return wal_->open(nextSegment);
}

Status TsdbStore::loadTables(uint64_t checkpointSeq) {
  auto v = std::make_shared<Version>();
  for (int t = 0; t < kTierCount; ++t) {
    const std::string tdir = tierDir(opt_.dir, static_cast<Tier>(t));
    auto parts = env_.listDir(tdir);
    if (!parts) return parts.error();
    for (const auto& pname : parts.value()) {
      const auto start = parsePartitionName(pname);
      if (!start) continue;
      const std::string pdir = tdir + "/" + pname;
      auto files = env_.listDir(pdir);
      if (!files) return files.error();
      std::vector<TableName> names;
      for (const auto& f : files.value()) {
        TableName tn;
        if (f.size() > 4 && f.substr(f.size() - 4) == ".tmp") {
          (void)env_.removeFile(pdir + "/" + f);
        } else if (TableName::parse(f, tn)) {
          if (tn.hi > checkpointSeq) (void)env_.removeFile(pdir + "/" + f);  // flush that never committed
          else names.push_back(tn);
        }
      }
      // A compaction output covers its inputs; inputs left behind by a crash are dropped.
      std::sort(names.begin(), names.end(), [](const TableName& a, const TableName& b) {
        return a.lo != b.lo ? a.lo < b.lo : a.hi > b.hi;
      });
      TableList list;
      uint64_t keptHi = 0;
      bool any = false;
      for (const auto& tn : names) {
        if (any && tn.hi <= keptHi) {
          (void)env_.removeFile(pdir + "/" + tn.str());
          continue;
        }
        auto r = TableReader::open(env_, pdir + "/" + tn.str(), tn);
        if (!r) return r.error();
        list.push_back(std::move(r.value()));
        keptHi = tn.hi;
        any = true;
      }
      if (!list.empty()) v->parts[static_cast<size_t>(t)][*start] = std::move(list);
    }
  }
  version_ = std::move(v);
  return Ok{};
}

Status TsdbStore::replayWal(uint64_t fromSegment, uint64_t& nextSegment) {
  auto segs = listWalSegments(env_, opt_.dir + "/wal");
  if (!segs) return segs.error();
  SampleBatch batch;
  WriteResult r;
  std::vector<uint32_t> rows;
  for (uint64_t seg : segs.value()) {
    const std::string path = walSegmentPath(opt_.dir + "/wal", seg);
    if (seg < fromSegment) {
      (void)env_.removeFile(path);
      continue;
    }
    nextSegment = std::max(nextSegment, seg + 1);
    auto st = readWalSegment(env_, path, [&](uint8_t type, std::string_view payload) -> Status {
      if (type == kWalSeries) {
        SeriesRecord rec;
        if (!decodeSeriesRecord(payload, rec)) return Ok{};
        if (rec.id == series_.size()) addSeriesLocked(rec.key, rec.unit);
        return Ok{};
      }
      if (type != kWalSamples) return Ok{};  // unknown type: written by a newer version
      if (!decodeSamples(payload, batch)) return Ok{};
      rows.resize(batch.size());
      size_t n = 0;
      for (uint32_t i = 0; i < batch.size(); ++i)
        if (batch.ids[i] < series_.size()) rows[n++] = i;
      const Rows in{batch.ids.data(), batch.ts.data(), batch.values.data(), batch.quality.data(),
                    batch.flags.data(), batch.meta};
      const uint64_t before = r.accepted;
      applyRows(in, rows.data(), n, nullptr, r);
      headPoints_ += static_cast<int64_t>(r.accepted - before);
      totalPoints_ += r.accepted - before;
      return Ok{};
    });
    if (!st) return st.error();
    if (st->tornTail)
      log::warn("tsdb: WAL segment has a torn tail; later bytes ignored",
                {{"segment", path}, {"validBytes", std::to_string(st->validBytes)}});
  }
  if (r.accepted) log::info("tsdb: WAL replayed", {{"points", std::to_string(r.accepted)}});
  return Ok{};
}

// ---- series ------------------------------------------------------------------------------

Result<SeriesId> TsdbStore::resolveSeries(const SeriesKey& key, std::string_view unit) {
  const std::string ks = keyString(key);
  {
    std::shared_lock l(catMu_);
    if (auto it = keyIndex_.find(ks); it != keyIndex_.end()) return it->second;
  }
  if (closed_) return closedError();
  if (key.tenantId.empty() || key.assetId.empty() || key.metric.empty())
    return Error::validation("series", "REQUIRED", "tenantId, assetId and metric are required");
  SeriesId id;
  {
    std::unique_lock l(catMu_);
    if (auto it = keyIndex_.find(ks); it != keyIndex_.end()) return it->second;
    if (series_.size() >= UINT32_MAX) return Error::internal("tsdb: series limit reached");
    id = addSeriesLocked(key, std::string(unit));
    std::string payload;
    encodeSeriesRecord(payload, SeriesRecord{id, key, std::string(unit)});
    // Not synced here: the WAL is sequential, so the sync of the first data write that uses
    // this id makes the series record durable too. A crash before that loses only an id that
    // no durable point refers to. (One fsync per new series made a first batch of 5,000 new
    // series take seconds.)
    wal_->append(kWalSeries, payload);
  }
  return id;
}

std::optional<SeriesInfo> TsdbStore::findSeries(const SeriesKey& key) const {
  std::shared_lock l(catMu_);
  auto it = keyIndex_.find(keyString(key));
  if (it == keyIndex_.end()) return std::nullopt;
  return series_[it->second].info;
}

std::vector<SeriesInfo> TsdbStore::listSeries(const std::string& tenantId, const SeriesFilter& f) const {
  std::vector<SeriesInfo> out;
  std::shared_lock l(catMu_);
  for (const auto& s : series_) {
    if (f.matches(tenantId, s.info.key)) out.push_back(s.info);
  }
  return out;
}

// ---- write path --------------------------------------------------------------------------

Result<WriteResult> TsdbStore::write(std::span<const Point> points) {
  const size_t n = points.size();
  std::vector<SeriesId> ids(n);
  std::vector<int64_t> ts(n);
  std::vector<double> values(n);
  std::vector<Quality> quality(n);
  std::vector<uint8_t> flags(n);
  std::vector<std::pair<uint32_t, std::string>> meta;
  const SeriesKey* lastKey = nullptr;
  SeriesId lastId = 0;
  for (size_t i = 0; i < n; ++i) {
    const Point& p = points[i];
    if (!lastKey || !(p.key == *lastKey)) {
      auto id = resolveSeries(p.key, p.unit);
      if (!id) return id.error();
      lastId = id.value();
      lastKey = &p.key;
    }
    ids[i] = lastId;
    ts[i] = p.timestampMs;
    values[i] = p.value;
    quality[i] = p.quality;
    flags[i] = p.flags;
    if (!p.metadataJson.empty()) meta.emplace_back(static_cast<uint32_t>(i), p.metadataJson);
  }
  return writeColumns(ColumnBatch{ids, ts, values, quality, flags, meta});
}

Result<WriteResult> TsdbStore::writeColumns(const ColumnBatch& b) {
  const size_t n = b.size();
  if (b.timestampsMs.size() != n || b.values.size() != n || (!b.quality.empty() && b.quality.size() != n) ||
      (!b.flags.empty() && b.flags.size() != n))
    return Error::validation("batch", "LENGTH_MISMATCH", "column lengths differ");
  if (closed_) return closedError();
  if (auto e = wal_->stickyError()) return *e;
  if (auto e = failure()) return *e;
  for (Quality q : b.quality)
    if (static_cast<uint8_t>(q) > static_cast<uint8_t>(Quality::sensor_fault))
      return Error::validation("quality", "INVALID", "unknown quality value");
  WriteResult r;
  uint64_t ticket = 0;
  {
    std::shared_lock cat(catMu_);
    const size_t known = series_.size();
    std::array<uint32_t, kStripes + 1> start{};
    for (SeriesId id : b.seriesIds) {
      if (id >= known) return Error::validation("seriesId", "UNKNOWN", "unknown series id " + std::to_string(id));
      ++start[id % kStripes + 1];
    }
    for (size_t s = 0; s < kStripes; ++s) start[s + 1] += start[s];
    std::vector<uint32_t> order(n);
    {
      auto pos = start;
      for (uint32_t i = 0; i < n; ++i) order[pos[b.seriesIds[i] % kStripes]++] = i;
    }
    static_assert(sizeof(Quality) == 1);
    const Rows in{b.seriesIds.data(), b.timestampsMs.data(), b.values.data(),
                  b.quality.empty() ? nullptr : reinterpret_cast<const uint8_t*>(b.quality.data()),
                  b.flags.empty() ? nullptr : b.flags.data(), b.metadata};
    SampleBatch log;
    std::string payload;
    for (size_t s = 0; s < kStripes; ++s) {
      const size_t cnt = start[s + 1] - start[s];
      if (cnt == 0) continue;
      std::lock_guard l(stripes_[s]);
      log.clear();
      applyRows(in, order.data() + start[s], cnt, &log, r);
      if (log.size() == 0) continue;
      payload.clear();
      encodeSamples(payload, log);
      ticket = wal_->append(kWalSamples, payload);
    }
  }
  headPoints_ += static_cast<int64_t>(r.accepted);
  totalPoints_ += r.accepted;
  if (ticket) {
    if (auto s = wal_->sync(ticket); !s) return s.error();
  }
  const auto limit = static_cast<int64_t>(opt_.headMaxPoints);
  if (headPoints_.load() >= limit && opt_.backgroundThread) {
    requestCheckpoint();
    // Backpressure: the head may grow to twice its limit while a checkpoint runs.
    std::unique_lock l(bgMu_);
    flushedCv_.wait(l, [&] { return bgStop_ || headPoints_.load() < 2 * limit || failure().has_value(); });
  }
  return r;
}

void TsdbStore::applyRows(const Rows& in, const uint32_t* rows, size_t n, SampleBatch* log, WriteResult& r) {
  std::optional<Snapshot> snap;
  for (size_t k = 0; k < n; ++k) {
    const uint32_t row = rows[k];
    const SeriesId id = in.ids[row];
    const double v = in.values[row];
    const int64_t ts = in.ts[row];
    if (!std::isfinite(v) || ts != clampTs(ts)) {
      ++r.rejected;
      continue;
    }
    SeriesState& s = series_[id];
    if (ts <= s.maxTs) {  // slow path: the point may already exist somewhere
      if (s.head.contains(ts)) {
        ++r.duplicates;
        continue;
      }
      if (!snap) snap = snapshot();
      const HeadSeries* fh = snap->frozen ? snap->frozen->find(id) : nullptr;
      if ((fh && fh->contains(ts)) || existsPersisted(*snap, id, ts)) {
        ++r.duplicates;
        continue;
      }
    }
    const uint8_t q = in.quality ? in.quality[row] : 0;
    const uint8_t f = in.flags ? in.flags[row] : 0;
    const std::string* meta = nullptr;
    if (!in.meta.empty()) {
      auto it = std::lower_bound(in.meta.begin(), in.meta.end(), row,
                                 [](const auto& m, uint32_t rr) { return m.first < rr; });
      if (it != in.meta.end() && it->first == row) meta = &it->second;
    }
    s.head.add(ts, v, q, f, meta);
    if (ts > s.maxTs) {
      s.maxTs = ts;
      s.lastValue = v;
      s.lastQuality = q;
      s.lastFlags = f;
    }
    ++s.points;
    ++r.accepted;
    if (log) {
      if (meta) log->meta.emplace_back(static_cast<uint32_t>(log->size()), *meta);
      log->ids.push_back(id);
      log->ts.push_back(ts);
      log->values.push_back(v);
      log->quality.push_back(q);
      log->flags.push_back(f);
    }
  }
}

}  // namespace dcmms::telemetry::tsdb
