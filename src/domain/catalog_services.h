// The plant hierarchy and people: sites → zones → assets (with the asset state machine and
// hierarchy rules), crews and user profiles. Built on ResourceService.
#pragma once

#include "domain/resource_service.h"

namespace dcmms::domain {

class SiteService : public ResourceService {
 public:
  SiteService(store::Database& db, const AuditLog& audit, const EventBus& bus);

 protected:
  void beforeCreate(store::SqlConnection&, const RequestContext&, json::object& doc) override;
  void beforeDelete(store::SqlConnection& c, const RequestContext& ctx, const json::object& doc) override;
};

class ZoneService : public ResourceService {
 public:
  ZoneService(store::Database& db, const AuditLog& audit, const EventBus& bus, const EntityStore& sites);

 protected:
  void beforeCreate(store::SqlConnection& c, const RequestContext& ctx, json::object& doc) override;
  const EntityStore& sites_;
};

class CrewService : public ResourceService {
 public:
  CrewService(store::Database& db, const AuditLog& audit, const EventBus& bus, const EntityStore& sites);

 protected:
  void beforeCreate(store::SqlConnection& c, const RequestContext& ctx, json::object& doc) override;
  const EntityStore& sites_;
};

class AssetService : public ResourceService {
 public:
  AssetService(store::Database& db, const AuditLog& audit, const EventBus& bus, const EntityStore& sites);
  // POST /assets/{id}/transitions {toStatus, reason}
  json::object transition(const RequestContext& ctx, const std::string& id, const json::object& body);
  std::vector<json::object> children(const RequestContext& ctx, const std::string& id);

 protected:
  void beforeCreate(store::SqlConnection& c, const RequestContext& ctx, json::object& doc) override;
  void beforeUpdate(store::SqlConnection& c, const RequestContext& ctx, const json::object& before,
                    json::object& after) override;
  void beforeDelete(store::SqlConnection& c, const RequestContext& ctx, const json::object& doc) override;

 private:
  void checkParent(store::SqlConnection& c, const RequestContext& ctx, const json::object& doc);
  int64_t activeWorkOrders(store::SqlConnection& c, const std::string& tenant, const std::string& assetId);
  const EntityStore& sites_;
};

// User profiles (identity secrets live in columns managed by IdentityService, never in docs).
class UserService : public ResourceService {
 public:
  UserService(store::Database& db, const AuditLog& audit, const EventBus& bus);
  json::object deactivate(const RequestContext& ctx, const std::string& id);

 protected:
  void beforeCreate(store::SqlConnection& c, const RequestContext& ctx, json::object& doc) override;
  void beforeUpdate(store::SqlConnection& c, const RequestContext& ctx, const json::object& before,
                    json::object& after) override;
  void checkRead(const RequestContext& ctx, const json::object& doc) const override;
};

const std::vector<std::string_view>& siteTypes();
const std::vector<std::string_view>& assetCategories();

}  // namespace dcmms::domain
