// Everything the API layer serves from: configuration, storage, services, limits. Owned by
// the `serve` command (src/app) and passed by reference; no globals.
#pragma once

#include <memory>
#include <string>

#include "api/rate_limiter.h"
#include "auth/keys.h"
#include "core/clock.h"
#include "core/event_bus.h"
#include "core/scheduler.h"
#include "domain/attachment_service.h"
#include "domain/audit.h"
#include "domain/catalog_services.h"
#include "domain/identity_service.h"
#include "domain/work_order_service.h"
#include "store/sql.h"

namespace dcmms::api {

struct AppConfig {
  std::string dataDir;
  std::string publicBaseUrl;     // for absolute links; empty → relative links
  bool testClock = false;        // PUT /api/v1/test/clock allowed
  bool rateLimitsEnabled = true; // DCMMS_RATE_LIMITS=off disables
  RateLimitConfig limits;
};

class App {
 public:
  App(AppConfig config, store::Database& db, const Clock& clock, ManualClock* manualClock);
  ~App();

  AppConfig config;
  store::Database& db;
  const Clock& clock;
  ManualClock* manualClock;  // non-null with --test-clock
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
  RateLimiter rateLimiter;

  // The system actor for background jobs.
  domain::RequestContext systemContext() const;
  void registerJobs();
};

}  // namespace dcmms::api
