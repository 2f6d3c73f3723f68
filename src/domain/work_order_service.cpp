#include "domain/work_order_service.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "core/ids.h"
#include "core/json_util.h"
#include "core/time_format.h"
#include "domain/access.h"
#include "domain/descriptors.h"
#include "domain/state_machines.h"
#include "domain/validate.h"

namespace dcmms::domain {

namespace {

const std::vector<std::string_view> kTypes = {"preventive", "predictive", "corrective", "inspection",
                                              "emergency",  "upgrade",    "decommission"};
const std::vector<std::string_view> kPriorities = {"low", "medium", "high", "urgent"};
const std::vector<std::string_view> kOrigins = {"manual", "alarm", "predictive-model", "pm-schedule", "threshold", "weather"};
const std::vector<std::string_view> kLaborTypes = {"regular", "overtime", "emergency", "travel"};

constexpr int64_t kMinute = 60'000;
constexpr int64_t kHour = 60 * kMinute;

const std::vector<FieldSpec>& woSpecs() {
  static const std::vector<FieldSpec> specs = {
      {"siteId", Kind::String, true, 1, 64},
      {"assetId", Kind::String, false, 1, 64},
      {"type", Kind::Enum, true, 0, 0, kTypes},
      {"title", Kind::String, true, 1, 200},
      {"description", Kind::String, false, 0, 5000},
      {"priority", Kind::Enum, true, 0, 0, kPriorities},
      {"assignedTo", Kind::String, false, 1, 64},
      {"scheduledStart", Kind::Time},
      {"scheduledEnd", Kind::Time},
      {"estimatedDurationMinutes", Kind::Number, false, 0, 0, {}, 0},
      {"estimatedCost", Kind::Number, false, 0, 0, {}, 0},
      {"skills", Kind::StringArray},
      {"requiredPpe", Kind::StringArray},
      {"tags", Kind::StringArray},
      {"relatedWorkOrders", Kind::StringArray},
      {"requiredMeasurements", Kind::StringArray},
      {"customFields", Kind::Object},
      {"safetyNotes", Kind::String, false, 0, 2000},
      {"rootCause", Kind::String, false, 0, 2000},
      {"preventiveActions", Kind::String, false, 0, 2000},
      {"completionNotes", Kind::String, false, 0, 2000},
      {"signature", Kind::String, false, 0, 200'000},
      {"tasks", Kind::Array},
      {"partsRequired", Kind::Array},
      {"sla", Kind::Object},
      {"automationMetadata", Kind::Object},
      {"geotagData", Kind::Object},
      {"downtimeMinutes", Kind::Number, false, 0, 0, {}, 0},
      {"productionLossMwh", Kind::Number, false, 0, 0, {}, 0},
  };
  return specs;
}

const std::vector<FieldSpec>& taskSpecs() {
  static const std::vector<FieldSpec> specs = {
      {"taskId", Kind::String},           {"title", Kind::String, true, 1, 200},
      {"sequence", Kind::Integer, true, 0, 0, {}, 1}, {"description", Kind::String, false, 0, 2000},
      {"critical", Kind::Bool},           {"requiresPermit", Kind::Bool},
      {"permitType", Kind::String, false, 1, 64}, {"status", Kind::Enum, false, 0, 0, {"pending", "in-progress", "completed", "skipped"}},
  };
  return specs;
}

std::string shortId(const char* prefix) { return std::string(prefix) + newUuid().substr(0, 8); }

int64_t timeField(const json::object& o, std::string_view key) {
  auto s = str(o, key);
  if (s.empty()) return 0;
  return parseIso8601(s).value_or(0);
}

[[noreturn]] void guardFailed(std::vector<FieldError> gaps, std::string message = "Transition guard failed") {
  fail(Error{422, "VALIDATION_ERROR", std::move(message), std::move(gaps)});
}

json::object validateTask(const json::value& v, size_t index) {
  Validator val("tasks[" + std::to_string(index) + "]");
  if (!v.is_object()) {
    val.add("", "INVALID_FIELD_TYPE", "must be an object");
    val.throwIfErrors();
  }
  val.check(v.get_object(), taskSpecs()).throwIfErrors();
  json::object t = v.get_object();
  if (str(t, "taskId").empty()) t["taskId"] = shortId("TSK-");
  if (!t.contains("status")) t["status"] = "pending";
  return t;
}

void validateNested(const json::object& body) {
  Validator val;
  if (auto* sla = body.if_contains("sla"); sla && sla->is_object())
    val.check(sla->get_object(), {{"responseTimeHours", Kind::Number, false, 0, 0, {}, 0},
                                  {"resolutionTimeHours", Kind::Number, false, 0, 0, {}, 0}});
  if (auto* am = body.if_contains("automationMetadata"); am && am->is_object())
    Validator("automationMetadata")
        .check(am->get_object(), {{"origin", Kind::Enum, false, 0, 0, kOrigins},
                                  {"alarmId", Kind::String},
                                  {"modelId", Kind::String},
                                  {"ruleId", Kind::String},
                                  {"confidence", Kind::Number, false, 0, 0, {}, 0, 1}})
        .throwIfErrors();
  if (auto* g = body.if_contains("geotagData"); g && g->is_object())
    Validator("geotagData")
        .check(g->get_object(), {{"lat", Kind::Number, true, 0, 0, {}, -90, 90},
                                 {"lon", Kind::Number, true, 0, 0, {}, -180, 180},
                                 {"accuracy", Kind::Number, false, 0, 0, {}, 0}})
        .throwIfErrors();
  if (auto* parts = body.if_contains("partsRequired"); parts && parts->is_array()) {
    size_t i = 0;
    for (const auto& p : parts->get_array()) {
      Validator pv("partsRequired[" + std::to_string(i++) + "]");
      if (!p.is_object()) pv.add("", "INVALID_FIELD_TYPE", "must be an object");
      else
        pv.check(p.get_object(), {{"partId", Kind::String, true, 1, 64},
                                  {"quantity", Kind::Number, true, 0, 0, {}, 0},
                                  {"unit", Kind::String},
                                  {"reserved", Kind::Bool},
                                  {"reservationId", Kind::String},
                                  {"unused", Kind::Bool}});
      pv.throwIfErrors();
    }
  }
  val.throwIfErrors();
}

// Default SLA hours by priority (response, resolution).
std::pair<double, double> defaultSla(std::string_view priority) {
  if (priority == "urgent") return {4, 24};
  if (priority == "high") return {8, 48};
  if (priority == "medium") return {24, 72};
  return {72, 168};
}

void computeSla(json::object& doc, int64_t createdAt) {
  json::object& sla = obj(doc, "sla");
  auto [resp, resol] = defaultSla(str(doc, "priority"));
  if (!sla.contains("responseTimeHours")) sla["responseTimeHours"] = resp;
  if (!sla.contains("resolutionTimeHours")) sla["resolutionTimeHours"] = resol;
  const double r = sla["responseTimeHours"].to_number<double>();
  const double s = sla["resolutionTimeHours"].to_number<double>();
  sla["responseDeadline"] = formatIso8601(createdAt + static_cast<int64_t>(std::llround(r * kHour)));
  sla["resolutionDeadline"] = formatIso8601(createdAt + static_cast<int64_t>(std::llround(s * kHour)));
  if (!sla.contains("responseBreached")) sla["responseBreached"] = false;
  if (!sla.contains("resolutionBreached")) sla["resolutionBreached"] = false;
}

// Closes every open labour record at `now`; returns how many were closed.
int closeOpenLabor(json::object& doc, int64_t now) {
  int closed = 0;
  for (auto& v : arr(doc, "laborRecords")) {
    auto& rec = v.as_object();
    if (!str(rec, "endTime").empty()) continue;
    const int64_t start = timeField(rec, "startTime");
    rec["endTime"] = formatIso8601(now);
    rec["durationMinutes"] = std::max<int64_t>(0, (now - start) / kMinute);
    ++closed;
  }
  return closed;
}

void openLabor(json::object& doc, const std::string& userId, int64_t now) {
  json::object rec;
  rec["laborId"] = shortId("LAB-");
  rec["userId"] = userId;
  rec["startTime"] = formatIso8601(now);
  rec["laborType"] = str(doc, "priority") == "urgent" || str(doc, "type") == "emergency" ? "emergency" : "regular";
  rec["automatic"] = true;
  arr(doc, "laborRecords").push_back(std::move(rec));
}

int64_t laborMinutes(const json::object& doc, int64_t now) {
  int64_t total = 0;
  if (auto* v = doc.if_contains("laborRecords"); v && v->is_array()) {
    for (const auto& r : v->get_array()) {
      const auto& rec = r.as_object();
      if (str(rec, "endTime").empty()) total += std::max<int64_t>(0, (now - timeField(rec, "startTime")) / kMinute);
      else if (auto* d = rec.if_contains("durationMinutes"); d && d->is_number()) total += d->to_number<int64_t>();
    }
  }
  return total;
}

void addExecutor(json::object& doc, const std::string& userId) {
  auto& ex = arr(doc, "executedBy");
  for (const auto& e : ex)
    if (e.is_string() && e.get_string() == userId) return;
  ex.push_back(json::value(userId));
}

double totalCost(const json::object& doc) {
  double total = 0;
  if (auto* v = doc.if_contains("laborRecords"); v && v->is_array())
    for (const auto& r : v->get_array()) {
      const auto& rec = r.as_object();
      auto* rate = rec.if_contains("laborRate");
      auto* mins = rec.if_contains("durationMinutes");
      if (rate && rate->is_number() && mins && mins->is_number())
        total += rate->to_number<double>() * mins->to_number<double>() / 60.0;
    }
  if (auto* v = doc.if_contains("partsUsed"); v && v->is_array())
    for (const auto& p : v->get_array()) {
      const auto& part = p.as_object();
      if (auto* c = part.if_contains("cost"); c && c->is_number()) total += c->to_number<double>();
    }
  if (auto* v = doc.if_contains("costRecords"); v && v->is_array())
    for (const auto& c : v->get_array())
      if (auto* a = c.as_object().if_contains("amount"); a && a->is_number()) total += a->to_number<double>();
  return std::round(total * 100) / 100;
}

std::vector<std::string> missingSkills(const std::vector<std::string>& required, const std::vector<std::string>& have) {
  std::vector<std::string> missing;
  for (const auto& s : required)
    if (std::find(have.begin(), have.end(), s) == have.end()) missing.push_back(s);
  return missing;
}

}  // namespace

WorkOrderService::WorkOrderService(store::Database& db, const AuditLog& audit, const EventBus& bus,
                                   const EntityStore& sites, const EntityStore& assets, const EntityStore& users)
    : db_(db), audit_(audit), bus_(bus), sites_(sites), assets_(assets), users_(users),
      wos_(workOrderDescriptor(), audit) {}

std::string WorkOrderService::nextId(store::SqlConnection& c, const RequestContext& ctx) {
  const std::string day = utcDayStamp(ctx.now);
  // Per-tenant UTC-day counter; the number widens past 9999 rather than wrapping.
  auto n = c.queryInt(
      "INSERT INTO wo_counters (tenant_id, day, next_value) VALUES (?, ?, 1) "
      "ON CONFLICT (tenant_id, day) DO UPDATE SET next_value = wo_counters.next_value + 1 RETURNING next_value",
      {ctx.tenantId(), day});
  char buf[48];
  std::snprintf(buf, sizeof buf, "WO-%s-%04lld", day.c_str(), static_cast<long long>(n.value_or(1)));
  return buf;
}

void WorkOrderService::checkRead(const RequestContext& ctx, const json::object& wo) const {
  checkRead(ctx, str(wo, "siteId"), str(wo, "assignedTo"), str(wo, "createdBy"));
}

void WorkOrderService::checkRead(const RequestContext& ctx, const std::string& site, const std::string& assignedTo,
                                 const std::string& createdBy) const {
  if (!coversSite(ctx, site))
    fail(Error::forbidden("You have no access to site '" + site + "'", "AUTHZ_SITE_ACCESS_DENIED"));
  if (assignedOnly(ctx) && assignedTo != ctx.userId())
    fail(Error::forbidden("This work order is not assigned to you", "AUTHZ_RESOURCE_FORBIDDEN"));
  requirePermission(ctx, "read:work-orders", {site, assignedTo, createdBy});
}

StoredDoc WorkOrderService::getStored(const RequestContext& ctx, const std::string& id) {
  struct Row {
    StoredDoc doc;
    std::string site, assignee, creator;
  };
  auto row = db_.connection().queryOne(
      "SELECT doc, version, site_id, assigned_to, created_by FROM work_orders WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
      {ctx.tenantId(), id}, [&](const store::Row& r) {
        return Row{{id, r.getString(0), r.getInt(1), false}, r.getString(2), r.getString(3), r.getString(4)};
      });
  if (!row) fail(Error{404, "RESOURCE_NOT_FOUND", "work-order '" + id + "' not found", {}});
  checkRead(ctx, row->site, row->assignee, row->creator);
  return std::move(row->doc);
}

json::object WorkOrderService::loadAssignee(store::SqlConnection& c, const RequestContext& ctx, const std::string& userId,
                                            const json::object& wo) {
  auto user = users_.find(c, ctx.tenantId(), userId);
  if (!user || str(user->doc, "status") != "active")
    guardFailed({{"assignedTo", "no active user '" + userId + "' in this tenant", "RELATED_RESOURCE_NOT_FOUND"}},
                "Assignee not found");
  const auto sites = strings(user->doc, "siteIds");
  const std::string site = str(wo, "siteId");
  const bool allSites = str(user->doc, "role") == "system-administrator" || str(user->doc, "role") == "reliability-engineer";
  if (!allSites && std::find(sites.begin(), sites.end(), site) == sites.end())
    guardFailed({{"assignedTo", "user '" + userId + "' does not work at site '" + site + "'", "INVALID_FIELD_VALUE"}},
                "Assignee not on this site");
  auto missing = missingSkills(strings(wo, "skills"), strings(user->doc, "skills"));
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    fail(Error{422, "SKILL_MISMATCH", "Assignee lacks required skills: " + list,
               {{"assignedTo", "missing skills: " + list, "SKILL_MISMATCH"}}});
  }
  return user->doc;
}

json::object WorkOrderService::create(const RequestContext& ctx, const json::object& body) {
  Validator v;
  v.check(body, woSpecs());
  v.throwIfErrors();
  validateNested(body);
  const std::string siteId = str(body, "siteId");
  {
    const json::value* am = body.if_contains("automationMetadata");
    const std::string origin = am && am->is_object() ? str(am->get_object(), "origin") : "manual";
    requirePermission(ctx, "create:work-orders", {siteId, "", ctx.userId(), "draft", str(body, "type"), origin});
  }
  json::object doc;
  for (const auto& kv : body) doc[kv.key()] = kv.value();
  if (auto* t = body.if_contains("tasks"); t && t->is_array()) {
    json::array tasks;
    size_t i = 0;
    for (const auto& task : t->get_array()) tasks.push_back(validateTask(task, i++));
    doc["tasks"] = std::move(tasks);
  }
  json::object saved;
  auto write = [&](store::SqlConnection& c) {
    store::Transaction tx(c);
    if (!c.queryInt("SELECT 1 FROM sites WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                    {ctx.tenantId(), siteId}))
      fail(Error::business("RELATED_RESOURCE_NOT_FOUND", "Site '" + siteId + "' does not exist",
                           {{"siteId", "unknown site", "RELATED_RESOURCE_NOT_FOUND"}}));
    if (const std::string assetId = str(body, "assetId"); !assetId.empty()) {
      auto asset = assets_.find(c, ctx.tenantId(), assetId);
      if (!asset || str(asset->doc, "siteId") != siteId)
        fail(Error::business("RELATED_RESOURCE_NOT_FOUND",
                             "Asset '" + assetId + "' does not exist at site '" + siteId + "'",
                             {{"assetId", "unknown asset for this site", "RELATED_RESOURCE_NOT_FOUND"}}));
      const std::string status = str(asset->doc, "status");
      const std::string type = str(body, "type");
      const bool gone = status == "decommissioned" || status == "retired" || status == "decommissioning";
      const bool failedNeedsCorrective = status == "failed" && type != "corrective" && type != "emergency" &&
                                         type != "inspection" && type != "decommission";
      if ((gone && type != "decommission") || failedNeedsCorrective)
        fail(Error::business("ASSET_NOT_OPERATIONAL", "Asset '" + assetId + "' is " + status,
                             {{"assetId", "asset is " + status, "ASSET_NOT_OPERATIONAL"}}));
    }
    if (const std::string assignee = str(body, "assignedTo"); !assignee.empty()) loadAssignee(c, ctx, assignee, doc);
    const std::string id = nextId(c, ctx);
    doc["status"] = "draft";
    computeSla(doc, ctx.now);
    json::object& am = obj(doc, "automationMetadata");
    if (!am.contains("origin")) am["origin"] = "manual";
    for (const char* k : {"laborRecords", "partsUsed", "measurements", "permits", "costRecords", "skills", "tags"})
      if (!doc.contains(k)) doc[k] = json::array();
    if (!doc.contains("tasks")) doc["tasks"] = json::array();
    doc["syncState"] = json::object{{"synced", true}, {"version", 1}, {"conflictDetected", false}};
    saved = wos_.insert(c, ctx, id, std::move(doc));
    tx.commit();
  };
  // Group commit only for top-level calls: work inside the caller's transaction (demo seeding,
  // imports) must see and join it.
  if (committer_ && !db_.connection().inTransaction())
    committer_->run(write);
  else
    write(db_.connection());
  bus_.publish(makeEvent(ctx, "WorkOrderUpdated", siteId, saved));
  return saved;
}

Loaded WorkOrderService::get(const RequestContext& ctx, const std::string& id) {
  auto& c = db_.connection();
  Loaded l = wos_.load(c, ctx.tenantId(), id);
  checkRead(ctx, l.doc);
  return l;
}

PageResult WorkOrderService::list(const RequestContext& ctx, const ListQuery& q) {
  requirePermission(ctx, "read:work-orders");
  return wos_.table().list(db_.connection(), ctx.tenantId(), q, listScope(ctx, true));
}

json::object WorkOrderService::mutate(
    const RequestContext& ctx, const std::string& id, std::optional<int64_t> ifMatch,
    const std::function<AuditEntry(store::SqlConnection&, json::object&, PendingEvents&)>& fn) {
  auto& c = db_.connection();
  PendingEvents events(bus_);
  json::object saved;
  {
    store::Transaction tx(c);
    Loaded l = wos_.load(c, ctx.tenantId(), id);
    checkRead(ctx, l.doc);
    if (ifMatch) requireVersion(ifMatch, l.version);
    json::object doc = l.doc;
    AuditEntry audit = fn(c, doc, events);
    obj(doc, "syncState")["version"] = l.version + 1;
    saved = wos_.save(c, ctx, id, l, std::move(doc), std::move(audit));
    tx.commit();
  }
  events.add(makeEvent(ctx, "WorkOrderUpdated", str(saved, "siteId"), saved));
  events.publish();
  return saved;
}

json::object WorkOrderService::patch(const RequestContext& ctx, const std::string& id, const json::object& body,
                                     std::optional<int64_t> ifMatch) {
  if (!ifMatch) requireVersion(ifMatch, 0);
  if (body.contains("status"))
    fail(Error::business("INVALID_FIELD_VALUE", "status changes go through POST /work-orders/{id}/transitions",
                         {{"status", "use the transitions endpoint", "FIELD_NOT_MUTABLE"}}));
  std::vector<FieldSpec> specs = woSpecs();
  specs.push_back({"laborRecords", Kind::Array});
  specs.push_back({"measurements", Kind::Array});
  specs.push_back({"partsUsed", Kind::Array});
  Validator v;
  v.check(body, specs, /*partial=*/true).throwIfErrors();
  validateNested(body);
  return mutate(ctx, id, ifMatch, [&](store::SqlConnection& c, json::object& doc, PendingEvents&) {
    const std::string status = str(doc, "status");
    const bool fieldOnly = assignedOnly(ctx);  // technicians/contractors: notes only (01 §6.1 note ³)
    if (fieldOnly) {
      for (const auto& kv : body) {
        const std::string_view k = kv.key();
        if (k != "completionNotes" && k != "rootCause" && k != "preventiveActions")
          fail(Error::forbidden("Your role may change only completion notes, root cause and preventive actions (not '" +
                                std::string(k) + "')"));
      }
      requirePermission(ctx, "execute:work-orders", {str(doc, "siteId"), str(doc, "assignedTo")});
    } else {
      requirePermission(ctx, "update:work-orders", {str(doc, "siteId"), str(doc, "assignedTo")});
    }
    std::vector<FieldError> immutable;
    for (const auto& kv : body)
      if (!workOrderFieldMutable(kv.key(), status))
        immutable.push_back({std::string(kv.key()), "cannot be changed while the work order is " + status, "FIELD_NOT_MUTABLE"});
    if (!immutable.empty()) fail(Error::business("VALIDATION_ERROR", "Field not editable in state '" + status + "'", immutable));
    for (const auto& kv : body) {
      if (kv.value().is_null()) doc.erase(kv.key());
      else doc[kv.key()] = kv.value();
    }
    if (auto* t = body.if_contains("tasks"); t && t->is_array()) {
      json::array tasks;
      size_t i = 0;
      for (const auto& task : t->get_array()) tasks.push_back(validateTask(task, i++));
      doc["tasks"] = std::move(tasks);
    }
    if (body.contains("assetId") && !str(doc, "assetId").empty()) {
      auto asset = assets_.find(c, ctx.tenantId(), str(doc, "assetId"));
      if (!asset || str(asset->doc, "siteId") != str(doc, "siteId"))
        fail(Error::business("RELATED_RESOURCE_NOT_FOUND", "Unknown asset for this site",
                             {{"assetId", "unknown asset for this site", "RELATED_RESOURCE_NOT_FOUND"}}));
    }
    if ((body.contains("assignedTo") || body.contains("skills")) && !str(doc, "assignedTo").empty())
      loadAssignee(c, ctx, str(doc, "assignedTo"), doc);
    if (body.contains("priority") || body.contains("sla")) computeSla(doc, timeField(doc, "createdAt"));
    return AuditEntry{"", "", "update"};
  });
}

void WorkOrderService::remove(const RequestContext& ctx, const std::string& id) {
  auto& c = db_.connection();
  store::Transaction tx(c);
  Loaded l = wos_.load(c, ctx.tenantId(), id);
  checkRead(ctx, l.doc);
  requirePermission(ctx, "delete:work-orders", {str(l.doc, "siteId"), "", "", str(l.doc, "status")});
  if (str(l.doc, "status") != "draft")
    fail(Error::business("INVALID_STATE_TRANSITION", "Only draft work orders can be deleted; cancel it instead",
                         {{"status", "is " + str(l.doc, "status"), "INVALID_STATE_TRANSITION"}}));
  wos_.remove(c, ctx, id, l);
  tx.commit();
}

void WorkOrderService::setAssetStatus(store::SqlConnection& c, const RequestContext& ctx, const std::string& assetId,
                                      const std::string& to, const std::string& reason, PendingEvents& events) {
  if (assetId.empty()) return;
  auto asset = assets_.find(c, ctx.tenantId(), assetId);
  if (!asset) return;
  const std::string from = str(asset->doc, "status");
  if (from == to || !assetMachine().find(from, to)) return;  // not a legal automatic move: leave it
  json::object doc = asset->doc;
  doc["status"] = to;
  doc["statusChangedAt"] = formatIso8601(ctx.now);
  json::object saved = assets_.save(c, ctx, assetId, *asset, std::move(doc), {"", "", "transition", from, to, reason});
  events.add(makeEvent(ctx, "AssetStatusChanged", str(saved, "siteId"),
                       json::object{{"assetId", assetId}, {"previousState", from}, {"newState", to}, {"reason", reason}}));
}

bool WorkOrderService::assetHasOtherActiveWork(store::SqlConnection& c, const std::string& tenant,
                                               const std::string& assetId, const std::string& exceptWo) {
  return c.queryInt("SELECT COUNT(*) FROM work_orders WHERE tenant_id = ? AND asset_id = ? AND id <> ? AND "
                    "deleted_at IS NULL AND status IN ('in-progress', 'on-hold')",
                    {tenant, assetId, exceptWo})
             .value_or(0) > 0;
}

json::object WorkOrderService::transition(const RequestContext& ctx, const std::string& id, const json::object& body) {
  Validator v;
  v.check(body, {{"toStatus", Kind::Enum, true, 0, 0, workOrderMachine().states},
                 {"reason", Kind::String, false, 0, 2000},
                 {"comment", Kind::String, false, 0, 2000},
                 {"timestamp", Kind::Time},
                 {"scheduledStart", Kind::Time},
                 {"scheduledEnd", Kind::Time},
                 {"assignedTo", Kind::String, false, 1, 64},
                 {"completionNotes", Kind::String, false, 0, 2000},
                 {"rootCause", Kind::String, false, 0, 2000},
                 {"preventiveActions", Kind::String, false, 0, 2000},
                 {"signature", Kind::String, false, 0, 200'000}})
      .throwIfErrors();
  auto ifMatch = std::optional<int64_t>{};
  return mutate(ctx, id, ifMatch, [&](store::SqlConnection& c, json::object& doc, PendingEvents& events) {
    const std::string from = str(doc, "status");
    const std::string to = str(body, "toStatus");
    const StateMachine& m = workOrderMachine();
    const Edge* edge = m.find(from, to);
    if (!edge) {
      std::string allowed;
      for (auto s : m.allowedFrom(from)) allowed += (allowed.empty() ? "" : ", ") + std::string(s);
      fail(Error{422, "INVALID_STATE_TRANSITION",
                 "Cannot move a work order from '" + from + "' to '" + to + "'",
                 {{"toStatus", allowed.empty() ? "no transitions allowed from " + from : "allowed: " + allowed,
                   "INVALID_STATE_TRANSITION"}}});
    }
    const std::string site = str(doc, "siteId");
    std::optional<double> amount;
    if (auto* est = doc.if_contains("estimatedCost"); est && est->is_number()) amount = est->to_number<double>();
    const json::value* amv = doc.if_contains("automationMetadata");
    const std::string origin = amv && amv->is_object() ? str(amv->get_object(), "origin") : "";
    requirePermission(ctx, edge->permission,
                      {site, str(doc, "assignedTo"), str(doc, "createdBy"), from, str(doc, "type"), origin, amount});
    const std::string reason = str(body, "reason");
    if (edge->reasonRequired && reason.empty())
      guardFailed({{"reason", "a reason is required to " + std::string(edge->name), "MISSING_REQUIRED_FIELD"}},
                  "A reason is required for this transition");
    // Inputs the transition carries.
    for (const char* k : {"scheduledStart", "scheduledEnd", "assignedTo", "completionNotes", "rootCause",
                          "preventiveActions", "signature"})
      if (auto* val = body.if_contains(k); val && !val->is_null()) doc[k] = *val;

    const int64_t now = ctx.now;
    for (Guard g : edge->guards) {
      switch (g) {
        case Guard::SubmitReady: {
          std::vector<FieldError> gaps;
          if (str(doc, "title").empty()) gaps.push_back({"title", "is required", "MISSING_REQUIRED_FIELD"});
          if (str(doc, "description").empty() && str(doc, "type") != "preventive")
            gaps.push_back({"description", "is required before submitting", "MISSING_REQUIRED_FIELD"});
          if (str(doc, "priority").empty()) gaps.push_back({"priority", "is required", "MISSING_REQUIRED_FIELD"});
          if (const std::string a = str(doc, "assetId"); !a.empty() && !assets_.find(c, ctx.tenantId(), a))
            gaps.push_back({"assetId", "asset no longer exists", "RELATED_RESOURCE_NOT_FOUND"});
          if (!gaps.empty()) guardFailed(gaps, "Work order is not ready to submit");
          if (!str(doc, "assignedTo").empty()) loadAssignee(c, ctx, str(doc, "assignedTo"), doc);
          break;
        }
        case Guard::ApprovalCeiling: {
          auto ceiling = approvalCeiling(ctx);
          auto* cost = doc.if_contains("estimatedCost");
          if (ceiling && cost && cost->is_number() && cost->to_number<double>() > *ceiling)
            fail(Error::forbidden("Estimated cost exceeds your approval ceiling of " + std::to_string(static_cast<long long>(*ceiling))));
          break;
        }
        case Guard::ScheduleValid: {
          const int64_t start = timeField(doc, "scheduledStart");
          if (!start) guardFailed({{"scheduledStart", "is required to schedule", "MISSING_REQUIRED_FIELD"}});
          if (start <= now) guardFailed({{"scheduledStart", "must be in the future", "INVALID_FIELD_VALUE"}});
          int64_t end = timeField(doc, "scheduledEnd");
          if (!end) {
            auto* est = doc.if_contains("estimatedDurationMinutes");
            end = start + (est && est->is_number() ? est->to_number<int64_t>() * kMinute : 2 * kHour);
            doc["scheduledEnd"] = formatIso8601(end);
          }
          if (end <= start) guardFailed({{"scheduledEnd", "must be after scheduledStart", "INVALID_FIELD_VALUE"}});
          if (const std::string who = str(doc, "assignedTo"); !who.empty()) {
            auto clash = c.queryString(
                "SELECT id FROM work_orders WHERE tenant_id = ? AND assigned_to = ? AND id <> ? AND deleted_at IS NULL "
                "AND status IN ('scheduled', 'assigned', 'in-progress') AND scheduled_start < ? AND scheduled_end > ? LIMIT 1",
                {ctx.tenantId(), who, id, end, start});
            if (clash)
              fail(Error::business("SCHEDULE_CONFLICT", "Assignee is already booked on " + *clash,
                                   {{"scheduledStart", "overlaps " + *clash, "SCHEDULE_CONFLICT"}}));
          }
          break;
        }
        case Guard::AssigneeValid: {
          const std::string who = str(doc, "assignedTo");
          if (who.empty()) guardFailed({{"assignedTo", "is required to assign", "MISSING_REQUIRED_FIELD"}});
          loadAssignee(c, ctx, who, doc);
          break;
        }
        case Guard::StartWindow: {
          const int64_t start = timeField(doc, "scheduledStart");
          if (start && std::llabs(now - start) > 2 * kHour)
            guardFailed({{"scheduledStart", "work can start only within ±2 h of the scheduled start (" +
                                                formatIso8601(start) + ")",
                          "OUTSIDE_START_WINDOW"}},
                        "Outside the start window");
          break;
        }
        case Guard::PermitsIssued: {
          std::vector<FieldError> gaps;
          if (auto* p = doc.if_contains("permits"); p && p->is_array())
            for (const auto& pv : p->get_array()) {
              const auto& permit = pv.as_object();
              const std::string st = str(permit, "status");
              const int64_t exp = timeField(permit, "expiresAt");
              if (st != "issued" || (exp && exp <= now))
                gaps.push_back({"permits", "permit " + str(permit, "permitId") + " (" + str(permit, "permitType") +
                                               ") is " + (st == "issued" ? "expired" : st),
                                "PERMIT_NOT_ISSUED"});
            }
          if (!gaps.empty()) guardFailed(gaps, "Required permits are not issued");
          break;
        }
        case Guard::ExecutorIsAssignee:
          if (str(doc, "assignedTo") != ctx.userId() && !canExecuteForOthers(ctx))
            fail(Error::forbidden("Only the assignee can execute this work order", "AUTHZ_RESOURCE_FORBIDDEN"));
          break;
        case Guard::CompletionReady: {
          std::vector<FieldError> gaps;
          if (auto* t = doc.if_contains("tasks"); t && t->is_array())
            for (const auto& tv : t->get_array()) {
              const std::string st = str(tv.as_object(), "status");
              if (st != "completed" && st != "skipped")
                gaps.push_back({"tasks", "task '" + str(tv.as_object(), "title") + "' is " + st, "TASK_NOT_DONE"});
            }
          if (laborMinutes(doc, now) <= 0)
            gaps.push_back({"laborRecords", "no labour time recorded", "LABOR_NOT_RECORDED"});
          if (str(doc, "completionNotes").empty())
            gaps.push_back({"completionNotes", "completion notes are required", "MISSING_REQUIRED_FIELD"});
          if (auto* p = doc.if_contains("partsRequired"); p && p->is_array())
            for (const auto& pv : p->get_array()) {
              const auto& part = pv.as_object();
              auto* reserved = part.if_contains("reserved");
              auto* unused = part.if_contains("unused");
              if (!reserved || !reserved->is_bool() || !reserved->get_bool()) continue;
              if (unused && unused->is_bool() && unused->get_bool()) continue;
              bool used = false;
              if (auto* u = doc.if_contains("partsUsed"); u && u->is_array())
                for (const auto& uv : u->get_array()) used = used || str(uv.as_object(), "partId") == str(part, "partId");
              if (!used)
                gaps.push_back({"partsRequired", "reserved part " + str(part, "partId") + " neither used nor marked unused",
                                "PART_NOT_ACCOUNTED"});
            }
          for (const auto& need : strings(doc, "requiredMeasurements")) {
            bool taken = false;
            if (auto* ms = doc.if_contains("measurements"); ms && ms->is_array())
              for (const auto& mv : ms->get_array()) taken = taken || str(mv.as_object(), "type") == need;
            if (!taken) gaps.push_back({"measurements", "required measurement '" + need + "' not taken", "MEASUREMENT_MISSING"});
          }
          if (!gaps.empty()) guardFailed(gaps, "Work order cannot be completed yet");
          break;
        }
        case Guard::VerifierNotExecutor: {
          for (const auto& e : strings(doc, "executedBy"))
            if (e == ctx.userId())
              guardFailed({{"verifiedBy", "the verifier must not be a technician who executed the work", "VERIFIER_IS_EXECUTOR"}},
                          "Verifier must differ from the executing technician");
          break;
        }
        case Guard::EmergencyOverrideFromInProgress:
          requirePermission(ctx, "emergency:override", {site});
          break;
      }
    }

    const std::string at = formatIso8601(now);
    const std::string& who = ctx.userId();
    const std::string assetId = str(doc, "assetId");
    for (Effect e : edge->effects) {
      switch (e) {
        case Effect::StampSubmitted: doc["submittedAt"] = at; doc["submittedBy"] = who; break;
        case Effect::StampApproved: doc["approvedAt"] = at; doc["approvedBy"] = who; break;
        case Effect::StampRejected:
          doc["rejectedAt"] = at;
          doc["rejectedBy"] = who;
          doc["rejectionReason"] = reason;
          break;
        case Effect::StampScheduled: doc["scheduledAt"] = at; doc["scheduledBy"] = who; break;
        case Effect::StampAssigned:
          doc["assignedAt"] = at;
          doc["assignedBy"] = who;
          events.add(makeEvent(ctx, "WorkOrderAssigned", site,
                               json::object{{"workOrderId", id}, {"assignedTo", str(doc, "assignedTo")}}));
          break;
        case Effect::StartWork: {
          if (str(doc, "actualStart").empty()) doc["actualStart"] = at;
          addExecutor(doc, who);
          openLabor(doc, str(doc, "assignedTo").empty() ? who : str(doc, "assignedTo"), now);
          json::object& sla = obj(doc, "sla");
          if (!sla.contains("responseMetAt")) {
            sla["responseMetAt"] = at;
            if (int64_t dl = timeField(sla, "responseDeadline"); dl && now > dl) sla["responseBreached"] = true;
          }
          setAssetStatus(c, ctx, assetId, "under-maintenance", "work order " + id + " started", events);
          break;
        }
        case Effect::HoldWork:
          doc["onHoldAt"] = at;
          doc["onHoldBy"] = who;
          doc["onHoldReason"] = reason;
          closeOpenLabor(doc, now);
          break;
        case Effect::ResumeWork:
          doc["resumedAt"] = at;
          addExecutor(doc, who);
          openLabor(doc, str(doc, "assignedTo").empty() ? who : str(doc, "assignedTo"), now);
          break;
        case Effect::CompleteWork: {
          closeOpenLabor(doc, now);
          addExecutor(doc, who);
          doc["actualEnd"] = at;
          doc["completedAt"] = at;
          doc["completedBy"] = who;
          if (int64_t s = timeField(doc, "actualStart")) doc["actualDurationMinutes"] = (now - s) / kMinute;
          json::object& sla = obj(doc, "sla");
          sla["resolutionMetAt"] = at;
          if (int64_t dl = timeField(sla, "resolutionDeadline"); dl && now > dl) sla["resolutionBreached"] = true;
          // The asset returns to service when the technician completes, not at verification
          // (see docs/decisions.md: 01 §2.1 vs §2.2).
          if (!assetHasOtherActiveWork(c, ctx.tenantId(), assetId, id))
            setAssetStatus(c, ctx, assetId, "operational", "work order " + id + " completed", events);
          break;
        }
        case Effect::StampVerified:
          doc["verifiedAt"] = at;
          doc["verifiedBy"] = who;
          doc["totalCost"] = totalCost(doc);
          break;
        case Effect::Reopen:
          doc["reopenedAt"] = at;
          doc["reopenedBy"] = who;
          doc["reopenReason"] = reason;
          doc.erase("actualEnd");
          openLabor(doc, str(doc, "assignedTo").empty() ? who : str(doc, "assignedTo"), now);
          setAssetStatus(c, ctx, assetId, "under-maintenance", "work order " + id + " reopened", events);
          break;
        case Effect::StampClosed:
          doc["closedAt"] = at;
          doc["closedBy"] = who;
          events.add(makeEvent(ctx, "ReservationsReleaseRequested", site, json::object{{"workOrderId", id}}));
          break;
        case Effect::Cancel:
          doc["cancelledAt"] = at;
          doc["cancelledBy"] = who;
          doc["cancellationReason"] = reason;
          closeOpenLabor(doc, now);
          events.add(makeEvent(ctx, "ReservationsReleaseRequested", site, json::object{{"workOrderId", id}}));
          if ((from == "in-progress" || from == "on-hold") && !assetHasOtherActiveWork(c, ctx.tenantId(), assetId, id))
            setAssetStatus(c, ctx, assetId, "operational", "work order " + id + " cancelled", events);
          break;
        case Effect::Unschedule: doc["rescheduledAt"] = at; break;
        case Effect::Unassign:
          doc.erase("assignedTo");
          doc.erase("assignedAt");
          break;
      }
    }
    doc["status"] = to;
    if (auto* cmt = body.if_contains("comment"); cmt && cmt->is_string()) {
      arr(doc, "comments").push_back(json::object{{"by", who}, {"at", at}, {"text", *cmt}, {"transition", to}});
    }
    events.add(makeEvent(ctx, "WorkOrderStateChanged", site,
                         json::object{{"workOrderId", id},
                                      {"previousState", from},
                                      {"newState", to},
                                      {"changedBy", who},
                                      {"metadata", json::object{{"siteId", site},
                                                                {"assetId", assetId.empty() ? json::value() : json::value(assetId)},
                                                                {"priority", str(doc, "priority")}}}}));
    return AuditEntry{"", "", "transition", from, to, reason};
  });
}

json::object WorkOrderService::addTask(const RequestContext& ctx, const std::string& id, const json::object& body) {
  json::object task = validateTask(body, 0);
  return mutate(ctx, id, std::nullopt, [&](store::SqlConnection&, json::object& doc, PendingEvents&) {
    requirePermission(ctx, "update:work-orders", {str(doc, "siteId"), str(doc, "assignedTo")});
    if (!workOrderFieldMutable("tasks", str(doc, "status")))
      fail(Error::business("VALIDATION_ERROR", "Tasks cannot be added while the work order is " + str(doc, "status"),
                           {{"tasks", "not editable in this state", "FIELD_NOT_MUTABLE"}}));
    arr(doc, "tasks").push_back(task);
    return AuditEntry{"", "", "add-task"};
  });
}

json::object WorkOrderService::updateTask(const RequestContext& ctx, const std::string& id, const std::string& taskId,
                                          const json::object& body) {
  Validator v;
  v.check(body, {{"status", Kind::Enum, true, 0, 0, taskMachine().states}, {"reason", Kind::String, false, 0, 2000},
                 {"notes", Kind::String, false, 0, 2000}})
      .throwIfErrors();
  return mutate(ctx, id, std::nullopt, [&](store::SqlConnection&, json::object& doc, PendingEvents&) {
    requirePermission(ctx, "execute:work-orders", {str(doc, "siteId"), str(doc, "assignedTo")});
    if (str(doc, "status") != "in-progress")
      fail(Error::business("INVALID_STATE_TRANSITION", "Tasks are worked while the work order is in progress",
                           {{"status", "work order is " + str(doc, "status"), "INVALID_STATE_TRANSITION"}}));
    auto& tasks = arr(doc, "tasks");
    json::object* task = nullptr;
    for (auto& t : tasks)
      if (str(t.as_object(), "taskId") == taskId) task = &t.as_object();
    if (!task) fail(Error::notFound("Task '" + taskId + "'"));
    const std::string from = str(*task, "status");
    const std::string to = str(body, "status");
    const Edge* edge = taskMachine().find(from, to);
    if (!edge)
      fail(Error{422, "INVALID_STATE_TRANSITION", "Task cannot move from '" + from + "' to '" + to + "'",
                 {{"status", "invalid task transition", "INVALID_STATE_TRANSITION"}}});
    const std::string reason = str(body, "reason");
    if (edge->reasonRequired && reason.empty())
      guardFailed({{"reason", "a reason is required to skip a task", "MISSING_REQUIRED_FIELD"}});
    auto* critical = task->if_contains("critical");
    if (to == "skipped" && critical && critical->is_bool() && critical->get_bool() && !canExecuteForOthers(ctx))
      fail(Error::forbidden("Skipping a critical task needs supervisor approval"));
    // Tasks are done in sequence order.
    if (to != "skipped") {
      const int64_t seq = task->at("sequence").to_number<int64_t>();
      for (const auto& t : tasks) {
        const auto& o = t.as_object();
        const std::string st = str(o, "status");
        if (o.at("sequence").to_number<int64_t>() < seq && st != "completed" && st != "skipped")
          guardFailed({{"sequence", "task '" + str(o, "title") + "' (sequence " +
                                        std::to_string(o.at("sequence").to_number<int64_t>()) + ") comes first",
                        "TASK_OUT_OF_SEQUENCE"}});
      }
    }
    (*task)["status"] = to;
    if (to == "completed" || to == "skipped") {
      (*task)["completedBy"] = ctx.userId();
      (*task)["completedAt"] = formatIso8601(ctx.now);
    }
    if (!reason.empty()) (*task)["skipReason"] = reason;
    if (auto* n = body.if_contains("notes"); n && n->is_string()) (*task)["notes"] = *n;
    return AuditEntry{"", "", "task-" + to, from, to, reason};
  });
}

json::object WorkOrderService::addLabor(const RequestContext& ctx, const std::string& id, const json::object& body) {
  Validator v;
  v.check(body, {{"userId", Kind::String, false, 1, 64},
                 {"startTime", Kind::Time, true},
                 {"endTime", Kind::Time},
                 {"laborType", Kind::Enum, false, 0, 0, kLaborTypes},
                 {"laborRate", Kind::Number, false, 0, 0, {}, 0},
                 {"notes", Kind::String, false, 0, 2000}})
      .throwIfErrors();
  const int64_t start = parseIso8601(str(body, "startTime")).value_or(0);
  const int64_t end = body.contains("endTime") ? parseIso8601(str(body, "endTime")).value_or(0) : 0;
  if (end && end < start)
    fail(Error::business("VALIDATION_ERROR", "endTime is before startTime", {{"endTime", "must be after startTime", "INVALID_FIELD_VALUE"}}));
  return mutate(ctx, id, std::nullopt, [&](store::SqlConnection&, json::object& doc, PendingEvents&) {
    requirePermission(ctx, "create:labor", {str(doc, "siteId"), str(doc, "assignedTo")});
    const std::string status = str(doc, "status");
    if (status != "in-progress" && status != "on-hold" && status != "completed")
      fail(Error::business("VALIDATION_ERROR", "Labour is recorded while work is in progress or completed",
                           {{"laborRecords", "work order is " + status, "FIELD_NOT_MUTABLE"}}));
    json::object rec = body;
    rec["laborId"] = shortId("LAB-");
    if (!rec.contains("userId")) rec["userId"] = ctx.userId();
    if (!rec.contains("laborType")) rec["laborType"] = "regular";
    if (end) rec["durationMinutes"] = (end - start) / kMinute;
    rec["recordedBy"] = ctx.userId();
    rec["recordedAt"] = formatIso8601(ctx.now);
    arr(doc, "laborRecords").push_back(std::move(rec));
    addExecutor(doc, str(body, "userId").empty() ? ctx.userId() : str(body, "userId"));
    return AuditEntry{"", "", "add-labor"};
  });
}

json::object WorkOrderService::addPartUsed(const RequestContext& ctx, const std::string& id, const json::object& body) {
  Validator v;
  v.check(body, {{"partId", Kind::String, true, 1, 64},
                 {"quantity", Kind::Number, true, 0, 0, {}, 0.000001},
                 {"reservationId", Kind::String},
                 {"unit", Kind::String},
                 {"cost", Kind::Number, false, 0, 0, {}, 0}})
      .throwIfErrors();
  return mutate(ctx, id, std::nullopt, [&](store::SqlConnection&, json::object& doc, PendingEvents& events) {
    requirePermission(ctx, "create:parts-used", {str(doc, "siteId"), str(doc, "assignedTo")});
    const std::string status = str(doc, "status");
    if (status != "in-progress" && status != "on-hold" && status != "completed")
      fail(Error::business("VALIDATION_ERROR", "Parts are consumed while work is in progress",
                           {{"partsUsed", "work order is " + status, "FIELD_NOT_MUTABLE"}}));
    json::object rec = body;
    rec["consumedAt"] = formatIso8601(ctx.now);
    rec["consumedBy"] = ctx.userId();
    arr(doc, "partsUsed").push_back(rec);
    events.add(makeEvent(ctx, "PartConsumed", str(doc, "siteId"),
                         json::object{{"workOrderId", id}, {"partId", str(body, "partId")}, {"quantity", body.at("quantity")}}));
    return AuditEntry{"", "", "add-part-used"};
  });
}

json::object WorkOrderService::addMeasurement(const RequestContext& ctx, const std::string& id, const json::object& body) {
  Validator v;
  v.check(body, {{"type", Kind::String, true, 1, 100},
                 {"value", Kind::Number, true},
                 {"unit", Kind::String, true, 1, 32},
                 {"withinSpec", Kind::Bool},
                 {"notes", Kind::String, false, 0, 2000}})
      .throwIfErrors();
  return mutate(ctx, id, std::nullopt, [&](store::SqlConnection&, json::object& doc, PendingEvents&) {
    requirePermission(ctx, "execute:work-orders", {str(doc, "siteId"), str(doc, "assignedTo")});
    const std::string status = str(doc, "status");
    if (status != "in-progress" && status != "on-hold" && status != "completed")
      fail(Error::business("VALIDATION_ERROR", "Measurements are taken while work is in progress",
                           {{"measurements", "work order is " + status, "FIELD_NOT_MUTABLE"}}));
    json::object rec = body;
    rec["id"] = shortId("MEA-");
    rec["takenAt"] = formatIso8601(ctx.now);
    rec["takenBy"] = ctx.userId();
    arr(doc, "measurements").push_back(std::move(rec));
    return AuditEntry{"", "", "add-measurement"};
  });
}

json::object WorkOrderService::addPermit(const RequestContext& ctx, const std::string& id, const json::object& body) {
  Validator v;
  v.check(body, {{"permitType", Kind::String, true, 1, 64}, {"notes", Kind::String, false, 0, 2000},
                 {"expiresAt", Kind::Time}})
      .throwIfErrors();
  std::string permitId = shortId("PRM-");
  return mutate(ctx, id, std::nullopt, [&](store::SqlConnection& c, json::object& doc, PendingEvents&) {
    requirePermission(ctx, "create:permits", {str(doc, "siteId"), str(doc, "assignedTo")});
    if (workOrderMachine().isTerminal(str(doc, "status")))
      fail(Error::business("INVALID_STATE_TRANSITION", "The work order is " + str(doc, "status")));
    json::object permit = body;
    permit["permitId"] = permitId;
    permit["status"] = "required";
    permit["createdAt"] = formatIso8601(ctx.now);
    permit["createdBy"] = ctx.userId();
    arr(doc, "permits").push_back(std::move(permit));
    c.exec("INSERT INTO permit_index (tenant_id, permit_id, work_order_id) VALUES (?, ?, ?)", {ctx.tenantId(), permitId, id});
    return AuditEntry{"", "", "add-permit"};
  });
}

json::object WorkOrderService::permitTransition(const RequestContext& ctx, const std::string& permitId,
                                                const json::object& body) {
  Validator v;
  v.check(body, {{"toStatus", Kind::Enum, true, 0, 0, permitMachine().states},
                 {"reason", Kind::String, false, 0, 2000},
                 {"expiresAt", Kind::Time}})
      .throwIfErrors();
  auto woId = db_.connection().queryString("SELECT work_order_id FROM permit_index WHERE tenant_id = ? AND permit_id = ?",
                                           {ctx.tenantId(), permitId});
  if (!woId) fail(Error::notFound("Permit '" + permitId + "'"));
  return mutate(ctx, *woId, std::nullopt, [&](store::SqlConnection&, json::object& doc, PendingEvents& events) {
    json::object* permit = nullptr;
    for (auto& p : arr(doc, "permits"))
      if (str(p.as_object(), "permitId") == permitId) permit = &p.as_object();
    if (!permit) fail(Error::notFound("Permit '" + permitId + "'"));
    const std::string from = str(*permit, "status");
    const std::string to = str(body, "toStatus");
    const Edge* edge = permitMachine().find(from, to);
    if (!edge || edge->permission == "system")
      fail(Error{422, "INVALID_STATE_TRANSITION", "Permit cannot move from '" + from + "' to '" + to + "'",
                 {{"toStatus", "invalid permit transition", "INVALID_STATE_TRANSITION"}}});
    std::string permission(edge->permission);
    if (permission == "issue-permit") permission += ":" + str(*permit, "permitType");
    requirePermission(ctx, permission, {str(doc, "siteId"), str(doc, "assignedTo")});
    const std::string reason = str(body, "reason");
    if (edge->reasonRequired && reason.empty())
      guardFailed({{"reason", "a reason is required", "MISSING_REQUIRED_FIELD"}});
    const std::string at = formatIso8601(ctx.now);
    (*permit)["status"] = to;
    (*permit)[std::string(edge->name) + "edAt"] = at;
    (*permit)[std::string(edge->name) + "edBy"] = ctx.userId();
    if (!reason.empty()) (*permit)["reason"] = reason;
    if (to == "issued") {
      (*permit)["issuedAt"] = at;
      (*permit)["issuedBy"] = ctx.userId();
      if (auto* e = body.if_contains("expiresAt"); e && e->is_string()) (*permit)["expiresAt"] = *e;
      else if (!permit->contains("expiresAt")) (*permit)["expiresAt"] = formatIso8601(ctx.now + 12 * kHour);
    }
    events.add(makeEvent(ctx, "PermitStateChanged", str(doc, "siteId"),
                         json::object{{"permitId", permitId}, {"workOrderId", str(doc, "workOrderId")},
                                      {"previousState", from}, {"newState", to}}));
    return AuditEntry{"", "", "permit-transition", from, to, reason};
  });
}

int WorkOrderService::expirePermits(const RequestContext& sys) {
  auto& c = db_.connection();
  std::vector<std::pair<std::string, std::string>> due;  // (tenant, wo)
  c.query("SELECT tenant_id, id, doc FROM work_orders WHERE deleted_at IS NULL AND status NOT IN ('closed', 'cancelled', "
          "'verified', 'completed') AND doc LIKE '%\"issued\"%'",
          {}, [&](const store::Row& r) {
            json::value v = json::parse(r.text(2));
            if (auto* ps = v.as_object().if_contains("permits"); ps && ps->is_array())
              for (const auto& p : ps->get_array()) {
                const int64_t exp = timeField(p.as_object(), "expiresAt");
                if (str(p.as_object(), "status") == "issued" && exp && exp <= sys.now) {
                  due.emplace_back(r.getString(0), r.getString(1));
                  break;
                }
              }
          });
  int changed = 0;
  for (const auto& [tenant, woId] : due) {
    RequestContext ctx = sys;
    ctx.principal.tenantId = tenant;
    mutate(ctx, woId, std::nullopt, [&](store::SqlConnection& conn, json::object& doc, PendingEvents& events) {
      for (auto& p : arr(doc, "permits")) {
        auto& permit = p.as_object();
        const int64_t exp = timeField(permit, "expiresAt");
        if (str(permit, "status") == "issued" && exp && exp <= ctx.now) {
          permit["status"] = "expired";
          permit["expiredAt"] = formatIso8601(ctx.now);
        }
      }
      // A permit expiring under running work forces the work on hold (01 §2.1 background jobs).
      if (str(doc, "status") == "in-progress") {
        closeOpenLabor(doc, ctx.now);
        doc["status"] = "on-hold";
        doc["onHoldAt"] = formatIso8601(ctx.now);
        doc["onHoldBy"] = ctx.userId();
        doc["onHoldReason"] = "permit-expired";
        events.add(makeEvent(ctx, "WorkOrderStateChanged", str(doc, "siteId"),
                             json::object{{"workOrderId", woId}, {"previousState", "in-progress"}, {"newState", "on-hold"},
                                          {"changedBy", ctx.userId()}}));
        (void)conn;
        return AuditEntry{"", "", "transition", "in-progress", "on-hold", "permit expired"};
      }
      return AuditEntry{"", "", "permit-expired"};
    });
    ++changed;
  }
  return changed;
}

int WorkOrderService::sweepSla(const RequestContext& sys) {
  auto& c = db_.connection();
  struct Due {
    std::string tenant, id;
  };
  std::vector<Due> due;
  c.query("SELECT tenant_id, id, doc FROM work_orders WHERE deleted_at IS NULL AND status NOT IN ('closed', 'cancelled', "
          "'verified', 'completed')",
          {}, [&](const store::Row& r) {
            json::value v = json::parse(r.text(2));
            const auto& doc = v.as_object();
            auto* slaV = doc.if_contains("sla");
            if (!slaV || !slaV->is_object()) return;
            const auto& sla = slaV->get_object();
            const bool started = !str(doc, "actualStart").empty();
            auto breached = [&](const char* flag, const char* deadline) {
              auto* f = sla.if_contains(flag);
              const int64_t dl = timeField(sla, deadline);
              return !(f && f->is_bool() && f->get_bool()) && dl && dl < sys.now;
            };
            if (breached("resolutionBreached", "resolutionDeadline") ||
                (!started && breached("responseBreached", "responseDeadline")))
              due.push_back({r.getString(0), r.getString(1)});
          });
  for (const auto& d : due) {
    RequestContext ctx = sys;
    ctx.principal.tenantId = d.tenant;
    mutate(ctx, d.id, std::nullopt, [&](store::SqlConnection&, json::object& doc, PendingEvents& events) {
      json::object& sla = obj(doc, "sla");
      std::string which;
      if (timeField(sla, "resolutionDeadline") < ctx.now && !(sla.contains("resolutionBreached") && sla["resolutionBreached"] == true)) {
        sla["resolutionBreached"] = true;
        which = "resolution";
      }
      if (str(doc, "actualStart").empty() && timeField(sla, "responseDeadline") < ctx.now &&
          !(sla.contains("responseBreached") && sla["responseBreached"] == true)) {
        sla["responseBreached"] = true;
        which = which.empty() ? "response" : which + ",response";
      }
      events.add(makeEvent(ctx, "SlaBreached", str(doc, "siteId"),
                           json::object{{"workOrderId", d.id}, {"breach", which}, {"priority", str(doc, "priority")}}));
      return AuditEntry{"", "", "sla-breach", "", "", which};
    });
  }
  return static_cast<int>(due.size());
}

}  // namespace dcmms::domain
