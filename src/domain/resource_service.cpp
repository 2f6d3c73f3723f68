#include "domain/resource_service.h"

#include <algorithm>
#include <cctype>

#include "core/ids.h"
#include "domain/access.h"

namespace dcmms::domain {

namespace {
// Client-supplied ids (asset tags like INV-3A): 1–64 of [A-Za-z0-9._:-], starting alphanumeric.
bool validClientId(std::string_view id) {
  if (id.empty() || id.size() > 64 || !std::isalnum(static_cast<unsigned char>(id[0]))) return false;
  for (char ch : id)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_' && ch != ':' && ch != '-') return false;
  return true;
}
}  // namespace

ResourceService::ResourceService(store::Database& db, const AuditLog& audit, const EventBus& bus,
                                 const EntityDescriptor& d, ResourceConfig cfg)
    : db_(db), audit_(audit), bus_(bus), cfg_(std::move(cfg)), store_(d, audit) {}

std::string ResourceService::permission(std::string_view action) const {
  if (action == "create" && !cfg_.createPermission.empty()) return std::string(cfg_.createPermission);
  if (action == "update" && !cfg_.updatePermission.empty()) return std::string(cfg_.updatePermission);
  if (action == "delete" && !cfg_.deletePermission.empty()) return std::string(cfg_.deletePermission);
  return std::string(action) + ":" + std::string(cfg_.resource);
}

std::string ResourceService::siteOf(const json::object& doc) const {
  return cfg_.siteField.empty() ? str(doc, store_.descriptor().idField) : str(doc, cfg_.siteField);
}

void ResourceService::publish(const RequestContext& ctx, std::string_view what, const json::object& doc) const {
  bus_.publish(makeEvent(ctx, std::string(cfg_.eventName) + std::string(what), siteOf(doc), doc));
}

void ResourceService::checkRead(const RequestContext& ctx, const json::object& doc) const {
  const std::string site = siteOf(doc);
  if (!site.empty() && !coversSite(ctx, site))
    fail(Error::forbidden("You have no access to site '" + site + "'", "AUTHZ_SITE_ACCESS_DENIED"));
  requirePermission(ctx, permission("read"), {site});
}

json::object ResourceService::create(const RequestContext& ctx, const json::object& body) {
  std::vector<FieldSpec> specs = cfg_.specs;
  const std::string idField(store_.descriptor().idField);
  if (cfg_.clientSuppliedId) specs.push_back({store_.descriptor().idField, Kind::String, true, 1, 64});
  Validator v;
  v.check(body, specs);
  std::string id = str(body, idField);
  if (cfg_.clientSuppliedId && !id.empty() && !validClientId(id))
    v.add(idField, "INVALID_FIELD_VALUE", "may contain letters, digits, '.', '_', ':' and '-' (max 64)");
  v.throwIfErrors();
  if (!cfg_.clientSuppliedId) id = std::string(cfg_.idPrefix) + newUuid();
  json::object doc = body;
  doc[idField] = id;
  const std::string site = siteOf(doc);
  requirePermission(ctx, permission("create"), {site});
  auto& c = db_.connection();
  store::Transaction tx(c);
  beforeCreate(c, ctx, doc);
  json::object saved = store_.insert(c, ctx, id, std::move(doc));
  tx.commit();
  publish(ctx, "Created", saved);
  return saved;
}

Loaded ResourceService::get(const RequestContext& ctx, const std::string& id) {
  Loaded l = store_.load(db_.connection(), ctx.tenantId(), id);
  checkRead(ctx, l.doc);
  return l;
}

PageResult ResourceService::list(const RequestContext& ctx, const ListQuery& q) {
  requirePermission(ctx, permission("read"));
  Scope scope = listScope(ctx, false);
  return store_.table().list(db_.connection(), ctx.tenantId(), q, scope);
}

json::object ResourceService::update(const RequestContext& ctx, const std::string& id, const json::object& body,
                                     std::optional<int64_t> ifMatch, bool replace) {
  std::vector<FieldSpec> specs = cfg_.specs;
  specs.push_back({store_.descriptor().idField, Kind::String});
  Validator v;
  v.check(body, specs, /*partial=*/!replace);
  for (auto f : cfg_.immutable)
    if (body.contains(f)) v.add(std::string(f), "FIELD_NOT_MUTABLE", "cannot be changed");
  v.throwIfErrors();
  auto& c = db_.connection();
  json::object saved;
  {
    store::Transaction tx(c);
    Loaded l = store_.load(c, ctx.tenantId(), id);
    checkRead(ctx, l.doc);
    requirePermission(ctx, permission("update"), {siteOf(l.doc)});
    requireVersion(ifMatch, l.version);
    json::object doc;
    if (replace) {
      // Keep identity, audit stamps and fields the body cannot carry.
      for (const auto& kv : l.doc) {
        const std::string_view k = kv.key();
        bool settable = false;
        for (const auto& s : specs) settable = settable || s.name == k;
        if (!settable || std::find(cfg_.immutable.begin(), cfg_.immutable.end(), k) != cfg_.immutable.end())
          doc[k] = kv.value();
      }
      for (const auto& kv : body) doc[kv.key()] = kv.value();
    } else {
      doc = l.doc;
      for (const auto& kv : body) {
        if (kv.value().is_null()) doc.erase(kv.key());
        else doc[kv.key()] = kv.value();
      }
    }
    doc[store_.descriptor().idField] = id;
    beforeUpdate(c, ctx, l.doc, doc);
    saved = store_.save(c, ctx, id, l, std::move(doc), {"", "", replace ? "replace" : "update"});
    tx.commit();
  }
  publish(ctx, "Updated", saved);
  return saved;
}

void ResourceService::remove(const RequestContext& ctx, const std::string& id, std::optional<int64_t> ifMatch) {
  auto& c = db_.connection();
  json::object before;
  {
    store::Transaction tx(c);
    Loaded l = store_.load(c, ctx.tenantId(), id);
    checkRead(ctx, l.doc);
    requirePermission(ctx, permission("delete"), {siteOf(l.doc)});
    if (ifMatch) requireVersion(ifMatch, l.version);
    beforeDelete(c, ctx, l.doc);
    store_.remove(c, ctx, id, l);
    tx.commit();
    before = std::move(l.doc);
  }
  publish(ctx, "Deleted", before);
}

}  // namespace dcmms::domain
