#include "app/demo_world.h"

#include <stdexcept>

#include "domain/entity_store.h"

namespace dcmms::app {

DemoWorld::DemoWorld(api::App& a, ManualClock& clock, int64_t seededAt)
    : app(a), clock_(clock), seededAt_(seededAt) {}

int64_t DemoWorld::localMidnight(int daysAgo) const {
  const int64_t offset = int64_t{kSiteUtcOffsetMinutes} * kMinuteMs;
  const int64_t t = seededAt_ - int64_t{daysAgo} * kDayMs + offset;
  int64_t day = t / kDayMs;
  if (t % kDayMs < 0) --day;
  return day * kDayMs - offset;
}

domain::RequestContext DemoWorld::system() const {
  domain::RequestContext ctx = app.systemContext();
  ctx.requestId = "demo-seed";
  ctx.now = clock_.nowMs();
  return ctx;
}

domain::RequestContext DemoWorld::as(auth::Role role) const {
  auto it = users_.find(role);
  if (it == users_.end()) throw std::logic_error("demo: no user for role " + std::string(auth::roleName(role)));
  domain::RequestContext ctx;
  ctx.principal = it->second;
  ctx.requestId = "demo-seed";
  ctx.ip = "127.0.0.1";
  ctx.now = clock_.nowMs();
  return ctx;
}

const std::string& DemoWorld::userId(auth::Role role) const {
  auto it = users_.find(role);
  if (it == users_.end()) throw std::logic_error("demo: no user for role " + std::string(auth::roleName(role)));
  return it->second.userId;
}

void DemoWorld::addUser(auth::Role role, const boost::json::object& doc) {
  auth::Principal p;
  p.userId = domain::str(doc, "userId");
  p.tenantId = kDemoTenant;
  p.role = role;
  p.siteIds = domain::strings(doc, "siteIds");
  p.skills = domain::strings(doc, "skills");
  p.employmentType = domain::str(doc, "employmentType");
  // Contractor hours are local working hours at the (Indian) sites.
  p.contractorHours.utcOffsetMinutes = kSiteUtcOffsetMinutes;
  users_[role] = std::move(p);
}

}  // namespace dcmms::app
