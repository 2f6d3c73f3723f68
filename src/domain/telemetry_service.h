// Telemetry ingest and query for the API and the MQTT subscriber: parses (line protocol,
// TelemetryEvent JSON, SensorReading bulk, MQTT), checks tenant/site/asset scope, writes to the
// TelemetryStore, keeps rejected elements as dead letters (SQL) and publishes live values.
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/event_bus.h"
#include "domain/audit.h"
#include "domain/context.h"
#include "store/sql.h"
#include "telemetry/ingest/batch.h"
#include "telemetry/ingest/dead_letter.h"
#include "telemetry/ingest/line_series_cache.h"
#include "telemetry/ingest/validate.h"
#include "telemetry/mqtt/message.h"
#include "telemetry/store.h"

namespace dcmms::domain {

namespace json = boost::json;

struct IngestOutcome {
  std::string batchId;
  uint64_t accepted = 0;
  uint64_t duplicates = 0;
  uint64_t suppressed = 0;  // within the deadband (when one is configured): not stored
  uint64_t rejected = 0;
  std::vector<telemetry::Rejection> rejections;  // capped at 100 for the response
  bool wholeBodyMalformed = false;
};

struct TelemetryQuery {
  std::string assetId;
  std::string sensorId;
  std::string metric;
  std::string siteId;
  int64_t startMs = 0;
  int64_t endMs = 0;
  std::string aggregation = "auto";  // raw|1min|5min|15min|1hour|auto
  size_t limit = 0;
  std::string cursor;
};

class TelemetryService {
 public:
  TelemetryService(store::Database& db, const AuditLog& audit, const EventBus& bus, telemetry::TelemetryStore& tsdb,
                   const Clock& clock, telemetry::IngestPolicy policy = {});

  IngestOutcome ingestLineProtocol(const RequestContext& ctx, std::string_view body, std::string_view precision,
                                   bool backfill);
  IngestOutcome ingestEvents(const RequestContext& ctx, std::string_view body, bool backfill);
  IngestOutcome ingestSensorReadings(const RequestContext& ctx, std::string_view body, bool backfill);
  // MQTT: the tenant is the one owning the topic's site (devices authenticate at the broker).
  IngestOutcome ingestMqtt(const std::string& topic, std::string_view payload);
  // Many MQTT messages in one store write (the subscriber batches them).
  IngestOutcome ingestMqttBatch(std::span<const telemetry::MqttMessage> messages);

  // {data, meta{tableUsed, queryDurationMs, hasMore?, aggregation}, nextCursor}
  json::object query(const RequestContext& ctx, const TelemetryQuery& q);
  json::array latest(const RequestContext& ctx, const std::string& siteId);
  json::object stats(const RequestContext& ctx, const std::string& assetId);
  std::string exportCsv(const RequestContext& ctx, const TelemetryQuery& q);

  json::object listDeadLetters(const RequestContext& ctx, int page, int pageSize);
  IngestOutcome replayDeadLetter(const RequestContext& ctx, const std::string& id);

  // Live values are built only for series whose site someone watches (the WebSocket hub says
  // which); without a watcher set nothing is built. May be called while requests run.
  using LiveInterest = std::function<bool(const std::string& tenantId, const std::string& siteId)>;
  void setLiveInterest(LiveInterest interest);

  int applyRetention(int64_t nowMs);
  telemetry::TelemetryStore& store() { return tsdb_; }
  // Called when assets change so the scope cache forgets them.
  void invalidateAssets();

 private:
  // Rows accepted so far (columnar, series resolved), dead letters and live values, not yet written.
  struct PendingWrite {
    std::vector<telemetry::SeriesId> sid;
    std::vector<int64_t> ts;
    std::vector<double> vals;
    std::vector<telemetry::Quality> quality;
    std::vector<uint8_t> flags;
    std::vector<std::pair<uint32_t, std::string>> meta;
    std::vector<telemetry::DeadLetter> letters;
    std::vector<telemetry::Rejection> rejections;
    struct Live {
      int64_t ts = 0;
      double value = 0;
      telemetry::Quality quality = telemetry::Quality::good;
      telemetry::SeriesKey key;
      std::string unit;
    };
    std::unordered_map<telemetry::SeriesId, Live> live;
    bool malformedOnly = false;
    uint64_t suppressed = 0;
  };
  void prepare(const RequestContext* ctx, const std::string& tenantId, telemetry::ParsedBatch batch,
               telemetry::IngestSource source, const std::string& topic, const std::string& precision,
               std::string_view payload, PendingWrite& out);
  IngestOutcome commit(const std::string& tenantId, telemetry::IngestSource source, PendingWrite& pending, bool recordBatch);
  std::string tenantOfTopic(const std::string& topic);
  IngestOutcome ingest(const RequestContext* ctx, const std::string& tenantId, telemetry::ParsedBatch batch,
                       telemetry::IngestSource source, const std::string& topic, const std::string& precision,
                       std::string_view payload = {});
  std::optional<std::string> siteOfAsset(const std::string& tenantId, const std::string& assetId);
  std::vector<telemetry::SeriesInfo> seriesFor(const RequestContext& ctx, const TelemetryQuery& q);
  telemetry::IngestContext ingestContext(const std::string& tenantId, bool backfill);
  telemetry::LineSeriesCache& lineCache(const std::string& tenantId);
  std::shared_ptr<const LiveInterest> liveInterest() const;

  store::Database& db_;
  const AuditLog& audit_;
  const EventBus& bus_;
  telemetry::TelemetryStore& tsdb_;
  const Clock& clock_;
  telemetry::IngestPolicy policy_;
  telemetry::Deadband deadband_;
  std::mutex assetMu_;
  std::unordered_map<std::string, std::string> assetSite_;  // "tenant\x1f asset" → site
  std::unordered_map<std::string, std::string> siteTenant_; // site → tenant (MQTT topics)
  // Per tenant; entries are never removed while the service lives, only cleared.
  std::unordered_map<std::string, std::unique_ptr<telemetry::LineSeriesCache>> lineCaches_;
  mutable std::mutex liveMu_;
  std::shared_ptr<const LiveInterest> liveInterest_;
};

// Auto aggregation of 02 §8: < 1 h raw; ≤ 6 h 1min; ≤ 24 h 5min; ≤ 7 d 15min; beyond 1hour.
std::string autoAggregation(int64_t spanMs);

}  // namespace dcmms::domain
