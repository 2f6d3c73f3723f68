#include "domain/catalog_services.h"

#include <algorithm>

#include "core/json_util.h"
#include "core/time_format.h"
#include "domain/access.h"
#include "domain/descriptors.h"
#include "domain/state_machines.h"

namespace dcmms::domain {

const std::vector<std::string_view>& siteTypes() {
  static const std::vector<std::string_view> v = {"solar", "wind", "hybrid", "storage"};
  return v;
}
const std::vector<std::string_view>& assetCategories() {
  static const std::vector<std::string_view> v = {"turbine", "inverter", "transformer", "panel", "battery", "bos", "sensor"};
  return v;
}

namespace {

const std::vector<std::string_view>& roleNameList() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> v;
    for (auto r : auth::allRoles()) v.push_back(auth::roleName(r));
    return v;
  }();
  return names;
}

void requireSite(store::SqlConnection& c, const EntityStore& sites, const RequestContext& ctx, const std::string& siteId) {
  if (!sites.find(c, ctx.tenantId(), siteId))
    fail(Error::business("RELATED_RESOURCE_NOT_FOUND", "Site '" + siteId + "' does not exist",
                         {{"siteId", "unknown site", "RELATED_RESOURCE_NOT_FOUND"}}));
}

void checkNested(const json::object& doc, std::string_view key, const std::vector<FieldSpec>& specs) {
  if (auto* v = doc.if_contains(key); v && v->is_object())
    Validator(std::string(key)).check(v->get_object(), specs, false, /*rejectUnknown=*/false).throwIfErrors();
}

}  // namespace

// ---- sites -------------------------------------------------------------------------------

SiteService::SiteService(store::Database& db, const AuditLog& audit, const EventBus& bus)
    : ResourceService(db, audit, bus, siteDescriptor(),
                      {"sites",
                       "Site",
                       {{"name", Kind::String, true, 1, 200},
                        {"type", Kind::Enum, true, 0, 0, siteTypes()},
                        {"status", Kind::Enum, false, 0, 0, {"active", "inactive", "commissioning", "decommissioned"}},
                        {"description", Kind::String, false, 0, 5000},
                        {"location", Kind::Object, true},
                        {"capacity", Kind::Object},
                        {"capacityMw", Kind::Number, false, 0, 0, {}, 0},
                        {"grid", Kind::Object},
                        {"compliance", Kind::Object},
                        {"contacts", Kind::Object},
                        {"timezone", Kind::String, false, 1, 64},
                        {"tags", Kind::StringArray}},
                       {"siteId"},
                       "",
                       true,
                       "",
                       "manage:sites",
                       "manage:sites",
                       "manage:sites"}) {}

void SiteService::beforeCreate(store::SqlConnection&, const RequestContext&, json::object& doc) {
  checkNested(doc, "location",
              {{"lat", Kind::Number, true, 0, 0, {}, -90, 90},
               {"lon", Kind::Number, true, 0, 0, {}, -180, 180},
               {"state", Kind::String, true, 1, 100},
               {"country", Kind::String, true, 1, 100},
               {"timezone", Kind::String, false, 1, 64}});
  checkNested(doc, "capacity", {{"installedCapacityMw", Kind::Number, true, 0, 0, {}, 0}});
  checkNested(doc, "grid", {{"connectionPoint", Kind::String, true, 1, 200}, {"voltageLevel", Kind::Any, true}});
  // Union of the schema (capacity.installedCapacityMw) and the API example (capacityMw).
  auto* cap = doc.if_contains("capacity");
  auto* mw = doc.if_contains("capacityMw");
  if (cap && cap->is_object() && !mw) doc["capacityMw"] = cap->get_object().at("installedCapacityMw");
  if (mw && !cap) doc["capacity"] = json::object{{"installedCapacityMw", *mw}};
  if (!doc.contains("capacity")) {
    Validator v;
    v.add("capacity", "MISSING_REQUIRED_FIELD", "capacity.installedCapacityMw or capacityMw is required");
    v.throwIfErrors();
  }
  for (const char* k : {"grid", "compliance", "contacts"})
    if (!doc.contains(k)) doc[k] = json::object();
  if (!doc.contains("status")) doc["status"] = "active";
  if (!doc.contains("timezone")) {
    auto& loc = doc["location"].as_object();
    doc["timezone"] = loc.contains("timezone") ? loc["timezone"] : json::value("UTC");
  }
}

