// ClickHouseStore: open (schema, catalogue, latest values) and the write path.
#include "telemetry/clickhouse/clickhouse_store.h"

#include <algorithm>
#include <cmath>

#include "core/log.h"
#include "telemetry/clickhouse/row_binary.h"
#include "telemetry/clickhouse/schema.h"

namespace dcmms::telemetry::clickhouse {

namespace {

Error closedError() { return Error{503, "CLICKHOUSE_STORE_CLOSED", "telemetry store is closed", {}}; }
Error malformed(std::string what) { return Error::internal("clickhouse: malformed RowBinary result of " + what); }

}  // namespace

// One write's rows in columns; quality/flags may be null (= good/none), meta empty (= none).
struct ClickHouseStore::Rows {
  size_t n = 0;
  const SeriesId* ids = nullptr;
  const int64_t* ts = nullptr;
  const double* values = nullptr;
  const uint8_t* quality = nullptr;
  const uint8_t* flags = nullptr;
  std::vector<const std::string*> meta;
};

ClickHouseStore::ClickHouseStore(ClickHouseOptions options)
    : opt_(std::move(options)),
      http_(HttpClientOptions{opt_.url, opt_.database, opt_.user, opt_.password, 2'000, opt_.requestTimeoutMs}) {
  for (auto& c : cutoff_) c.store(INT64_MIN);
}

ClickHouseStore::~ClickHouseStore() = default;

Result<std::unique_ptr<ClickHouseStore>> ClickHouseStore::open(ClickHouseOptions options) {
  if (!validIdentifier(options.database))
    return Error::validation("database", "INVALID", "database name must match [A-Za-z_][A-Za-z0-9_]*");
  if (options.maxRowsPerInsert == 0 || options.maxKeysPerLookup == 0)
    return Error::validation("batch", "INVALID", "batch sizes must be positive");
  std::unique_ptr<ClickHouseStore> s(new ClickHouseStore(std::move(options)));
  if (auto st = s->createSchema(); !st) return st.error();
  if (auto st = s->loadCatalogue(); !st) return st.error();
  if (auto st = s->loadLatest(); !st) return st.error();
  log::info("clickhouse store opened", {{"database", s->opt_.database}, {"series", std::to_string(s->series_.size())}});
  return s;
}

Status ClickHouseStore::createSchema() {
  if (auto r = http_.queryServer("CREATE DATABASE IF NOT EXISTS " + opt_.database); !r) return r.error();
  for (const auto& sql : schemaStatements(opt_.database))
    if (auto r = http_.query(sql); !r) return r.error();
  return Ok{};
}

Status ClickHouseStore::loadCatalogue() {
  auto body = http_.query("SELECT id, tenant, site, asset, sensor, metric, unit FROM " + table("series") +
                          " ORDER BY id FORMAT RowBinary");
  if (!body) return body.error();
  RowBinaryReader rd(body.value());
  std::unique_lock l(catMu_);
  while (!rd.done()) {
    SeriesState s;
    SeriesKey& k = s.info.key;
    if (!rd.fixed(s.info.id) || !rd.string(k.tenantId) || !rd.string(k.siteId) || !rd.string(k.assetId) ||
        !rd.string(k.sensorId) || !rd.string(k.metric) || !rd.string(s.info.unit))
      return malformed("the series catalogue");
    if (s.info.id != series_.size())
      return Error::internal("clickhouse: series catalogue ids are not dense at id " + std::to_string(s.info.id));
    keyIndex_.emplace(keyString(k), s.info.id);
    series_.push_back(std::move(s));
  }
  return Ok{};
}

Status ClickHouseStore::loadLatest() {
  auto body = http_.query("SELECT series_id, maxMerge(last_ts), argMaxMerge(last_value), argMaxMerge(last_quality),"
                          " argMaxMerge(last_flags) FROM " + table("latest") + " GROUP BY series_id FORMAT RowBinary");
  if (!body) return body.error();
  RowBinaryReader rd(body.value());
  std::unique_lock l(catMu_);
  while (!rd.done()) {
    SeriesId id;
    int64_t ts;
    double v;
    uint8_t q, f;
    if (!rd.fixed(id) || !rd.fixed(ts) || !rd.fixed(v) || !rd.fixed(q) || !rd.fixed(f)) return malformed("latest");
    if (id >= series_.size()) continue;  // points of a series whose catalogue row was never committed
    SeriesState& s = series_[id];
    s.horizon = ts;
    s.hasLatest = true;
    s.latestTs = ts;
    s.latestValue = v;
    s.latestQuality = q;
    s.latestFlags = f;
  }
  return Ok{};
}

std::string ClickHouseStore::keyString(const SeriesKey& k) {
  std::string s;
  s.reserve(k.tenantId.size() + k.siteId.size() + k.assetId.size() + k.sensorId.size() + k.metric.size() + 4);
  for (const std::string* p : {&k.tenantId, &k.siteId, &k.assetId, &k.sensorId, &k.metric}) {
    s += *p;
    s += '\x1f';
  }
  return s;
}

Status ClickHouseStore::checkOpen() const {
  if (closed_) return closedError();
  return Ok{};
}

// ---- series ------------------------------------------------------------------------------

Result<std::vector<SeriesId>> ClickHouseStore::resolveAll(const std::vector<NewSeries>& keys) {
  std::vector<SeriesId> ids(keys.size());
  std::vector<std::string> ks(keys.size());
  bool missing = false;
  {
    std::shared_lock l(catMu_);
    for (size_t i = 0; i < keys.size(); ++i) {
      ks[i] = keyString(keys[i].key);
      auto it = keyIndex_.find(ks[i]);
      if (it == keyIndex_.end()) missing = true;
      else ids[i] = it->second;
    }
  }
  if (!missing) return ids;
  if (auto st = checkOpen(); !st) return st.error();
  std::lock_guard create(createMu_);  // ids are assigned as catalogue size + n
  std::vector<size_t> fresh;          // indices into keys of series to create
  std::unordered_map<std::string, SeriesId> pending;
  SeriesId next;
  {
    std::shared_lock l(catMu_);
    if (series_.size() + keys.size() > UINT32_MAX) return Error::internal("clickhouse: series limit reached");
    next = static_cast<SeriesId>(series_.size());
    for (size_t i = 0; i < keys.size(); ++i) {
      if (auto it = keyIndex_.find(ks[i]); it != keyIndex_.end()) {
        ids[i] = it->second;
      } else if (auto p = pending.find(ks[i]); p != pending.end()) {
        ids[i] = p->second;
      } else {
        const SeriesKey& k = keys[i].key;
        if (k.tenantId.empty() || k.assetId.empty() || k.metric.empty())
          return Error::validation("series", "REQUIRED", "tenantId, assetId and metric are required");
        ids[i] = next++;
        pending.emplace(ks[i], ids[i]);
        fresh.push_back(i);
      }
    }
  }
  if (fresh.empty()) return ids;
  std::string body;
  RowBinaryWriter w(body);
  for (size_t i : fresh) {
    const SeriesKey& k = keys[i].key;
    w.fixed(ids[i]);
    for (const std::string* s : {&k.tenantId, &k.siteId, &k.assetId, &k.sensorId, &k.metric, &keys[i].unit})
      w.string(*s);
  }
  if (auto r = http_.insert("INSERT INTO " + table("series") + " FORMAT RowBinary", body); !r) return r.error();
  std::unique_lock l(catMu_);
  for (size_t i : fresh) {
    SeriesState s;
    s.info = SeriesInfo{ids[i], keys[i].key, keys[i].unit};
    keyIndex_.emplace(ks[i], ids[i]);
    series_.push_back(std::move(s));
  }
  return ids;
}

Result<SeriesId> ClickHouseStore::resolveSeries(const SeriesKey& key, std::string_view unit) {
  auto ids = resolveAll({NewSeries{key, std::string(unit)}});
  if (!ids) return ids.error();
  return ids.value()[0];
}

std::optional<SeriesInfo> ClickHouseStore::findSeries(const SeriesKey& key) const {
  std::shared_lock l(catMu_);
  auto it = keyIndex_.find(keyString(key));
  if (it == keyIndex_.end()) return std::nullopt;
  return series_[it->second].info;
}

std::vector<SeriesInfo> ClickHouseStore::listSeries(const std::string& tenantId, const SeriesFilter& f) const {
  std::vector<SeriesInfo> out;
  std::shared_lock l(catMu_);
  for (const auto& s : series_) {
    if (f.matches(tenantId, s.info.key)) out.push_back(s.info);
  }
  return out;
}

// ---- write path --------------------------------------------------------------------------

Result<WriteResult> ClickHouseStore::write(std::span<const Point> points) {
  const size_t n = points.size();
  std::vector<NewSeries> keys;
  std::vector<uint32_t> keyOf(n);
  std::unordered_map<std::string, uint32_t> seen;
  for (size_t i = 0; i < n; ++i) {
    const Point& p = points[i];
    if (i > 0 && p.key == points[i - 1].key) {
      keyOf[i] = keyOf[i - 1];
      continue;
    }
    auto [it, added] = seen.emplace(keyString(p.key), static_cast<uint32_t>(keys.size()));
    if (added) keys.push_back(NewSeries{p.key, p.unit});
    keyOf[i] = it->second;
  }
  auto ids = resolveAll(keys);
  if (!ids) return ids.error();
  std::vector<SeriesId> sid(n);
  std::vector<int64_t> ts(n);
  std::vector<double> values(n);
  std::vector<uint8_t> quality(n), flags(n);
  Rows rows;
  rows.n = n;
  for (size_t i = 0; i < n; ++i) {
    const Point& p = points[i];
    if (static_cast<uint8_t>(p.quality) > static_cast<uint8_t>(Quality::sensor_fault))
      return Error::validation("quality", "INVALID", "unknown quality value");
    sid[i] = ids.value()[keyOf[i]];
    ts[i] = p.timestampMs;
    values[i] = p.value;
    quality[i] = static_cast<uint8_t>(p.quality);
    flags[i] = p.flags;
    if (!p.metadataJson.empty()) {
      if (rows.meta.empty()) rows.meta.resize(n, nullptr);
      rows.meta[i] = &p.metadataJson;
    }
  }
  rows.ids = sid.data();
  rows.ts = ts.data();
  rows.values = values.data();
  rows.quality = quality.data();
  rows.flags = flags.data();
  return insertRows(rows);
}

Result<WriteResult> ClickHouseStore::writeColumns(const ColumnBatch& b) {
  const size_t n = b.size();
  if (b.timestampsMs.size() != n || b.values.size() != n || (!b.quality.empty() && b.quality.size() != n) ||
      (!b.flags.empty() && b.flags.size() != n))
    return Error::validation("batch", "LENGTH_MISMATCH", "column lengths differ");
  for (Quality q : b.quality)
    if (static_cast<uint8_t>(q) > static_cast<uint8_t>(Quality::sensor_fault))
      return Error::validation("quality", "INVALID", "unknown quality value");
  {
    std::shared_lock l(catMu_);
    for (SeriesId id : b.seriesIds)
      if (id >= series_.size())
        return Error::validation("seriesId", "UNKNOWN", "unknown series id " + std::to_string(id));
  }
  static_assert(sizeof(Quality) == 1);
  Rows rows;
  rows.n = n;
  rows.ids = b.seriesIds.data();
  rows.ts = b.timestampsMs.data();
  rows.values = b.values.data();
  rows.quality = b.quality.empty() ? nullptr : reinterpret_cast<const uint8_t*>(b.quality.data());
  rows.flags = b.flags.empty() ? nullptr : b.flags.data();
  if (!b.metadata.empty()) {
    rows.meta.resize(n, nullptr);
    for (const auto& [row, json] : b.metadata)
      if (row < n && !json.empty()) rows.meta[row] = &json;
  }
  return insertRows(rows);
}

Result<WriteResult> ClickHouseStore::insertRows(const Rows& in) {
  WriteResult r;
  std::vector<uint32_t> kept;
  kept.reserve(in.n);
  for (uint32_t i = 0; i < in.n; ++i) {
    if (!std::isfinite(in.values[i]) || in.ts[i] < -kMaxTimestamp || in.ts[i] > kMaxTimestamp) ++r.rejected;
    else kept.push_back(i);
  }
  // Sorted by (series, ts, arrival): the first arrival of a (series, ts) pair wins.
  auto less = [&](uint32_t a, uint32_t b) {
    if (in.ids[a] != in.ids[b]) return in.ids[a] < in.ids[b];
    if (in.ts[a] != in.ts[b]) return in.ts[a] < in.ts[b];
    return a < b;
  };
  if (!std::is_sorted(kept.begin(), kept.end(), less)) std::sort(kept.begin(), kept.end(), less);
  const auto same = [&](uint32_t a, uint32_t b) { return in.ids[a] == in.ids[b] && in.ts[a] == in.ts[b]; };
  const size_t unique = static_cast<size_t>(std::unique(kept.begin(), kept.end(), same) - kept.begin());
  r.duplicates += kept.size() - unique;
  kept.resize(unique);

  std::lock_guard writer(writeMu_);
  if (auto st = checkOpen(); !st) return st.error();
  if (kept.empty()) return r;
  std::vector<uint32_t> slow;  // rows at or below their series' horizon: may already be stored
  {
    std::shared_lock l(catMu_);
    for (uint32_t i : kept)
      if (in.ts[i] <= series_[in.ids[i]].horizon) slow.push_back(i);
  }
  if (!slow.empty()) {
    auto exists = lookupExisting(in, slow);
    if (!exists) return exists.error();
    std::vector<uint32_t> fresh;
    fresh.reserve(kept.size());
    size_t s = 0;
    for (uint32_t i : kept) {  // kept and slow are both in (series, ts) order
      const bool isSlow = s < slow.size() && slow[s] == i;
      if (isSlow && exists.value()[s++]) ++r.duplicates;
      else fresh.push_back(i);
    }
    kept.swap(fresh);
  }
  if (kept.empty()) return r;
  {
    // Before the insert: a failed POST may still have committed some of its rows.
    std::shared_lock l(catMu_);
    for (uint32_t i : kept) {
      int64_t& h = series_[in.ids[i]].horizon;
      h = std::max(h, in.ts[i]);
    }
  }
  const std::string sql = "INSERT INTO " + table("raw") + " FORMAT RowBinary";
  std::string body;
  for (size_t from = 0; from < kept.size(); from += opt_.maxRowsPerInsert) {
    const size_t to = std::min(kept.size(), from + opt_.maxRowsPerInsert);
    body.clear();
    body.reserve((to - from) * 24);
    RowBinaryWriter w(body);
    for (size_t k = from; k < to; ++k) {
      const uint32_t i = kept[k];
      w.fixed(in.ids[i]);
      w.fixed(in.ts[i]);
      w.fixed(in.values[i]);
      w.fixed(in.quality ? in.quality[i] : uint8_t{0});
      w.fixed(in.flags ? in.flags[i] : uint8_t{0});
      w.string(in.meta.empty() || !in.meta[i] ? std::string_view() : std::string_view(*in.meta[i]));
    }
    if (auto res = http_.insert(sql, body); !res) return res.error();
    r.accepted += to - from;
    std::shared_lock l(catMu_);
    std::lock_guard lat(latestMu_);
    for (size_t k = from; k < to; ++k) {
      const uint32_t i = kept[k];
      SeriesState& s = series_[in.ids[i]];
      if (s.hasLatest && s.latestTs >= in.ts[i]) continue;
      s.hasLatest = true;
      s.latestTs = in.ts[i];
      s.latestValue = in.values[i];
      s.latestQuality = in.quality ? in.quality[i] : 0;
      s.latestFlags = in.flags ? in.flags[i] : 0;
    }
  }
  return r;
}

// Which candidates (sorted by series, ts) are stored already. Two query shapes, because the
// cost on ClickHouse differs by an order of magnitude (docs/decisions.md §ClickHouse adapter):
//  - a dense window (a replayed batch: many candidates, few seconds apart) is fetched whole,
//    `series_id IN (…) AND ts BETWEEN lo AND hi`, and matched here;
//  - sparse candidates (late points) are matched by ClickHouse with an exact tuple set,
//    `(series_id, ts) IN ((…), …)`, in chunks of maxKeysPerLookup.
Result<std::vector<bool>> ClickHouseStore::lookupExisting(const Rows& in, const std::vector<uint32_t>& cand) const {
  constexpr int64_t kGapMs = 60'000, kMaxSpanMs = 900'000;
  constexpr size_t kMinDense = 64;
  std::vector<std::pair<SeriesId, int64_t>> stored;
  auto fetch = [&](const std::string& where) -> Status {
    auto body = http_.query("SELECT series_id, ts FROM " + table("raw") + " WHERE " + where + " FORMAT RowBinary");
    if (!body) return body.error();
    RowBinaryReader rd(body.value());
    while (!rd.done()) {
      SeriesId id;
      int64_t ts;
      if (!rd.fixed(id) || !rd.fixed(ts)) return Error::internal("clickhouse: malformed dedup lookup result");
      stored.emplace_back(id, ts);
    }
    return Ok{};
  };
  auto idList = [&](std::vector<SeriesId> ids) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::string s;
    for (SeriesId id : ids) {
      if (!s.empty()) s += ',';
      s += std::to_string(id);
    }
    return s;
  };

  // Windows over the candidates in time order.
  std::vector<uint32_t> byTime(cand.size());
  for (uint32_t k = 0; k < cand.size(); ++k) byTime[k] = k;
  std::stable_sort(byTime.begin(), byTime.end(), [&](uint32_t a, uint32_t b) { return in.ts[cand[a]] < in.ts[cand[b]]; });
  std::vector<uint32_t> sparse;  // positions in cand
  for (size_t w = 0; w < byTime.size();) {
    const int64_t lo = in.ts[cand[byTime[w]]];
    size_t e = w + 1;
    while (e < byTime.size() && in.ts[cand[byTime[e]]] - in.ts[cand[byTime[e - 1]]] <= kGapMs &&
           in.ts[cand[byTime[e]]] - lo <= kMaxSpanMs)
      ++e;
    const int64_t hi = in.ts[cand[byTime[e - 1]]];
    std::vector<SeriesId> ids;
    for (size_t k = w; k < e; ++k) ids.push_back(in.ids[cand[byTime[k]]]);
    const std::string list = idList(ids);
    const size_t nSeries = static_cast<size_t>(std::count(list.begin(), list.end(), ',')) + 1;
    // Rows fetched if every series had 1 Hz data: dense when not much more than the candidates.
    const auto budget = static_cast<double>(nSeries) * static_cast<double>((hi - lo) / 1000 + 1);
    if (e - w >= kMinDense && budget <= 16.0 * static_cast<double>(e - w)) {
      if (auto st = fetch("series_id IN (" + list + ") AND ts >= " + std::to_string(lo) + " AND ts <= " +
                          std::to_string(hi));
          !st)
        return st.error();
    } else {
      sparse.insert(sparse.end(), byTime.begin() + static_cast<long>(w), byTime.begin() + static_cast<long>(e));
    }
    w = e;
  }
  std::sort(sparse.begin(), sparse.end());  // back to (series, ts) order: chunks cover few series
  for (size_t from = 0; from < sparse.size(); from += opt_.maxKeysPerLookup) {
    const size_t to = std::min(sparse.size(), from + opt_.maxKeysPerLookup);
    std::vector<SeriesId> ids;
    std::string pairs;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t k = from; k < to; ++k) {
      const uint32_t i = cand[sparse[k]];
      ids.push_back(in.ids[i]);
      if (k > from) pairs += ',';
      pairs += '(';
      pairs += std::to_string(in.ids[i]);
      pairs += ',';
      pairs += std::to_string(in.ts[i]);
      pairs += ')';
      lo = std::min(lo, in.ts[i]);
      hi = std::max(hi, in.ts[i]);
    }
    if (auto st = fetch("series_id IN (" + idList(std::move(ids)) + ") AND ts >= " + std::to_string(lo) +
                        " AND ts <= " + std::to_string(hi) + " AND (series_id, ts) IN (" + pairs + ")");
        !st)
      return st.error();
  }
  std::sort(stored.begin(), stored.end());
  std::vector<bool> found(cand.size());
  for (size_t k = 0; k < cand.size(); ++k)
    found[k] = std::binary_search(stored.begin(), stored.end(), std::pair(in.ids[cand[k]], in.ts[cand[k]]));
  return found;
}

}  // namespace dcmms::telemetry::clickhouse
