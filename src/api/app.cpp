#include "api/app.h"

#include "core/log.h"
#include "telemetry/clickhouse/clickhouse_store.h"

namespace dcmms::api {

App::App(AppConfig cfg, store::Database& database, const Clock& clk, ManualClock* manual)
    : config(std::move(cfg)),
      db(database),
      clock(clk),
      manualClock(manual),
      writeCommitter(database),
      scheduler(clk),
      keys(auth::KeyPair::loadOrCreate(config.dataDir)),
      sites(db, audit, bus),
      zones(db, audit, bus, sites.entities()),
      assets(db, audit, bus, sites.entities()),
      crews(db, audit, bus, sites.entities()),
      users(db, audit, bus),
      workOrders(db, audit, bus, sites.entities(), assets.entities(), users.entities()),
      attachments(db, audit, bus, workOrders, config.dataDir),
      identity(db, audit, keys, clock),
      tsdb(openTelemetryStore(config)),
      telemetry(db, audit, bus, *tsdb, clock, config.ingest),
      rateLimiter(config.rateLimitsEnabled),
      ingestBudget(config.ingestBudgetBytes) {
  workOrders.setGroupCommitter(&writeCommitter);
  // Asset changes invalidate the telemetry scope cache (a moved or deleted asset).
  bus.subscribe("AssetDeleted", [this](const DomainEvent&) { telemetry.invalidateAssets(); });
  bus.subscribe("AssetUpdated", [this](const DomainEvent&) { telemetry.invalidateAssets(); });
}

App::~App() {
  scheduler.stop();
  mqtt.reset();  // delivers what is queued before the store closes
  if (tsdb) {
    auto st = tsdb->close();
    if (!st.ok()) log::error("telemetry store close failed", {{"error", st.error().message}});
  }
}

std::unique_ptr<telemetry::TelemetryStore> openTelemetryStore(const AppConfig& cfg) {
  if (!cfg.telemetryStore.empty()) {
    auto ch = telemetry::clickhouse::openClickHouseStore(cfg.telemetryStore);
    if (!ch.ok()) throw std::runtime_error("cannot open the telemetry store: " + ch.error().message);
    return std::move(ch.value());
  }
  telemetry::tsdb::TsdbOptions o;
  o.dir = cfg.dataDir + "/tsdb";
  o.fastMode = cfg.tsdbFastMode;
  auto store = telemetry::tsdb::TsdbStore::open(o);
  if (!store.ok()) throw std::runtime_error("cannot open the telemetry store: " + store.error().message);
  return std::move(store.value());
}

void App::startMqtt() {
  if (config.mqttHost.empty()) return;
  telemetry::MqttSubscriberOptions o;
  o.host = config.mqttHost;
  o.port = config.mqttPort;
  o.username = config.mqttUsername;
  o.password = config.mqttPassword;
  o.sharedGroup = config.mqttSharedGroup;
  // One store write (one fsync) per batch: whatever queued while the previous write ran.
  mqtt = std::make_unique<telemetry::MqttSubscriber>(
      o, telemetry::MqttBatchHandler([this](std::span<const telemetry::MqttMessage> batch) { telemetry.ingestMqttBatch(batch); }));
  log::info("mqtt subscriber started", {{"broker", config.mqttHost + ":" + std::to_string(config.mqttPort)},
                                        {"subscription", mqtt->subscription()}});
}

domain::RequestContext App::systemContext() const {
  domain::RequestContext ctx;
  ctx.principal.userId = "system";
  ctx.principal.tenantId = "default";
  ctx.principal.role = auth::Role::SystemAdministrator;
  ctx.requestId = "scheduler";
  ctx.now = clock.nowMs();
  return ctx;
}

void App::registerJobs() {
  scheduler.every("permit-expiry", 60'000, [this](int64_t now) {
    auto ctx = systemContext();
    ctx.now = now;
    if (int n = workOrders.expirePermits(ctx)) log::info("permits expired", {{"workOrders", std::to_string(n)}});
  });
  scheduler.every("sla-sweep", 60'000, [this](int64_t now) {
    auto ctx = systemContext();
    ctx.now = now;
    if (int n = workOrders.sweepSla(ctx)) log::info("sla breaches flagged", {{"workOrders", std::to_string(n)}});
  });
  scheduler.every("telemetry-retention", 3600'000, [this](int64_t now) {
    if (int n = telemetry.applyRetention(now)) log::info("telemetry partitions dropped", {{"count", std::to_string(n)}});
  });
  scheduler.every("auth-cleanup", 3600'000, [this](int64_t now) {
    auto& c = db.connection();
    c.exec("DELETE FROM revoked_tokens WHERE expires_at < ?", {now});
    c.exec("DELETE FROM refresh_tokens WHERE expires_at < ?", {now - 86400'000});
    c.exec("DELETE FROM idempotency_keys WHERE created_at < ?", {now - 86400'000});
  });
}

}  // namespace dcmms::api