void SiteService::beforeDelete(store::SqlConnection& c, const RequestContext& ctx, const json::object& doc) {
  const std::string id = str(doc, "siteId");
  auto assets = c.queryInt("SELECT COUNT(*) FROM assets WHERE tenant_id = ? AND site_id = ? AND deleted_at IS NULL",
                           {ctx.tenantId(), id});
  if (assets.value_or(0) > 0)
    fail(Error::business("RESOURCE_CONFLICT", "Site still has " + std::to_string(*assets) + " assets",
                         {{"siteId", "site has assets", "RESOURCE_CONFLICT"}}));
}

// ---- zones and crews -----------------------------------------------------------------------

ZoneService::ZoneService(store::Database& db, const AuditLog& audit, const EventBus& bus, const EntityStore& sites)
    : ResourceService(db, audit, bus, zoneDescriptor(),
                      {"sites",
                       "Zone",
                       {{"siteId", Kind::String, true, 1, 64},
                        {"name", Kind::String, true, 1, 200},
                        {"description", Kind::String, false, 0, 2000},
                        {"zoneType", Kind::String, false, 0, 64}},
                       {"zoneId", "siteId"},
                       "siteId",
                       true,
                       "",
                       "manage:sites",
                       "manage:sites",
                       "manage:sites"}),
      sites_(sites) {}

void ZoneService::beforeCreate(store::SqlConnection& c, const RequestContext& ctx, json::object& doc) {
  requireSite(c, sites_, ctx, str(doc, "siteId"));
}

CrewService::CrewService(store::Database& db, const AuditLog& audit, const EventBus& bus, const EntityStore& sites)
    : ResourceService(db, audit, bus, crewDescriptor(),
                      {"users",
                       "Crew",
                       {{"siteId", Kind::String, true, 1, 64},
                        {"name", Kind::String, true, 1, 200},
                        {"leadUserId", Kind::String},
                        {"members", Kind::StringArray},
                        {"skills", Kind::StringArray}},
                       {"crewId", "siteId"},
                       "siteId",
                       false,
                       "CREW-",
                       "manage:users",
                       "update:users",
                       "manage:users"}),
      sites_(sites) {}

void CrewService::beforeCreate(store::SqlConnection& c, const RequestContext& ctx, json::object& doc) {
  requireSite(c, sites_, ctx, str(doc, "siteId"));
  if (!doc.contains("members")) doc["members"] = json::array();
}

// ---- assets --------------------------------------------------------------------------------

AssetService::AssetService(store::Database& db, const AuditLog& audit, const EventBus& bus, const EntityStore& sites)
    : ResourceService(db, audit, bus, assetDescriptor(),
                      {"assets",
                       "Asset",
                       {{"siteId", Kind::String, true, 1, 64},
                        {"zoneId", Kind::String, false, 1, 64},
                        {"parentAssetId", Kind::String, false, 1, 64},
                        {"name", Kind::String, false, 1, 200},
                        {"type", Kind::String, true, 1, 64},
                        {"category", Kind::Enum, true, 0, 0, assetCategories()},
                        {"status", Kind::Enum, false, 0, 0, assetMachine().states},
                        {"description", Kind::String, false, 0, 5000},
                        {"manufacturer", Kind::String, false, 0, 200},
                        {"model", Kind::String, false, 0, 200},
                        {"serialNumber", Kind::String, false, 0, 200},
                        {"commissionDate", Kind::String, false, 0, 40},
                        {"warrantyExpiry", Kind::String, false, 0, 40},
                        {"specifications", Kind::Object},
                        {"compliance", Kind::Object},
                        {"location", Kind::Object},
                        {"maintenance", Kind::Object},
                        {"tags", Kind::StringArray},
                        {"customFields", Kind::Object}},
                       {"assetId", "siteId", "status"},
                       "siteId"}),
      sites_(sites) {}

