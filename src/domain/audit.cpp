#include "domain/audit.h"

#include "core/ids.h"
#include "core/json_util.h"
#include "core/time_format.h"

namespace dcmms::domain {

const EntityDescriptor& AuditLog::descriptor() {
  static const EntityDescriptor d{
      "audit_log",
      "audit-log",
      "auditId",
      {{"entityType", "entity_type"},
       {"entityId", "entity_id"},
       {"action", "action"},
       {"userId", "user_id"},
       {"requestId", "request_id"},
       {"fromState", "from_state"},
       {"toState", "to_state"},
       {"timestamp", "at", ColType::Time}},
      {},
      {"before", "after", "reason", "transitionedBy", "transitionedAt", "ip"}};
  return d;
}

void AuditLog::record(store::SqlConnection& c, const RequestContext& ctx, const AuditEntry& e) const {
  recordFor(c, ctx.tenantId(), ctx.userId(), ctx.requestId, ctx.ip, ctx.now, e);
}

void AuditLog::recordFor(store::SqlConnection& c, const std::string& tenantId, const std::string& userId,
                         const std::string& requestId, const std::string& ip, int64_t now, const AuditEntry& e) const {
  auto opt = [](const std::string& s) { return s.empty() ? store::SqlValue{} : store::SqlValue{s}; };
  // seq orders rows written in the same millisecond.
  const int64_t seq = now * 1000 + (seq_.fetch_add(1, std::memory_order_relaxed) % 1000);
  c.exec("INSERT INTO audit_log (id, tenant_id, entity_type, entity_id, action, from_state, to_state, user_id, "
         "request_id, ip, at, seq, before_doc, after_doc, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
         {newUuid(), tenantId, e.entityType, e.entityId, e.action, opt(e.fromState), opt(e.toState), opt(userId),
          opt(requestId), opt(ip), now, seq, opt(e.beforeJson), opt(e.afterJson), opt(e.reason)});
}

AuditLog::Page AuditLog::list(store::SqlConnection& c, const std::string& tenantId, const ListQuery& q) const {
  std::string where = " WHERE tenant_id = ?";
  std::vector<store::SqlValue> params{tenantId};
  for (const auto& f : q.filters) {
    const std::string col(f.col->column);
    auto value = [&](const std::string& v) -> store::SqlValue {
      if (f.col->type == ColType::Time) return *parseTimestamp(v);
      return v;
    };
    static const std::pair<const char*, const char*> ops[] = {{"eq", "="}, {"ne", "<>"}, {"gt", ">"}, {"gte", ">="},
                                                              {"lt", "<"}, {"lte", "<="}};
    if (f.op == "in" || f.op == "nin") {
      where += " AND " + col + (f.op == "in" ? " IN (" : " NOT IN (");
      for (size_t i = 0; i < f.values.size(); ++i) {
        where += i ? ", ?" : "?";
        params.push_back(value(f.values[i]));
      }
      where += ")";
    } else if (f.op == "contains" || f.op == "startsWith") {
      where += " AND LOWER(" + col + ") LIKE LOWER(?)";
      params.push_back((f.op == "contains" ? "%" : "") + f.values[0] + "%");
    } else {
      const char* sqlOp = "=";
      for (const auto& [name, op] : ops)
        if (f.op == name) sqlOp = op;
      where += " AND " + col + " " + sqlOp + " ?";
      params.push_back(value(f.values[0]));
    }
  }
  Page page;
  page.totalItems = c.queryInt("SELECT COUNT(*) FROM audit_log" + where, params).value_or(0);
  std::string order = " ORDER BY seq DESC";
  if (!q.sort.empty()) {
    order = " ORDER BY ";
    for (const auto& s : q.sort) order += std::string(s.col->column) + (s.desc ? " DESC, " : " ASC, ");
    order += "seq DESC";
  }
  params.push_back(static_cast<int64_t>(q.pageSize));
  params.push_back(static_cast<int64_t>(q.page - 1) * q.pageSize);
  std::string& out = page.itemsJson;
  out = "[";
  c.query("SELECT id, entity_type, entity_id, action, from_state, to_state, user_id, request_id, ip, at, before_doc, "
          "after_doc, reason FROM audit_log" + where + order + " LIMIT ? OFFSET ?",
          params, [&](const store::Row& r) {
            if (out.size() > 1) out += ",";
            json::object o;
            o["auditId"] = r.text(0);
            o["entityType"] = r.text(1);
            o["entityId"] = r.text(2);
            o["action"] = r.text(3);
            o["fromState"] = r.isNull(4) ? json::value() : json::value(r.text(4));
            o["toState"] = r.isNull(5) ? json::value() : json::value(r.text(5));
            o["userId"] = r.isNull(6) ? json::value() : json::value(r.text(6));
            o["transitionedBy"] = o["userId"];
            o["requestId"] = r.isNull(7) ? json::value() : json::value(r.text(7));
            o["ip"] = r.isNull(8) ? json::value() : json::value(r.text(8));
            o["timestamp"] = formatIso8601(r.getInt(9));
            o["transitionedAt"] = o["timestamp"];
            o["before"] = r.isNull(10) ? json::value() : parseJsonBody(r.text(10));
            o["after"] = r.isNull(11) ? json::value() : parseJsonBody(r.text(11));
            o["reason"] = r.isNull(12) ? json::value() : json::value(r.text(12));
            appendJson(out, o);
          });
  out += "]";
  return page;
}

}  // namespace dcmms::domain
