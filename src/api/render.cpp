#include "api/render.h"

#include "core/json_util.h"
#include "domain/access.h"

namespace dcmms::api {

void redactCosts(json::object& wo) {
  for (const char* k : {"totalCost", "costRecords", "estimatedCost", "budget"}) wo.erase(k);
  if (auto* labor = wo.if_contains("laborRecords"); labor && labor->is_array())
    for (auto& r : labor->get_array())
      if (r.is_object()) r.get_object().erase("laborRate");
  if (auto* parts = wo.if_contains("partsUsed"); parts && parts->is_array())
    for (auto& p : parts->get_array())
      if (p.is_object()) {
        p.get_object().erase("cost");
        p.get_object().erase("unitCost");
      }
  if (auto* parts = wo.if_contains("partsRequired"); parts && parts->is_array())
    for (auto& p : parts->get_array())
      if (p.is_object()) p.get_object().erase("unitCost");
}

void project(json::object& doc, const std::vector<std::string>& fields, std::string_view idField) {
  if (fields.empty()) return;
  json::object out;
  for (const auto& f : fields)
    if (auto* v = doc.if_contains(f)) out[f] = *v;
  (void)idField;  // fields= returns exactly what was asked for (01 §9 check 14)
  doc = std::move(out);
}

namespace {

bool wants(const domain::ListQuery& q, std::string_view name) {
  for (const auto& e : q.expand)
    if (e == name) return true;
  return false;
}

json::value publicUser(const json::object& u) {
  json::object out;
  for (const char* k : {"userId", "name", "email", "role", "skills", "siteIds", "status"})
    if (auto* v = u.if_contains(k)) out[k] = *v;
  return out;
}

}  // namespace

std::string renderWorkOrder(ApiCall& call, std::string_view docText, const domain::ListQuery& q) {
  const bool costs = domain::seesCosts(call.ctx);
  if (costs && q.fields.empty() && q.expand.empty()) return std::string(docText);  // hot path: stored text as is
  return renderWorkOrder(call, json::parse(docText).as_object(), q);
}

std::string renderWorkOrder(ApiCall& call, json::object doc, const domain::ListQuery& q) {
  if (!domain::seesCosts(call.ctx)) redactCosts(doc);
  auto& c = call.app.db.connection();
  const std::string tenant = call.ctx.tenantId();
  if (wants(q, "asset")) {
    const std::string a = domain::str(doc, "assetId");
    auto asset = a.empty() ? std::nullopt : call.app.assets.entities().find(c, tenant, a);
    doc["asset"] = asset ? json::value(asset->doc) : json::value();
  }
  if (wants(q, "assignedUser")) {
    const std::string u = domain::str(doc, "assignedTo");
    auto user = u.empty() ? std::nullopt : call.app.users.entities().find(c, tenant, u);
    doc["assignedUser"] = user ? publicUser(user->doc) : json::value();
  }
  if (wants(q, "site")) {
    auto site = call.app.sites.entities().find(c, tenant, domain::str(doc, "siteId"));
    doc["site"] = site ? json::value(site->doc) : json::value();
  }
  if (wants(q, "attachments")) doc["attachments"] = call.app.attachments.listFor(call.ctx, domain::str(doc, "workOrderId"));
  project(doc, q.fields, "workOrderId");
  return toJson(doc);
}

std::string renderAsset(ApiCall& call, json::object doc, const domain::ListQuery& q) {
  auto& c = call.app.db.connection();
  const std::string tenant = call.ctx.tenantId();
  if (wants(q, "site")) {
    auto site = call.app.sites.entities().find(c, tenant, domain::str(doc, "siteId"));
    doc["site"] = site ? json::value(site->doc) : json::value();
  }
  if (wants(q, "parentAsset")) {
    const std::string p = domain::str(doc, "parentAssetId");
    auto parent = p.empty() ? std::nullopt : call.app.assets.entities().find(c, tenant, p);
    doc["parentAsset"] = parent ? json::value(parent->doc) : json::value();
  }
  if (wants(q, "childAssets")) {
    json::array kids;
    for (auto& k : call.app.assets.children(call.ctx, domain::str(doc, "assetId"))) kids.push_back(std::move(k));
    doc["childAssets"] = std::move(kids);
  }
  project(doc, q.fields, "assetId");
  return toJson(doc);
}

std::string renderPlain(std::string_view docText, const domain::ListQuery& q, std::string_view idField) {
  if (q.fields.empty()) return std::string(docText);
  json::object doc = json::parse(docText).as_object();
  project(doc, q.fields, idField);
  return toJson(doc);
}

}  // namespace dcmms::api