void AssetService::checkParent(store::SqlConnection& c, const RequestContext& ctx, const json::object& doc) {
  const std::string parent = str(doc, "parentAssetId");
  if (parent.empty()) return;
  const std::string self = str(doc, "assetId");
  std::string cursor = parent;
  // Walk up the hierarchy: the parent must exist at the same site and never lead back to self.
  for (int depth = 0; !cursor.empty(); ++depth) {
    if (cursor == self || depth > 64)
      fail(Error::business("VALIDATION_ERROR", "parentAssetId would create a cycle in the asset hierarchy",
                           {{"parentAssetId", "creates a cycle", "HIERARCHY_CYCLE"}}));
    auto p = store_.find(c, ctx.tenantId(), cursor);
    if (!p) fail(Error::business("RELATED_RESOURCE_NOT_FOUND", "Parent asset '" + cursor + "' does not exist",
                                 {{"parentAssetId", "unknown asset", "RELATED_RESOURCE_NOT_FOUND"}}));
    if (depth == 0 && str(p->doc, "siteId") != str(doc, "siteId"))
      fail(Error::business("VALIDATION_ERROR", "Parent asset belongs to another site",
                           {{"parentAssetId", "parent is at another site", "INVALID_FIELD_VALUE"}}));
    cursor = str(p->doc, "parentAssetId");
  }
}

