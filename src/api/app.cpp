#include "api/app.h"

#include "core/log.h"

namespace dcmms::api {

App::App(AppConfig cfg, store::Database& database, const Clock& clk, ManualClock* manual)
    : config(std::move(cfg)),
      db(database),
      clock(clk),
      manualClock(manual),
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
      rateLimiter(config.rateLimitsEnabled) {}

App::~App() { scheduler.stop(); }

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
  scheduler.every("auth-cleanup", 3600'000, [this](int64_t now) {
    auto& c = db.connection();
    c.exec("DELETE FROM revoked_tokens WHERE expires_at < ?", {now});
    c.exec("DELETE FROM refresh_tokens WHERE expires_at < ?", {now - 86400'000});
    c.exec("DELETE FROM idempotency_keys WHERE created_at < ?", {now - 86400'000});
  });
}

}  // namespace dcmms::api
