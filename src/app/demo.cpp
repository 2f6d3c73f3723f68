#include "app/demo.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "api/app.h"
#include "app/demo_plants.h"
#include "app/demo_users.h"
#include "app/demo_work.h"
#include "app/demo_world.h"
#include "core/json_util.h"

namespace dcmms::app {

namespace {

bool alreadySeeded(api::App& app) {
  return app.sites.entities().find(app.db.connection(), kDemoTenant, kSolarSite).has_value();
}

}  // namespace

int seedDemo(store::Database& db, const std::string& dataDir, const std::string& password) {
  const auto wallStart = std::chrono::steady_clock::now();
  const int64_t seededAt = SystemClock().nowMs() / kMinuteMs * kMinuteMs;
  // The history is written on a manual clock that walks from months ago up to now.
  ManualClock clock(seededAt);
  api::AppConfig cfg;
  cfg.dataDir = dataDir;
  cfg.rateLimitsEnabled = false;
  api::App app(cfg, db, clock, nullptr);

  if (alreadySeeded(app)) {
    std::cout << "Demo portfolio already seeded (site " << kSolarSite << " exists); nothing changed.\n\n";
    printCredentials(std::cout, password);
    std::cout << "{\"seeded\":false,\"alreadySeeded\":true}\n";
    return 0;
  }

  DemoWorld world(app, clock, seededAt);
  PlantCounts plants;
  WorkCounts work;
  {
    // One transaction: a failed run leaves nothing behind, and SQLite commits once.
    store::Transaction tx(db.connection());
    world.setTime(seededAt - 400 * kDayMs);  // plant onboarding into dCMMS
    plants = seedPlants(world);
    world.setTime(seededAt - 399 * kDayMs);
    seedUsers(world, password);
    work = seedWorkOrders(world);
    tx.commit();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();

  std::printf("Demo portfolio seeded in %.1f s\n", seconds);
  std::printf("  sites: %d (%s solar, %s wind, %s storage), zones: %d, assets: %d\n", plants.sites, kSolarSite,
              kWindSite, kBatterySite, plants.zones, plants.assets);
  std::string states;
  for (const auto& [status, n] : work.byStatus) states += (states.empty() ? "" : ", ") + status + " " + std::to_string(n);
  std::printf("  work orders: %d (%s)\n\n", work.total, states.c_str());
  std::fflush(stdout);
  printCredentials(std::cout, password);

  json::object summary{{"seeded", true},
                       {"sites", plants.sites},
                       {"zones", plants.zones},
                       {"assets", plants.assets},
                       {"users", static_cast<int64_t>(demoUsers().size())},
                       {"workOrders", work.total},
                       {"seconds", std::round(seconds * 10) / 10}};
  std::cout << toJson(summary) << "\n";
  return 0;
}

}  // namespace dcmms::app
