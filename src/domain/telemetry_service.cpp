#include "domain/telemetry_service.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

#include "auth/crypto.h"
#include "core/ids.h"
#include "core/json_util.h"
#include "core/log.h"
#include "core/time_format.h"
#include "domain/access.h"
#include "telemetry/ingest/json_events.h"
#include "telemetry/ingest/line_protocol.h"
#include "telemetry/ingest/sensor_types.h"

namespace dcmms::domain {

using namespace telemetry;

namespace {

constexpr int64_t kHourMs = 3600'000;

const char* qualityName(Quality q) {
  switch (q) {
    case Quality::good: return "GOOD";
    case Quality::uncertain: return "UNCERTAIN";
    case Quality::bad: return "BAD";
    case Quality::sensor_fault: return "SENSOR_FAULT";
  }
  return "GOOD";
}

std::string tableName(const std::string& agg) {
  if (agg == "raw") return "telemetry_raw";
  if (agg == "1min") return "telemetry_1m";
  if (agg == "5min") return "telemetry_5m";
  if (agg == "15min") return "telemetry_15m";
  return "telemetry_1h";
}

std::optional<Resolution> resolutionOf(const std::string& agg) {
  if (agg == "1min") return Resolution::m1;
  if (agg == "5min") return Resolution::m5;
  if (agg == "15min") return Resolution::m15;
  if (agg == "1hour") return Resolution::h1;
  return std::nullopt;
}

std::string normaliseAggregation(std::string a) {
  if (a == "1m") return "1min";
  if (a == "5m") return "5min";
  if (a == "15m") return "15min";
  if (a == "1h" || a == "60min") return "1hour";
  return a;
}

json::value metadataValue(const std::string& text) {
  if (text.empty()) return nullptr;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  return ec ? json::value(text) : v;
}

json::object seriesFields(const SeriesInfo& s) {
  return json::object{{"siteId", s.key.siteId}, {"assetId", s.key.assetId}, {"sensorId", s.key.sensorId},
                      {"metric", s.key.metric}, {"unit", s.unit}};
}

// A point re-expressed as a TelemetryEvent (for dead letters of points rejected after parsing).
std::string eventText(const BatchSeries& s, const Row& r, const std::string& metadata) {
  const bool flaggedGood = r.quality == Quality::good && (r.flags & kFlagOutOfRange);
  json::object o{{"timestamp", r.timestampMs}, {"site_id", s.key.siteId}, {"asset_id", s.key.assetId},
                 {"sensor_id", s.key.sensorId}, {"sensor_type", s.key.metric}, {"value", r.value},
                 {"unit", s.unit}, {"quality_flag", flaggedGood ? "OUT_OF_RANGE" : qualityName(r.quality)}};
  if (!metadata.empty()) o["metadata"] = metadataValue(metadata);
  return toJson(o);
}

void appendEscaped(std::string& out, std::string_view text, std::string_view special) {
  for (char c : text) {
    if (c == '\\' || special.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
}

// The same point as one line-protocol line with a millisecond timestamp; string metadata
// entries become tags again.
std::string lineText(const BatchSeries& s, const Row& r, const std::string& metadata) {
  std::string line;
  appendEscaped(line, s.key.metric, ", ");
  auto tag = [&](std::string_view k, std::string_view v) {
    if (v.empty()) return;
    line += ',';
    appendEscaped(line, k, ",= ");
    line += '=';
    appendEscaped(line, v, ",= ");
  };
  tag("site", s.key.siteId);
  tag("asset", s.key.assetId);
  tag("sensor", s.key.sensorId);
  tag("unit", s.unit);
  const bool flaggedGood = r.quality == Quality::good && (r.flags & kFlagOutOfRange);
  tag("quality", flaggedGood ? "OUT_OF_RANGE" : qualityName(r.quality));
  json::value meta = metadataValue(metadata);
  if (meta.is_object())
    for (const auto& [k, v] : meta.get_object())
      if (v.is_string() && k != "site" && k != "asset" && k != "sensor" && k != "unit" && k != "quality")
        tag(k, v.get_string());
  line += " value=" + toJson(json::value(r.value)) + " " + std::to_string(r.timestampMs);
  return line;
}

std::string encodeCursor(int64_t ts, SeriesId sid) {
  return auth::base64UrlEncode(std::to_string(ts) + ":" + std::to_string(sid));
}

// Aggregated pages: "agg:<series id>:<bucket start>", so a raw cursor never passes for one.
std::string encodeAggCursor(SeriesId sid, int64_t bucketStartMs) {
  return auth::base64UrlEncode("agg:" + std::to_string(sid) + ":" + std::to_string(bucketStartMs));
}

std::optional<std::pair<SeriesId, int64_t>> decodeAggCursor(const std::string& c) {
  auto raw = auth::base64UrlDecode(c);
  if (!raw || !raw->starts_with("agg:")) return std::nullopt;
  const auto colon = raw->find(':', 4);
  if (colon == std::string::npos) return std::nullopt;
  try {
    return std::make_pair(static_cast<SeriesId>(std::stoull(raw->substr(4, colon - 4))), std::stoll(raw->substr(colon + 1)));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<std::pair<int64_t, SeriesId>> decodeCursor(const std::string& c) {
  auto raw = auth::base64UrlDecode(c);
  if (!raw) return std::nullopt;
  auto colon = raw->find(':');
  if (colon == std::string::npos) return std::nullopt;
  try {
    return std::make_pair(std::stoll(raw->substr(0, colon)), static_cast<SeriesId>(std::stoul(raw->substr(colon + 1))));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::string autoAggregation(int64_t span) {
  if (span < kHourMs) return "raw";
  if (span <= 6 * kHourMs) return "1min";
  if (span <= 24 * kHourMs) return "5min";
  if (span <= 7 * 24 * kHourMs) return "15min";
  return "1hour";
}

TelemetryService::TelemetryService(store::Database& db, const AuditLog& audit, const EventBus& bus,
                                   TelemetryStore& tsdb, const Clock& clock, IngestPolicy policy)
    : db_(db), audit_(audit), bus_(bus), tsdb_(tsdb), clock_(clock), policy_(policy), deadband_(policy.deadband) {}

void TelemetryService::invalidateAssets() {
  std::lock_guard lock(assetMu_);
  assetSite_.clear();
  siteTenant_.clear();
  for (auto& [tenant, cache] : lineCaches_) cache->clear();  // their memos hold scope verdicts
}

LineSeriesCache& TelemetryService::lineCache(const std::string& tenantId) {
  std::lock_guard lock(assetMu_);
  auto& cache = lineCaches_[tenantId];
  if (!cache) cache = std::make_unique<LineSeriesCache>();
  return *cache;
}

void TelemetryService::setLiveInterest(LiveInterest interest) {
  std::lock_guard lock(liveMu_);
  liveInterest_ = interest ? std::make_shared<const LiveInterest>(std::move(interest)) : nullptr;
}

std::shared_ptr<const TelemetryService::LiveInterest> TelemetryService::liveInterest() const {
  std::lock_guard lock(liveMu_);
  return liveInterest_;
}

std::optional<std::string> TelemetryService::siteOfAsset(const std::string& tenant, const std::string& assetId) {
  const std::string key = tenant + '\x1f' + assetId;
  {
    std::lock_guard lock(assetMu_);
    if (auto it = assetSite_.find(key); it != assetSite_.end()) return it->second;
  }
  auto site = db_.connection().queryString("SELECT site_id FROM assets WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                                           {tenant, assetId});
  if (!site) return std::nullopt;
  std::lock_guard lock(assetMu_);
  if (assetSite_.size() > 500'000) assetSite_.clear();
  assetSite_[key] = *site;
  return site;
}

IngestContext TelemetryService::ingestContext(const std::string& tenantId, bool backfill) {
  IngestContext ic;
  ic.tenantId = tenantId;
  ic.nowMs = clock_.nowMs();
  ic.policy = policy_;
  ic.policy.backfill = backfill;
  // No siteOfAsset fallback: a point without site_id is rejected (02 check 5), never guessed.
  return ic;
}

IngestOutcome TelemetryService::ingestLineProtocol(const RequestContext& ctx, std::string_view body,
                                                   std::string_view precisionText, bool backfill) {
  requirePermission(ctx, "write:telemetry");
  auto precision = parsePrecision(precisionText.empty() ? "ns" : precisionText);
  if (!precision) fail(Error::validation("precision", "INVALID_ENUM_VALUE", "must be one of: ns, us, ms, s"));
  ParsedBatch batch = parseLineProtocol(body, *precision, ingestContext(ctx.tenantId(), backfill), &lineCache(ctx.tenantId()));
  return ingest(&ctx, ctx.tenantId(), std::move(batch), IngestSource::lineProtocol, "", std::string(precisionName(*precision)));
}

IngestOutcome TelemetryService::ingestEvents(const RequestContext& ctx, std::string_view body, bool backfill) {
  requirePermission(ctx, "write:telemetry");
  JsonIngestParser parser;
  ParsedBatch batch = parser.telemetryEvents(body, ingestContext(ctx.tenantId(), backfill));
  return ingest(&ctx, ctx.tenantId(), std::move(batch), IngestSource::httpJson, "", "");
}

IngestOutcome TelemetryService::ingestSensorReadings(const RequestContext& ctx, std::string_view body, bool backfill) {
  requirePermission(ctx, "write:telemetry");
  JsonIngestParser parser;
  ParsedBatch batch = parser.sensorReadings(body, ingestContext(ctx.tenantId(), backfill));
  return ingest(&ctx, ctx.tenantId(), std::move(batch), IngestSource::sensorReadings, "", "");
}

std::string TelemetryService::tenantOfTopic(const std::string& topic) {
  auto t = parseMqttTopic(topic);
  if (!t) return "default";
  std::lock_guard lock(assetMu_);
  if (auto it = siteTenant_.find(t->siteId); it != siteTenant_.end()) return it->second;
  auto found = db_.connection().queryString("SELECT tenant_id FROM sites WHERE id = ? AND deleted_at IS NULL LIMIT 1", {t->siteId});
  if (!found) return "default";
  siteTenant_[t->siteId] = *found;
  return *found;
}

IngestOutcome TelemetryService::ingestMqtt(const std::string& topic, std::string_view payload) {
  const std::string tenant = tenantOfTopic(topic);
  JsonIngestParser parser;
  ParsedBatch batch = parser.mqttMessage(topic, payload, ingestContext(tenant, false));
  return ingest(nullptr, tenant, std::move(batch), IngestSource::mqtt, topic, "", payload);
}

IngestOutcome TelemetryService::ingest(const RequestContext* ctx, const std::string& tenantId, ParsedBatch batch,
                                       IngestSource source, const std::string& topic, const std::string& precision,
                                       std::string_view payload) {
  PendingWrite pending;
  prepare(ctx, tenantId, std::move(batch), source, topic, precision, payload, pending);
  return commit(tenantId, source, pending, /*recordBatch=*/true);
}

void TelemetryService::prepare(const RequestContext* ctx, const std::string& tenantId, ParsedBatch batch,
                               IngestSource source, const std::string& topic, const std::string& precision,
                               std::string_view payload, PendingWrite& out) {
  const int64_t now = clock_.nowMs();
  // Scope: every series must name a known asset of the tenant at the stated site, within the
  // caller's sites. Rows of other series are rejected (and dead-lettered), never stored.
  const auto& series = batch.series();
  std::vector<int> verdict(series.size(), 0);  // 0 ok, 1 unknown asset, 2 site mismatch, 3 forbidden
  std::vector<SeriesId> ids(series.size(), 0);
  std::vector<char> resolved(series.size(), 0);
  // Every series gets the tenant's memo: line protocol brings its own, JSON and MQTT series look
  // theirs up by key (one lookup instead of the asset check and the store's catalogue).
  std::vector<std::shared_ptr<SeriesMemo>> memos(series.size());
  LineSeriesCache* tenantCache = nullptr;
  for (size_t i = 0; i < series.size(); ++i) {
    memos[i] = series[i].memo;
    if (memos[i]) continue;
    if (!tenantCache) tenantCache = &lineCache(tenantId);
    memos[i] = tenantCache->memoFor(seriesKeyText(series[i].key, series[i].unit));
  }
  for (size_t i = 0; i < series.size(); ++i) {
    const auto& key = series[i].key;
    if (const uint64_t memo = memos[i]->resolved.load(std::memory_order_acquire)) {
      ids[i] = static_cast<SeriesId>(memo - 1);  // known asset at this site, resolved before
      resolved[i] = 1;
    } else {
      auto site = siteOfAsset(tenantId, key.assetId);
      if (!site) verdict[i] = 1;
      else if (*site != key.siteId) verdict[i] = 2;
    }
    if (!verdict[i] && ctx && !coversSite(*ctx, key.siteId)) verdict[i] = 3;
  }
  // Live values only for watched sites (decided once per site of the batch).
  const auto interest = liveInterest();
  std::vector<char> live(series.size(), 0);
  if (interest) {
    std::unordered_map<std::string_view, bool> watched;
    for (size_t i = 0; i < series.size(); ++i) {
      const std::string& site = series[i].key.siteId;
      auto [it, fresh] = watched.try_emplace(site, false);
      if (fresh) it->second = (*interest)(tenantId, site);
      live[i] = it->second;
    }
  }
  // The parser kept no text for points it accepted, so a point rejected here is re-expressed
  // (an MQTT message is kept as its payload) to leave a dead letter that can be replayed.
  std::map<uint32_t, std::string> rebuilt;  // element index / line number → replayable text
  for (const auto& row : batch.rows()) {
    const int v = verdict[row.series];
    if (!v) continue;
    const auto& key = series[row.series].key;
    static const char* const msgs[] = {"", "unknown asset '", "asset is not at site '", "no access to site '"};
    const std::string what = v == 2 || v == 3 ? key.siteId : key.assetId;
    static const RejectCode codes[] = {RejectCode::malformed, RejectCode::unknownAsset, RejectCode::siteMismatch,
                                       RejectCode::siteForbidden};
    batch.reject(Rejection{row.source, v == 1 ? "asset_id" : "site_id", codes[v],
                           std::string(msgs[v]) + what + "'", source == IngestSource::mqtt ? capRaw(payload) : ""});
    if (source == IngestSource::mqtt) continue;
    const bool lp = source == IngestSource::lineProtocol;
    std::string& text = rebuilt[row.source];
    if (!text.empty()) text += lp ? "\n" : ",";
    const std::string& meta = batch.metadata()[row.meta];
    text += lp ? lineText(series[row.series], row, meta) : eventText(series[row.series], row, meta);
  }
  batch.retainRows([&](const telemetry::Row& r) { return verdict[r.series] == 0; });
  out.suppressed += deadband_.filter(batch);  // a no-op unless configured

  const auto& rows = batch.rows();
  const size_t base = out.sid.size();
  // Grow geometrically: MQTT batches call this once per message on the same PendingWrite.
  auto room = [n = base + rows.size()](auto& v) {
    if (v.capacity() < n) v.reserve(std::max(n, 2 * v.capacity()));
  };
  room(out.sid);
  room(out.ts);
  room(out.vals);
  room(out.quality);
  room(out.flags);
  constexpr size_t kNone = SIZE_MAX;
  std::vector<size_t> newest(series.size(), kNone);  // row index of each watched series' newest point
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (!resolved[r.series]) {
      SeriesKey key = series[r.series].key;
      key.tenantId = tenantId;
      auto id = tsdb_.resolveSeries(key, series[r.series].unit);
      if (!id.ok()) fail(Error{503, "SERVICE_UNAVAILABLE", "Telemetry store unavailable: " + id.error().message, {}});
      ids[r.series] = *id;
      resolved[r.series] = 1;
      // Remembered for later batches: a known asset at this site (caller scope is checked each time).
      memos[r.series]->resolved.store(uint64_t{*id} + 1, std::memory_order_release);
    }
    out.sid.push_back(ids[r.series]);
    out.ts.push_back(r.timestampMs);
    out.vals.push_back(r.value);
    out.quality.push_back(r.quality);
    out.flags.push_back(r.flags);
    if (r.meta) out.meta.emplace_back(static_cast<uint32_t>(base + i), batch.metadata()[r.meta]);
    if (live[r.series] && (newest[r.series] == kNone || r.timestampMs >= rows[newest[r.series]].timestampMs))
      newest[r.series] = i;
  }
  // Live values: the newest point of each watched series (its key copied once per batch).
  for (size_t s = 0; s < series.size(); ++s) {
    if (newest[s] == kNone) continue;
    const auto& r = rows[newest[s]];
    auto [it, fresh] = out.live.try_emplace(ids[s]);
    if (fresh || r.timestampMs >= it->second.ts) {
      it->second.ts = r.timestampMs;
      it->second.value = r.value;
      it->second.quality = r.quality;
      it->second.key = series[s].key;
      it->second.unit = series[s].unit;
    }
  }
  // Dead letters for every rejected element, with all its reasons.
  auto letters = makeDeadLetters(batch, DeadLetterOrigin{source, tenantId, now, topic, precision});
  for (auto& l : letters) {
    auto it = rebuilt.find(l.index);
    if (!l.raw.empty() || it == rebuilt.end()) continue;
    // Replay wraps http-json elements in [ ]; bulk bodies are arrays; rebuilt lines are in ms.
    l.raw = source == IngestSource::sensorReadings ? "[" + it->second + "]" : std::move(it->second);
    if (source == IngestSource::lineProtocol) l.precision = "ms";
  }
  for (const auto& r : batch.rejections()) {
    if (out.rejections.size() >= 100) break;
    out.rejections.push_back(r);
  }
  out.malformedOnly = out.sid.empty() && batch.rejections().size() == 1 &&
                      batch.rejections()[0].code == RejectCode::malformed && batch.rejections()[0].field.empty();
  for (auto& l : letters) out.letters.push_back(std::move(l));
}

IngestOutcome TelemetryService::commit(const std::string& tenantId, IngestSource source, PendingWrite& p,
                                       bool recordBatch) {
  IngestOutcome out;
  out.batchId = "BATCH-" + newUuid();
  const int64_t now = clock_.nowMs();
  if (!p.sid.empty()) {
    ColumnBatch cb{p.sid, p.ts, p.vals, p.quality, p.flags, p.meta};
    auto wr = tsdb_.writeColumns(cb);
    if (!wr.ok()) {
      log::error("telemetry write failed", {{"error", wr.error().message}});
      fail(Error{503, "SERVICE_UNAVAILABLE", "Telemetry store unavailable; retry", {}});
    }
    out.accepted = wr->accepted;
    out.duplicates = wr->duplicates;
    json::array live;
    live.reserve(p.live.size());
    for (const auto& [id, lv] : p.live) {
      live.push_back(json::object{{"siteId", lv.key.siteId}, {"assetId", lv.key.assetId}, {"sensorId", lv.key.sensorId},
                                  {"metric", lv.key.metric}, {"unit", lv.unit}, {"timestamp", formatIso8601(lv.ts)},
                                  {"value", lv.value}, {"quality", qualityName(lv.quality)}});
    }
    if (!live.empty()) bus_.publish(DomainEvent{newUuid(), "TelemetryBatch", tenantId, "", now, std::move(live)});
  }
  out.rejected = p.letters.size();
  out.suppressed = p.suppressed;
  auto& c = db_.connection();
  if (!p.letters.empty() || recordBatch) {
    store::Transaction tx(c);
    for (const auto& l : p.letters) {
      json::array reasons;
      for (const auto& r : l.reasons) reasons.push_back(json::object{{"field", r.field}, {"code", r.code}, {"message", r.message}});
      c.exec("INSERT INTO telemetry_dead_letters (id, tenant_id, received_at, source, idx, topic, lp_precision, raw, reasons) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
             {l.id, tenantId, l.receivedAtMs, std::string(ingestSourceName(l.source)), static_cast<int64_t>(l.index), l.topic,
              l.precision, l.raw, toJson(reasons)});
    }
    if (recordBatch)
      c.exec("INSERT INTO telemetry_batches (id, tenant_id, received_at, source, accepted, duplicates, rejected) VALUES (?, ?, ?, ?, ?, ?, ?)",
             {out.batchId, tenantId, now, std::string(ingestSourceName(source)), static_cast<int64_t>(out.accepted),
              static_cast<int64_t>(out.duplicates), static_cast<int64_t>(out.rejected)});
    tx.commit();
  }
  out.rejections = std::move(p.rejections);
  out.wholeBodyMalformed = p.malformedOnly && out.accepted == 0 && out.duplicates == 0;
  return out;
}

IngestOutcome TelemetryService::ingestMqttBatch(std::span<const MqttMessage> messages) {
  // One store write (one fsync) for the whole batch of messages, per tenant.
  std::map<std::string, PendingWrite> perTenant;
  JsonIngestParser parser;
  for (const auto& [topic, payload] : messages) {
    const std::string tenant = tenantOfTopic(topic);
    ParsedBatch batch = parser.mqttMessage(topic, payload, ingestContext(tenant, false));
    prepare(nullptr, tenant, std::move(batch), IngestSource::mqtt, topic, "", payload, perTenant[tenant]);
  }
  IngestOutcome total;
  for (auto& [tenant, pending] : perTenant) {
    IngestOutcome o = commit(tenant, IngestSource::mqtt, pending, /*recordBatch=*/false);
    total.accepted += o.accepted;
    total.duplicates += o.duplicates;
    total.suppressed += o.suppressed;
    total.rejected += o.rejected;
  }
  return total;
}

std::vector<SeriesInfo> TelemetryService::seriesFor(const RequestContext& ctx, const TelemetryQuery& q) {
  SeriesFilter f;
  if (!q.siteId.empty()) f.siteId = q.siteId;
  if (!q.assetId.empty()) f.assetId = q.assetId;
  if (!q.sensorId.empty()) f.sensorId = q.sensorId;
  if (!q.metric.empty()) f.metric = canonicalMetricName(q.metric);
  auto all = tsdb_.listSeries(ctx.tenantId(), f);
  // A sensor may be addressed by its sensor type when the device sent no id.
  if (all.empty() && !q.sensorId.empty() && q.metric.empty()) {
    f.sensorId.reset();
    f.metric = canonicalMetricName(q.sensorId);
    all = tsdb_.listSeries(ctx.tenantId(), f);
  }
  std::vector<SeriesInfo> out;
  for (auto& s : all)
    if (coversSite(ctx, s.key.siteId)) out.push_back(std::move(s));
  return out;
}

json::object TelemetryService::query(const RequestContext& ctx, const TelemetryQuery& qIn) {
  requirePermission(ctx, "read:telemetry");
  const auto t0 = std::chrono::steady_clock::now();
  TelemetryQuery q = qIn;
  const int64_t now = clock_.nowMs();
  if (!q.endMs) q.endMs = now + 1;
  if (!q.startMs) q.startMs = q.endMs - 24 * kHourMs;
  if (q.endMs <= q.startMs) fail(Error::validation("end", "INVALID_FIELD_VALUE", "end must be after start"));
  std::string agg = normaliseAggregation(q.aggregation.empty() ? "auto" : q.aggregation);
  if (agg == "auto") agg = autoAggregation(q.endMs - q.startMs);
  if (agg != "raw" && !resolutionOf(agg))
    fail(Error::validation("aggregation", "INVALID_ENUM_VALUE", "must be one of: raw, 1min, 5min, 15min, 1hour, auto"));
  auto series = seriesFor(ctx, q);
  json::array data;
  std::string next;
  if (agg == "raw") {
    const size_t limit = q.limit ? q.limit : 1000;
    std::optional<std::pair<int64_t, SeriesId>> after;
    if (!q.cursor.empty()) {
      after = decodeCursor(q.cursor);
      if (!after) fail(Error::validation("cursor", "INVALID_FIELD_VALUE", "malformed cursor"));
    }
    struct Item {
      int64_t ts;
      SeriesId sid;
      const SeriesInfo* s;
      RawRow row;
    };
    std::vector<Item> items;
    for (const auto& s : series) {
      RawQuery rq;
      rq.startMs = q.startMs;
      rq.endMs = q.endMs;
      // One more row than the page tells whether another page follows; after a cursor, the
      // series' row at the cursor's own timestamp may come back too and be skipped below.
      rq.limit = limit + 1 + (after ? 1 : 0);
      if (after) rq.afterTs = after->first - 1;
      auto rows = tsdb_.queryRaw(s.id, rq);
      if (!rows.ok()) fail(Error{503, "SERVICE_UNAVAILABLE", rows.error().message, {}});
      for (auto& r : *rows) {
        if (after && (r.timestampMs < after->first || (r.timestampMs == after->first && s.id <= after->second))) continue;
        items.push_back({r.timestampMs, s.id, &s, std::move(r)});
      }
    }
    std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.ts != b.ts ? a.ts < b.ts : a.sid < b.sid; });
    const bool more = items.size() > limit;
    if (more) items.resize(limit);
    for (const auto& it : items) {
      json::object o = seriesFields(*it.s);
      o["timestamp"] = formatIso8601(it.ts);
      o["timestampMs"] = it.ts;
      o["value"] = it.row.value;
      o["quality"] = qualityName(it.row.quality);
      o["outOfRange"] = (it.row.flags & kFlagOutOfRange) != 0;
      if (it.row.flags & kFlagBackfill) o["backfill"] = true;
      o["metadata"] = metadataValue(it.row.metadataJson);
      data.push_back(std::move(o));
    }
    if (more && !items.empty()) next = encodeCursor(items.back().ts, items.back().sid);
  } else {
    const Resolution res = *resolutionOf(agg);
    const int64_t bucket = resolutionMs(res);
    const int64_t start = q.startMs - ((q.startMs % bucket) + bucket) % bucket;  // calendar-aligned
    const size_t limit = q.limit ? q.limit : 10'000;
    // Buckets are ordered by (series id, bucket start); a full page ends with a cursor there.
    std::optional<std::pair<SeriesId, int64_t>> after;
    if (!q.cursor.empty()) {
      after = decodeAggCursor(q.cursor);
      if (!after) fail(Error::validation("cursor", "INVALID_FIELD_VALUE", "malformed cursor"));
    }
    std::sort(series.begin(), series.end(), [](const SeriesInfo& a, const SeriesInfo& b) { return a.id < b.id; });
    bool more = false;
    for (const auto& s : series) {
      if (more) break;
      if (after && s.id < after->first) continue;
      auto rows = tsdb_.queryRollup(s.id, res, start, q.endMs);
      if (!rows.ok()) fail(Error{503, "SERVICE_UNAVAILABLE", rows.error().message, {}});
      for (const auto& r : *rows) {
        if (after && s.id == after->first && r.bucketStartMs <= after->second) continue;
        if (data.size() >= limit) {
          more = true;
          break;
        }
        next = encodeAggCursor(s.id, r.bucketStartMs);
        json::object o = seriesFields(s);
        o["timestamp"] = formatIso8601(r.bucketStartMs);
        o["timestampMs"] = r.bucketStartMs;
        o["avg"] = r.avg();
        o["min"] = r.min;
        o["max"] = r.max;
        o["sum"] = r.sum;
        o["count"] = r.count;
        o["stddev"] = r.stddevSample();
        o["stddevPopulation"] = r.stddevPopulation();
        o["first"] = r.first;
        o["last"] = r.last;
        o["goodCount"] = r.goodCount;
        o["badCount"] = r.badCount;
        o["outOfRangeCount"] = r.outOfRangeCount;
        data.push_back(std::move(o));
      }
    }
    if (!more) next.clear();
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  json::object meta{{"tableUsed", tableName(agg)},
                    {"table_used", tableName(agg)},
                    {"aggregation", agg},
                    {"queryDurationMs", std::round(ms * 1000) / 1000},
                    {"count", data.size()},
                    {"series", series.size()},
                    {"hasMore", !next.empty()}};
  return json::object{{"data", std::move(data)}, {"meta", std::move(meta)}, {"nextCursor", next}};
}

json::array TelemetryService::latest(const RequestContext& ctx, const std::string& siteId) {
  requirePermission(ctx, "read:telemetry");
  if (!siteId.empty()) requireSiteAccess(ctx, siteId);
  json::array out;
  for (const auto& l : tsdb_.latest(ctx.tenantId(), siteId.empty() ? std::nullopt : std::optional<std::string>(siteId))) {
    if (!coversSite(ctx, l.series.key.siteId)) continue;
    json::object o = seriesFields(l.series);
    o["timestamp"] = formatIso8601(l.timestampMs);
    o["value"] = l.value;
    o["quality"] = qualityName(l.quality);
    o["outOfRange"] = (l.flags & kFlagOutOfRange) != 0;
    out.push_back(std::move(o));
  }
  return out;
}

json::object TelemetryService::stats(const RequestContext& ctx, const std::string& assetId) {
  requirePermission(ctx, "read:telemetry");
  TelemetryQuery q;
  q.assetId = assetId;
  auto series = seriesFor(ctx, q);
  const int64_t now = clock_.nowMs();
  json::array perSeries;
  for (const auto& s : series) {
    auto rows = tsdb_.queryRollup(s.id, Resolution::h1, now - 24 * kHourMs - (now % kHourMs), now + 1);
    RollupRow total;
    bool any = false;
    if (rows.ok())
      for (const auto& r : *rows) {
        if (!any) total = r, any = true;
        else {
          total.count += r.count, total.sum += r.sum, total.sumSq += r.sumSq;
          total.min = std::min(total.min, r.min), total.max = std::max(total.max, r.max);
          total.goodCount += r.goodCount, total.badCount += r.badCount, total.outOfRangeCount += r.outOfRangeCount;
          total.last = r.last;
        }
      }
    json::object o = seriesFields(s);
    o["last24h"] = any ? json::value(json::object{{"count", total.count}, {"avg", total.avg()}, {"min", total.min},
                                                  {"max", total.max}, {"stddev", total.stddevSample()},
                                                  {"goodCount", total.goodCount}, {"badCount", total.badCount},
                                                  {"outOfRangeCount", total.outOfRangeCount}, {"last", total.last}})
                       : json::value(nullptr);
    perSeries.push_back(std::move(o));
  }
  auto st = tsdb_.stats();
  return json::object{{"assetId", assetId}, {"series", std::move(perSeries)},
                      {"store", json::object{{"series", st.series}, {"points", st.points}, {"walBytes", st.walBytes}}}};
}

std::string TelemetryService::exportCsv(const RequestContext& ctx, const TelemetryQuery& q) {
  // Without a limit the export walks every page of the range (up to kMaxCsvRows rows); with one
  // it is that many rows, like the JSON answer.
  constexpr size_t kMaxCsvRows = 1'000'000;
  auto field = [&](const json::object& o, const char* k) {
    const json::value& v = o.at(k);
    if (v.is_string()) {
      std::string s(v.get_string());
      if (s.find_first_of(",\"\n") != std::string::npos) {
        std::string q2 = "\"";
        for (char ch : s) q2 += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        return q2 + "\"";
      }
      return s;
    }
    std::string n;
    appendJson(n, v);
    return n;
  };
  TelemetryQuery page = q;
  std::string out;
  size_t written = 0;
  for (;;) {
    json::object res = query(ctx, page);
    const bool raw = res["meta"].as_object()["aggregation"].as_string() == "raw";
    std::vector<const char*> cols = {"timestamp", "siteId", "assetId", "sensorId", "metric", "unit"};
    if (raw) cols.insert(cols.end(), {"value", "quality"});
    else cols.insert(cols.end(), {"avg", "min", "max", "sum", "count", "stddev", "goodCount", "badCount", "outOfRangeCount"});
    if (out.empty()) {
      for (size_t i = 0; i < cols.size(); ++i) out += (i ? "," : "") + std::string(cols[i]);
      out += "\n";
    }
    for (const auto& rv : res["data"].as_array()) {
      const auto& o = rv.as_object();
      for (size_t i = 0; i < cols.size(); ++i) out += (i ? "," : "") + field(o, cols[i]);
      out += "\n";
      ++written;
    }
    const std::string next(res["nextCursor"].as_string());
    if (q.limit || next.empty() || written >= kMaxCsvRows) break;
    page.cursor = next;
    page.aggregation = std::string(res["meta"].as_object()["aggregation"].as_string());  // auto stays as chosen
  }
  return out;
}

json::object TelemetryService::listDeadLetters(const RequestContext& ctx, int page, int pageSize) {
  requirePermission(ctx, "write:telemetry");
  auto& c = db_.connection();
  const int64_t total = c.queryInt("SELECT COUNT(*) FROM telemetry_dead_letters WHERE tenant_id = ?", {ctx.tenantId()}).value_or(0);
  json::array items;
  c.query("SELECT id, received_at, source, idx, topic, lp_precision, raw, reasons, replayed_at FROM telemetry_dead_letters "
          "WHERE tenant_id = ? ORDER BY received_at DESC, id LIMIT ? OFFSET ?",
          {ctx.tenantId(), static_cast<int64_t>(pageSize), static_cast<int64_t>(page - 1) * pageSize}, [&](const store::Row& r) {
            json::object o{{"deadLetterId", r.getString(0)}, {"receivedAt", formatIso8601(r.getInt(1))},
                           {"source", r.getString(2)},       {"index", r.getInt(3)},
                           {"raw", r.getString(6)},           {"reasons", json::parse(r.text(7))}};
            if (!r.text(4).empty()) o["topic"] = r.getString(4);
            if (!r.text(5).empty()) o["precision"] = r.getString(5);
            o["replayedAt"] = r.isNull(8) ? json::value(nullptr) : json::value(formatIso8601(r.getInt(8)));
            items.push_back(std::move(o));
          });
  return json::object{{"items", std::move(items)}, {"total", total}};
}

IngestOutcome TelemetryService::replayDeadLetter(const RequestContext& ctx, const std::string& id) {
  requirePermission(ctx, "write:telemetry");
  struct Row {
    std::string source, topic, precision, raw;
  };
  auto row = db_.connection().queryOne(
      "SELECT source, topic, lp_precision, raw FROM telemetry_dead_letters WHERE tenant_id = ? AND id = ? AND replayed_at IS NULL",
      {ctx.tenantId(), id}, [](const store::Row& r) { return Row{r.getString(0), r.getString(1), r.getString(2), r.getString(3)}; });
  if (!row) fail(Error::notFound("Dead letter '" + id + "' (or already replayed)"));
  IngestOutcome out;
  if (row->source == "line-protocol") out = ingestLineProtocol(ctx, row->raw, row->precision, false);
  else if (row->source == "mqtt") out = ingestMqtt(row->topic, row->raw);
  else if (row->source == "sensor-readings") out = ingestSensorReadings(ctx, row->raw, false);
  else out = ingestEvents(ctx, "[" + row->raw + "]", false);
  // Replayed once: a replay that is rejected again creates a new dead letter with the reasons.
  db_.connection().exec("UPDATE telemetry_dead_letters SET replayed_at = ? WHERE id = ?", {clock_.nowMs(), id});
  return out;
}

int TelemetryService::applyRetention(int64_t nowMs) {
  auto r = tsdb_.applyRetention(nowMs);
  if (!r.ok()) {
    log::error("telemetry retention failed", {{"error", r.error().message}});
    return 0;
  }
  int dropped = 0;
  for (auto n : r->partitionsDropped) dropped += static_cast<int>(n);
  return dropped;
}

}  // namespace dcmms::domain
