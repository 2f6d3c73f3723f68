// The demo seeder's world: the services (api::App), a manual clock the seeder moves along
// the demo's history, and the demo users' principals so every step is done — and audited —
// by the person who would do it.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <string>

#include "api/app.h"
#include "auth/roles.h"
#include "core/clock.h"
#include "domain/context.h"

namespace dcmms::app {

inline constexpr int64_t kMinuteMs = 60'000;
inline constexpr int64_t kHourMs = 60 * kMinuteMs;
inline constexpr int64_t kDayMs = 24 * kHourMs;
// Every demo site is in India (Asia/Kolkata, UTC+05:30, no DST).
inline constexpr int kSiteUtcOffsetMinutes = 330;
inline constexpr const char* kSiteTimezone = "Asia/Kolkata";
inline constexpr const char* kDemoTenant = "default";

class DemoWorld {
 public:
  // `seededAt` is the wall-clock time of the run; the demo's history lies before it.
  DemoWorld(api::App& app, ManualClock& clock, int64_t seededAt);

  api::App& app;

  int64_t seededAt() const { return seededAt_; }
  int64_t now() const { return clock_.nowMs(); }
  void setTime(int64_t ms) { clock_.set(ms); }
  // Local midnight (site time) of the day `daysAgo` days before the seeding (negative: ahead).
  int64_t localMidnight(int daysAgo) const;

  // The system administrator acting as "system" (catalogue set-up).
  domain::RequestContext system() const;
  // The demo user holding `role` (registered with addUser).
  domain::RequestContext as(auth::Role role) const;
  const std::string& userId(auth::Role role) const;
  void addUser(auth::Role role, const boost::json::object& userDoc);

 private:
  ManualClock& clock_;
  int64_t seededAt_;
  std::map<auth::Role, auth::Principal> users_;
};

}  // namespace dcmms::app
