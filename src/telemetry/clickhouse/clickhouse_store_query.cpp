// ClickHouseStore: read path (raw, roll-ups, latest), stats, retention, and the URL factory.
#include <algorithm>
#include <charconv>

#include "core/log.h"
#include "telemetry/clickhouse/clickhouse_store.h"
#include "telemetry/clickhouse/row_binary.h"
#include "telemetry/clickhouse/schema.h"

namespace dcmms::telemetry::clickhouse {

namespace {

Error malformed(std::string what) { return Error::internal("clickhouse: malformed RowBinary result of " + what); }
int64_t clampTs(int64_t ts) { return std::clamp(ts, -kMaxTimestamp, kMaxTimestamp); }
std::string quoted(std::string_view s) {  // for identifiers already checked by validIdentifier
  std::string q;
  q.reserve(s.size() + 2);
  q += '\'';
  q += s;
  q += '\'';
  return q;
}

}  // namespace

Result<std::vector<RawRow>> ClickHouseStore::queryRaw(SeriesId id, const RawQuery& q) const {
  {
    std::shared_lock l(catMu_);
    if (id >= series_.size()) return Error::notFound("series");
  }
  int64_t start = clampTs(std::max(q.startMs, cutoff_[static_cast<size_t>(Tier::raw)].load()));
  if (q.afterTs) start = std::max(start, clampTs(*q.afterTs) + 1);
  const int64_t end = std::min(q.endMs, kMaxTimestamp + 1);
  std::vector<RawRow> out;
  if (start >= end || q.limit == 0) return out;
  std::string sql = "SELECT ts, value, quality, flags, metadata FROM " + table("raw") +
                    " WHERE series_id = " + std::to_string(id) + " AND ts >= " + std::to_string(start) +
                    " AND ts < " + std::to_string(end) + " ORDER BY ts";
  if (q.limit < (size_t{1} << 62)) sql += " LIMIT " + std::to_string(q.limit);
  auto body = http_.query(sql + " FORMAT RowBinary");
  if (!body) return body.error();
  RowBinaryReader rd(body.value());
  while (!rd.done()) {
    RawRow row;
    uint8_t quality;
    if (!rd.fixed(row.timestampMs) || !rd.fixed(row.value) || !rd.fixed(quality) || !rd.fixed(row.flags) ||
        !rd.string(row.metadataJson))
      return malformed("a raw query");
    row.quality = static_cast<Quality>(quality);
    out.push_back(std::move(row));
  }
  return out;
}

Result<std::vector<RollupRow>> ClickHouseStore::queryRollup(SeriesId id, Resolution res, int64_t startMs,
                                                            int64_t endMs) const {
  {
    std::shared_lock l(catMu_);
    if (id >= series_.size()) return Error::notFound("series");
  }
  const Tier tier = tierOf(res);
  const int64_t start = clampTs(std::max(startMs, cutoff_[static_cast<size_t>(tier)].load()));
  const int64_t end = std::min(endMs, kMaxTimestamp + 1);
  std::vector<RollupRow> out;
  if (start >= end) return out;
  auto body = http_.query(
      "SELECT bucket, countMerge(cnt), sumMerge(sum_v), sumMerge(sum_sq), minMerge(min_v), maxMerge(max_v),"
      " argMinMerge(first_v), argMaxMerge(last_v), minMerge(first_ts), maxMerge(last_ts), sumMerge(good),"
      " sumMerge(bad), sumMerge(oor) FROM " + table(tierTable(tier)) + " WHERE series_id = " + std::to_string(id) +
      " AND bucket >= " + std::to_string(start) + " AND bucket < " + std::to_string(end) +
      " GROUP BY bucket ORDER BY bucket FORMAT RowBinary");
  if (!body) return body.error();
  RowBinaryReader rd(body.value());
  while (!rd.done()) {
    RollupRow r;
    if (!rd.fixed(r.bucketStartMs) || !rd.fixed(r.count) || !rd.fixed(r.sum) || !rd.fixed(r.sumSq) ||
        !rd.fixed(r.min) || !rd.fixed(r.max) || !rd.fixed(r.first) || !rd.fixed(r.last) || !rd.fixed(r.firstTs) ||
        !rd.fixed(r.lastTs) || !rd.fixed(r.goodCount) || !rd.fixed(r.badCount) || !rd.fixed(r.outOfRangeCount))
      return malformed("a roll-up query");
    out.push_back(r);
  }
  return out;
}

std::vector<LatestRow> ClickHouseStore::latest(const std::string& tenantId,
                                               const std::optional<std::string>& siteId) const {
  std::vector<LatestRow> out;
  std::shared_lock cat(catMu_);
  std::lock_guard l(latestMu_);
  for (const auto& s : series_) {
    if (!s.hasLatest || s.info.key.tenantId != tenantId || (siteId && s.info.key.siteId != *siteId)) continue;
    out.push_back(LatestRow{s.info, s.latestTs, s.latestValue, static_cast<Quality>(s.latestQuality), s.latestFlags});
  }
  return out;
}

StoreStats ClickHouseStore::stats() const {
  StoreStats st;
  {
    std::shared_lock l(catMu_);
    st.series = series_.size();
  }
  auto body = http_.query("SELECT table, count(), uniqExact(partition), sum(rows), sum(bytes_on_disk) FROM system.parts"
                          " WHERE database = " + quoted(opt_.database) + " AND active GROUP BY table FORMAT RowBinary");
  if (!body) {
    log::warn("clickhouse: stats unavailable", {{"error", body.error().message}});
    return st;
  }
  RowBinaryReader rd(body.value());
  while (!rd.done()) {
    std::string name;
    uint64_t parts, partitions, rows, bytes;
    if (!rd.string(name) || !rd.fixed(parts) || !rd.fixed(partitions) || !rd.fixed(rows) || !rd.fixed(bytes)) break;
    for (int t = 0; t < kTierCount; ++t) {
      if (name != tierTable(static_cast<Tier>(t))) continue;
      st.tiers[t] = TierStats{bytes, partitions, parts};
      if (t == static_cast<int>(Tier::raw)) st.points = rows;  // MergeTree never drops rows: exact
    }
  }
  return st;
}

Result<RetentionReport> ClickHouseStore::applyRetention(int64_t nowMs) {
  if (auto st = checkOpen(); !st) return st.error();
  RetentionReport report;
  for (int t = 0; t < kTierCount; ++t) {
    const int64_t keep = opt_.retention.ms[t];
    if (keep <= 0) continue;
    const auto tier = static_cast<Tier>(t);
    const int64_t cutoff = nowMs - keep;
    auto& c = cutoff_[static_cast<size_t>(t)];
    for (int64_t cur = c.load(); cutoff > cur && !c.compare_exchange_weak(cur, cutoff);) {
    }
    auto body = http_.query("SELECT DISTINCT partition FROM system.parts WHERE database = " + quoted(opt_.database) +
                            " AND table = " + quoted(tierTable(tier)) + " AND active FORMAT RowBinary");
    if (!body) return body.error();
    RowBinaryReader rd(body.value());
    std::string partition;
    while (!rd.done()) {
      if (!rd.string(partition)) return malformed("system.parts");
      const auto range = partitionRange(tier, partition);
      if (!range) {
        log::warn("clickhouse: unexpected partition", {{"table", tierTable(tier)}, {"partition", partition}});
        continue;
      }
      if (range->second > cutoff) continue;  // partially or wholly inside the retention window
      if (auto r = http_.query("ALTER TABLE " + table(tierTable(tier)) + " DROP PARTITION " + partition); !r)
        return r.error();
      ++report.partitionsDropped[t];
    }
  }
  return report;
}

Status ClickHouseStore::flush() {
  // Every acknowledged write was a committed INSERT; nothing is buffered here.
  return checkOpen();
}

Status ClickHouseStore::close() {
  std::lock_guard writer(writeMu_);  // waits for an insert in flight
  closed_ = true;
  return Ok{};
}

Result<std::unique_ptr<TelemetryStore>> openClickHouseStore(const std::string& url) {
  ClickHouseOptions o;
  std::string_view u = url;
  const auto bad = [&] {
    return Error::validation("telemetryStore", "INVALID", "expected clickhouse://[user[:password]@]host:port[/database]");
  };
  if (u.starts_with("clickhouse://")) {
    u.remove_prefix(13);
    const size_t slash = u.find('/');
    std::string_view authority = u.substr(0, slash);
    std::string_view db = slash == std::string_view::npos ? std::string_view() : u.substr(slash + 1);
    if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
      const std::string_view cred = authority.substr(0, at);
      const size_t colon = cred.find(':');
      o.user = std::string(cred.substr(0, colon));
      if (colon != std::string_view::npos) o.password = std::string(cred.substr(colon + 1));
      authority.remove_prefix(at + 1);
    }
    if (authority.empty()) return bad();
    if (authority.find(':') == std::string_view::npos) o.url = "http://" + std::string(authority) + ":8123/";
    else o.url = "http://" + std::string(authority) + "/";
    if (!db.empty()) o.database = std::string(db);
  } else if (u.starts_with("http://") || u.starts_with("https://")) {
    const size_t q = u.find("?database=");
    o.url = std::string(u.substr(0, q));
    if (q != std::string_view::npos) o.database = std::string(u.substr(q + 10));
  } else {
    return bad();
  }
  auto s = ClickHouseStore::open(std::move(o));
  if (!s) return s.error();
  return std::unique_ptr<TelemetryStore>(std::move(s.value()));
}

}  // namespace dcmms::telemetry::clickhouse
