// A migrated SQLite database in a temp dir plus the domain services, for service-level tests.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/event_bus.h"
#include "domain/audit.h"
#include "domain/catalog_services.h"
#include "domain/repo/schema.h"
#include "domain/work_order_service.h"
#include "store/migrate.h"
#include "store/sql.h"

namespace dcmms::domain::testing {

class DomainFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dcmms-domain-XXXXXX";
    dir_ = mkdtemp(tmpl);
    db = store::Database::open("", dir_);
    store::applyMigrations(*db, schemaMigrations());
    sites = std::make_unique<SiteService>(*db, audit, bus);
    assets = std::make_unique<AssetService>(*db, audit, bus, sites->entities());
    users = std::make_unique<UserService>(*db, audit, bus);
    wos = std::make_unique<WorkOrderService>(*db, audit, bus, sites->entities(), assets->entities(), users->entities());
  }
  void TearDown() override {
    wos.reset();
    users.reset();
    assets.reset();
    sites.reset();
    db.reset();
    std::filesystem::remove_all(dir_);
  }

  RequestContext as(auth::Role role, const std::string& userId, std::vector<std::string> sitesOf = {"S1"}) const {
    RequestContext ctx;
    ctx.principal.userId = userId;
    ctx.principal.tenantId = "default";
    ctx.principal.role = role;
    ctx.principal.siteIds = std::move(sitesOf);
    ctx.principal.employmentType = auth::isContractor(role) ? "contractor" : "employee";
    ctx.now = clock.nowMs();
    ctx.requestId = "test";
    return ctx;
  }
  RequestContext admin() const { return as(auth::Role::SystemAdministrator, "admin"); }

  void seedSiteAndAsset() {
    sites->create(admin(), boost::json::object{{"siteId", "S1"},
                                               {"name", "Solar 1"},
                                               {"type", "solar"},
                                               {"location", boost::json::object{{"lat", 26.9}, {"lon", 70.9}, {"state", "RJ"}, {"country", "IN"}}},
                                               {"capacityMw", 50}});
    assets->create(admin(), boost::json::object{{"assetId", "A1"}, {"siteId", "S1"}, {"type", "inverter"}, {"category", "inverter"}});
  }

  // Contractors work 08–17 h: tests run at 10:00 UTC on a fixed day.
  ManualClock clock{1'795'687'200'000};  // 2026-11-26T10:00:00Z
  AuditLog audit;
  EventBus bus;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<SiteService> sites;
  std::unique_ptr<AssetService> assets;
  std::unique_ptr<UserService> users;
  std::unique_ptr<WorkOrderService> wos;

 private:
  std::string dir_;
};

}  // namespace dcmms::domain::testing