void AssetService::beforeCreate(store::SqlConnection& c, const RequestContext& ctx, json::object& doc) {
  requireSite(c, sites_, ctx, str(doc, "siteId"));
  if (const std::string zone = str(doc, "zoneId"); !zone.empty()) {
    auto z = c.queryString("SELECT site_id FROM zones WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                           {ctx.tenantId(), zone});
    if (!z || *z != str(doc, "siteId"))
      fail(Error::business("RELATED_RESOURCE_NOT_FOUND", "Zone '" + zone + "' does not exist at this site",
                           {{"zoneId", "unknown zone for this site", "RELATED_RESOURCE_NOT_FOUND"}}));
  }
  checkParent(c, ctx, doc);
  if (!doc.contains("status")) doc["status"] = "operational";
  for (const char* k : {"specifications", "compliance", "maintenance"})
    if (!doc.contains(k)) doc[k] = json::object();
  if (!doc.contains("name")) doc["name"] = doc["assetId"];
}

void AssetService::beforeUpdate(store::SqlConnection& c, const RequestContext& ctx, const json::object& before,
                                json::object& after) {
  if (str(before, "parentAssetId") != str(after, "parentAssetId")) checkParent(c, ctx, after);
}

int64_t AssetService::activeWorkOrders(store::SqlConnection& c, const std::string& tenant, const std::string& assetId) {
  return c.queryInt("SELECT COUNT(*) FROM work_orders WHERE tenant_id = ? AND asset_id = ? AND deleted_at IS NULL AND "
                    "status NOT IN ('closed', 'cancelled', 'verified')",
                    {tenant, assetId})
      .value_or(0);
}

void AssetService::beforeDelete(store::SqlConnection& c, const RequestContext& ctx, const json::object& doc) {
  const std::string id = str(doc, "assetId");
  if (int64_t n = activeWorkOrders(c, ctx.tenantId(), id); n > 0)
    fail(Error::business("RESOURCE_CONFLICT", "Asset has " + std::to_string(n) + " active work orders",
                         {{"assetId", "asset has active work orders", "ACTIVE_WORK_ORDERS"}}));
  auto kids = c.queryInt("SELECT COUNT(*) FROM assets WHERE tenant_id = ? AND parent_asset_id = ? AND deleted_at IS NULL",
                         {ctx.tenantId(), id});
  if (kids.value_or(0) > 0)
    fail(Error::business("RESOURCE_CONFLICT", "Asset has " + std::to_string(*kids) + " child assets",
                         {{"assetId", "asset has child assets", "HAS_CHILDREN"}}));
}

json::object AssetService::transition(const RequestContext& ctx, const std::string& id, const json::object& body) {
  Validator v;
  v.check(body, {{"toStatus", Kind::Enum, true, 0, 0, assetMachine().states}, {"reason", Kind::String, false, 0, 2000}})
      .throwIfErrors();
  auto& c = db_.connection();
  json::object saved;
  std::string from, to = str(body, "toStatus");
  {
    store::Transaction tx(c);
    Loaded l = store_.load(c, ctx.tenantId(), id);
    checkRead(ctx, l.doc);
    ResourceRef ref{str(l.doc, "siteId")};
    ref.targetStatus = to;
    requirePermission(ctx, "update-status:assets", ref);
    from = str(l.doc, "status");
    if (!assetMachine().find(from, to)) {
      std::string allowed;
      for (auto s : assetMachine().allowedFrom(from)) allowed += (allowed.empty() ? "" : ", ") + std::string(s);
      fail(Error{422, "INVALID_STATE_TRANSITION", "Cannot move an asset from '" + from + "' to '" + to + "'",
                 {{"toStatus", "allowed: " + allowed, "INVALID_STATE_TRANSITION"}}});
    }
    if (to == "decommissioning" && activeWorkOrders(c, ctx.tenantId(), id) > 0)
      fail(Error::business("RESOURCE_CONFLICT", "Asset has active work orders",
                           {{"toStatus", "close or cancel active work orders first", "ACTIVE_WORK_ORDERS"}}));
    json::object doc = l.doc;
    doc["status"] = to;
    doc["statusChangedAt"] = formatIso8601(ctx.now);
    saved = store_.save(c, ctx, id, l, std::move(doc), {"", "", "transition", from, to, str(body, "reason")});
    tx.commit();
  }
  bus_.publish(makeEvent(ctx, "AssetStatusChanged", str(saved, "siteId"),
                         json::object{{"assetId", id}, {"previousState", from}, {"newState", to}}));
  publish(ctx, "Updated", saved);
  return saved;
}

std::vector<json::object> AssetService::children(const RequestContext& ctx, const std::string& id) {
  std::vector<json::object> out;
  db_.connection().query("SELECT doc FROM assets WHERE tenant_id = ? AND parent_asset_id = ? AND deleted_at IS NULL ORDER BY id",
                         {ctx.tenantId(), id},
                         [&](const store::Row& r) { out.push_back(json::parse(r.text(0)).as_object()); });
  return out;
}

// ---- users ---------------------------------------------------------------------------------

UserService::UserService(store::Database& db, const AuditLog& audit, const EventBus& bus)
    : ResourceService(db, audit, bus, userDescriptor(),
                      {"users",
                       "User",
                       {{"email", Kind::String, true, 3, 254},
                        {"name", Kind::String, false, 1, 200},
                        {"firstName", Kind::String, false, 1, 100},
                        {"lastName", Kind::String, false, 1, 100},
                        {"role", Kind::Enum, true, 0, 0, roleNameList()},
                        {"siteIds", Kind::StringArray},
                        {"skills", Kind::StringArray},
                        {"certifications", Kind::Array},
                        {"phone", Kind::String, false, 0, 40},
                        {"status", Kind::Enum, false, 0, 0, {"active", "inactive", "locked"}},
                        {"employmentType", Kind::Enum, false, 0, 0, {"employee", "contractor", "auditor"}},
                        {"contractorId", Kind::String},
                        {"organization", Kind::String},
                        {"supervisor", Kind::String},
                        {"contractStart", Kind::Time},
                        {"contractEnd", Kind::Time},
                        {"workingHours", Kind::Object}},
                       {"userId", "email"},
                       "",
                       false,
                       "USR-",
                       "manage:users",
                       "update:users",
                       "manage:users"}) {}

void UserService::checkRead(const RequestContext& ctx, const json::object& doc) const {
  if (str(doc, "userId") == ctx.userId()) return;  // everyone reads their own profile
  requirePermission(ctx, "read:users");
  if (isAdmin(ctx)) return;
  // Users are visible when they share a site with the reader (all-site readers see all).
  auto sites = strings(doc, "siteIds");
  for (const auto& s : sites)
    if (coversSite(ctx, s)) return;
  if (sites.empty() && listScope(ctx, false).allSites) return;
  fail(Error::forbidden("You have no access to this user", "AUTHZ_SITE_ACCESS_DENIED"));
}

void UserService::beforeCreate(store::SqlConnection&, const RequestContext& ctx, json::object& doc) {
  // Plant managers create users only for their own sites (01 §6.1: admin functions, own site).
  if (!isAdmin(ctx))
    for (const auto& s : strings(doc, "siteIds"))
      if (!coversSite(ctx, s)) fail(Error::forbidden("You cannot create users for site '" + s + "'", "AUTHZ_SITE_ACCESS_DENIED"));
  std::string email = str(doc, "email");
  std::transform(email.begin(), email.end(), email.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (email.find('@') == std::string::npos) {
    Validator v;
    v.add("email", "INVALID_FIELD_VALUE", "must be an email address");
    v.throwIfErrors();
  }
  doc["email"] = email;
  if (!doc.contains("status")) doc["status"] = "active";
  if (!doc.contains("siteIds")) doc["siteIds"] = json::array();
  if (!doc.contains("skills")) doc["skills"] = json::array();
  if (!doc.contains("employmentType"))
    doc["employmentType"] = str(doc, "role").rfind("contractor", 0) == 0 ? "contractor" : "employee";
  if (!doc.contains("name")) {
    std::string n = str(doc, "firstName");
    if (!str(doc, "lastName").empty()) n += (n.empty() ? "" : " ") + str(doc, "lastName");
    doc["name"] = n.empty() ? email : n;
  }
  doc["mfaEnabled"] = false;
}

void UserService::beforeUpdate(store::SqlConnection& c, const RequestContext& ctx, const json::object& before,
                               json::object& after) {
  const bool self = str(before, "userId") == ctx.userId();
  const bool roleOrSites = str(before, "role") != str(after, "role") ||
                           json::serialize(before.at("siteIds")) != json::serialize(after.at("siteIds"));
  if (roleOrSites && (self || !hasPermission(ctx, "manage:users")))
    fail(Error::forbidden("Changing roles or sites needs manage:users (and never on yourself)"));
  if (str(before, "status") != str(after, "status") && str(after, "status") != "active")
    c.exec("UPDATE users SET tokens_valid_after = ? WHERE tenant_id = ? AND id = ?",
           {ctx.now, ctx.tenantId(), str(before, "userId")});
}

json::object UserService::deactivate(const RequestContext& ctx, const std::string& id) {
  auto& c = db_.connection();
  json::object saved;
  {
    store::Transaction tx(c);
    Loaded l = store_.load(c, ctx.tenantId(), id);
    checkRead(ctx, l.doc);
    requirePermission(ctx, "manage:users", {});
    if (id == ctx.userId()) fail(Error::business("VALIDATION_ERROR", "You cannot deactivate yourself"));
    json::object doc = l.doc;
    doc["status"] = "inactive";
    doc["deactivatedAt"] = formatIso8601(ctx.now);
    // Deactivation revokes every token and API key of the user (01 §4).
    c.exec("UPDATE users SET status = 'inactive', tokens_valid_after = ? WHERE tenant_id = ? AND id = ?",
           {ctx.now, ctx.tenantId(), id});
    c.exec("UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", {ctx.now, id});
    c.exec("UPDATE api_keys SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", {ctx.now, id});
    saved = store_.save(c, ctx, id, l, std::move(doc), {"", "", "deactivate", "active", "inactive"});
    tx.commit();
  }
  publish(ctx, "Updated", saved);
  return saved;
}

}  // namespace dcmms::domain
