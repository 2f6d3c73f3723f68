#include "domain/entity_store.h"

#include <charconv>

#include "core/ids.h"
#include "core/json_util.h"
#include "core/time_format.h"

namespace dcmms::domain {

DomainEvent makeEvent(const RequestContext& ctx, std::string type, std::string siteId, json::value payload) {
  return DomainEvent{newUuid(), std::move(type), ctx.tenantId(), std::move(siteId), ctx.now, std::move(payload)};
}

std::optional<Loaded> EntityStore::find(store::SqlConnection& c, const std::string& tenant, const std::string& id) const {
  auto row = table_.get(c, tenant, id);
  if (!row) return std::nullopt;
  json::value v = json::parse(row->docText);
  return Loaded{std::move(v.as_object()), row->version};
}

Loaded EntityStore::load(store::SqlConnection& c, const std::string& tenant, const std::string& id) const {
  auto l = find(c, tenant, id);
  if (!l) fail(Error{404, "RESOURCE_NOT_FOUND", std::string(descriptor().entityType) + " '" + id + "' not found", {}});
  return std::move(*l);
}

json::object EntityStore::insert(store::SqlConnection& c, const RequestContext& ctx, const std::string& id,
                                 json::object doc) const {
  const std::string at = formatIso8601(ctx.now);
  doc[descriptor().idField] = id;
  doc["createdAt"] = at;
  doc["createdBy"] = ctx.userId();
  doc["updatedAt"] = at;
  doc["updatedBy"] = ctx.userId();
  doc["version"] = 1;
  try {
    table_.insert(c, ctx.tenantId(), id, doc, ctx.userId(), ctx.now);
  } catch (const store::UniqueViolation&) {
    fail(Error{409, "RESOURCE_ALREADY_EXISTS", std::string(descriptor().entityType) + " '" + id + "' already exists",
               {{std::string(descriptor().idField), "already exists", "RESOURCE_ALREADY_EXISTS"}}});
  }
  audit_.record(c, ctx, {std::string(descriptor().entityType), id, "create", "", "", "", "", toJson(doc)});
  return doc;
}

json::object EntityStore::save(store::SqlConnection& c, const RequestContext& ctx, const std::string& id,
                               const Loaded& before, json::object doc, AuditEntry audit) const {
  doc["version"] = before.version + 1;
  doc["updatedAt"] = formatIso8601(ctx.now);
  doc["updatedBy"] = ctx.userId();
  if (!table_.update(c, ctx.tenantId(), id, doc, before.version, ctx.userId(), ctx.now))
    fail(Error{409, "VERSION_CONFLICT", "The resource was modified by someone else; reload and retry", {}});
  audit.entityType = descriptor().entityType;
  audit.entityId = id;
  if (audit.action.empty()) audit.action = "update";
  audit.beforeJson = toJson(before.doc);
  audit.afterJson = toJson(doc);
  audit_.record(c, ctx, audit);
  return doc;
}

void EntityStore::remove(store::SqlConnection& c, const RequestContext& ctx, const std::string& id,
                         const Loaded& before) const {
  if (!table_.softDelete(c, ctx.tenantId(), id, before.version, ctx.userId(), ctx.now))
    fail(Error{409, "VERSION_CONFLICT", "The resource was modified by someone else; reload and retry", {}});
  audit_.record(c, ctx, {std::string(descriptor().entityType), id, "delete", "", "", "", toJson(before.doc), ""});
}

std::optional<int64_t> parseIfMatch(std::string_view h) {
  if (h.empty()) return std::nullopt;
  if (h.rfind("W/", 0) == 0) h.remove_prefix(2);
  if (h.size() >= 2 && h.front() == '"' && h.back() == '"') h = h.substr(1, h.size() - 2);
  int64_t v = 0;
  auto r = std::from_chars(h.data(), h.data() + h.size(), v);
  if (r.ec != std::errc() || r.ptr != h.data() + h.size()) return -1;  // never matches a real version
  return v;
}

void requireVersion(std::optional<int64_t> ifMatch, int64_t current) {
  if (!ifMatch) fail(Error{428, "PRECONDITION_REQUIRED", "This update requires an If-Match header with the current ETag", {}});
  if (*ifMatch != current)
    fail(Error{409, "VERSION_CONFLICT", "If-Match does not match the current version " + std::to_string(current), {}});
}

std::string str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

json::array& arr(json::object& o, std::string_view key) {
  json::value& v = o[key];
  if (!v.is_array()) v = json::array();
  return v.get_array();
}

json::object& obj(json::object& o, std::string_view key) {
  json::value& v = o[key];
  if (!v.is_object()) v = json::object();
  return v.get_object();
}

std::vector<std::string> strings(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (v && v->is_array())
    for (const auto& e : v->get_array())
      if (e.is_string()) out.emplace_back(e.get_string());
  return out;
}

}  // namespace dcmms::domain
