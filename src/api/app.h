// Everything the API layer serves from: configuration, storage, services, limits. Owned by
// the `serve` command (src/app) and passed by reference; no globals.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>
#include <string>

#include "core/byte_budget.h"
#include "api/rate_limiter.h"
#include "auth/keys.h"
#include "core/clock.h"
#include "core/event_bus.h"
#include "core/scheduler.h"
#include "domain/attachment_service.h"
#include "domain/audit.h"
#include "domain/catalog_services.h"
#include "domain/identity_service.h"
#include "domain/telemetry_service.h"
#include "domain/work_order_service.h"
#include "telemetry/mqtt/subscriber.h"
#include "telemetry/tsdb/engine.h"
#include "store/group_commit.h"
#include "store/sql.h"

namespace dcmms::api {

struct AppConfig {
  std::string dataDir;
  std::string publicBaseUrl;     // for absolute links; empty → relative links
  bool testClock = false;        // PUT /api/v1/test/clock allowed
  bool rateLimitsEnabled = true; // DCMMS_RATE_LIMITS=off disables
  RateLimitConfig limits;
  bool tsdbFastMode = false;         // acknowledge telemetry before fsync (documented trade-off)
  std::string telemetryStore;        // "" = embedded engine; "clickhouse://host:port/db" = ClickHouse
  telemetry::IngestPolicy ingest;    // telemetry.maxAge / telemetry.maxFuture
  std::string mqttHost;              // empty: no MQTT subscriber
  int mqttPort = 1883;
  std::string mqttSharedGroup;       // several nodes split the load
  std::string mqttUsername, mqttPassword;
  size_t ingestBudgetBytes = size_t{512} << 20;
};

// Opens the embedded time-series engine under <dataDir>/tsdb, or ClickHouse when
// telemetryStore names it (throws on failure).
std::unique_ptr<telemetry::TelemetryStore> openTelemetryStore(const AppConfig& cfg);

class App {
 public:
  App(AppConfig config, store::Database& db, const Clock& clock, ManualClock* manualClock);
  ~App();

  AppConfig config;
  store::Database& db;
  const Clock& clock;
  ManualClock* manualClock;  // non-null with --test-clock
  store::GroupCommitter writeCommitter;  // work-order creates share transactions
  EventBus bus;
  Scheduler scheduler;
  domain::AuditLog audit;
  auth::KeyPair keys;
  domain::SiteService sites;
  domain::ZoneService zones;
  domain::AssetService assets;
  domain::CrewService crews;
  domain::UserService users;
  domain::WorkOrderService workOrders;
  domain::AttachmentService attachments;
  domain::IdentityService identity;
  std::unique_ptr<telemetry::TelemetryStore> tsdb;
  domain::TelemetryService telemetry;
  RateLimiter rateLimiter;
  // Memory held by ingest requests in flight (bodies and what parsing builds from them); beyond
  // it ingest answers 503 with Retry-After.
  ByteBudget ingestBudget;
  std::unique_ptr<telemetry::MqttSubscriber> mqtt;

  // Subscribes to the configured broker (no-op without mqttHost).
  void startMqtt();

  // The system actor for background jobs.
  domain::RequestContext systemContext() const;
  void registerJobs();
};

}  // namespace dcmms::api
