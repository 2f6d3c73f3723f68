// CRUD for site-bound document entities (sites, zones, crews, assets, users): validation by
// field specs, role and site authorisation, optimistic locking, audit and events. Entity
// rules live in the hooks of each subclass.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/event_bus.h"
#include "domain/audit.h"
#include "domain/context.h"
#include "domain/entity_store.h"
#include "domain/validate.h"
#include "store/sql.h"

namespace dcmms::domain {

struct ResourceConfig {
  std::string_view resource;    // permission resource, e.g. "assets" → "create:assets"
  std::string_view eventName;   // e.g. "Asset" → AssetCreated/AssetUpdated/AssetDeleted
  std::vector<FieldSpec> specs; // body fields (create: required enforced; PATCH: partial)
  std::vector<std::string_view> immutable;  // fields PATCH/PUT may not change
  std::string_view siteField;   // "siteId"; empty when the entity is a site itself
  bool clientSuppliedId = true;  // otherwise the server generates <prefix><uuid>
  std::string_view idPrefix = "";
  // Permission overrides (empty → "<action>:<resource>").
  std::string_view createPermission = "";
  std::string_view updatePermission = "";
  std::string_view deletePermission = "";
};

class ResourceService {
 public:
  ResourceService(store::Database& db, const AuditLog& audit, const EventBus& bus, const EntityDescriptor& d,
                  ResourceConfig cfg);
  virtual ~ResourceService() = default;

  json::object create(const RequestContext& ctx, const json::object& body);
  Loaded get(const RequestContext& ctx, const std::string& id);
  PageResult list(const RequestContext& ctx, const ListQuery& q);
  // PATCH (merge) or PUT (replace: fields absent from the body are removed, required ones checked).
  json::object update(const RequestContext& ctx, const std::string& id, const json::object& body,
                      std::optional<int64_t> ifMatch, bool replace);
  void remove(const RequestContext& ctx, const std::string& id, std::optional<int64_t> ifMatch);

  const EntityStore& entities() const { return store_; }
  std::string siteOf(const json::object& doc) const;

 protected:
  virtual void beforeCreate(store::SqlConnection&, const RequestContext&, json::object&) {}
  virtual void beforeUpdate(store::SqlConnection&, const RequestContext&, const json::object& /*before*/,
                            json::object& /*after*/) {}
  virtual void beforeDelete(store::SqlConnection&, const RequestContext&, const json::object&) {}
  virtual void checkRead(const RequestContext& ctx, const json::object& doc) const;
  std::string permission(std::string_view action) const;
  void publish(const RequestContext& ctx, std::string_view what, const json::object& doc) const;

  store::Database& db_;
  const AuditLog& audit_;
  const EventBus& bus_;
  ResourceConfig cfg_;
  EntityStore store_;
};

}  // namespace dcmms::domain
