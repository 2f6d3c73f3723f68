#include "domain/repo/doc_table.h"

#include <charconv>
#include <chrono>
#include <mutex>

#include "core/json_util.h"
#include "core/time_format.h"

namespace dcmms::domain {

namespace json = boost::json;
using store::SqlValue;

int64_t priorityRank(std::string_view p) {
  if (p == "urgent") return 4;
  if (p == "high") return 3;
  if (p == "medium") return 2;
  if (p == "low") return 1;
  return 0;
}

namespace {

bool isBaseColumn(std::string_view c) {
  return c == "created_at" || c == "created_by" || c == "updated_at" || c == "updated_by" || c == "id";
}

// A column is written from the first field that maps to it; later fields are query aliases
// (users: filter[siteId] and filter[siteIds] both read site_ids).
bool writable(const EntityDescriptor& d, const FieldColumn& col) {
  if (isBaseColumn(col.column)) return false;
  for (const auto& c : d.columns) {
    if (&c == &col) return true;
    if (c.column == col.column) return false;
  }
  return true;
}

SqlValue fromText(const FieldColumn& col, const std::string& v) {
  switch (col.type) {
    case ColType::Time: {
      auto t = parseTimestamp(v);
      return t ? SqlValue{*t} : SqlValue{};
    }
    case ColType::Int: {
      long long n = 0;
      std::from_chars(v.data(), v.data() + v.size(), n);
      return SqlValue{static_cast<int64_t>(n)};
    }
    case ColType::Real: return SqlValue{std::strtod(v.c_str(), nullptr)};
    case ColType::Bool: return SqlValue{static_cast<int64_t>(v == "true" || v == "1")};
    case ColType::Text:
    case ColType::CsvMember: return SqlValue{v};
  }
  return SqlValue{v};
}

std::string likeEscape(const std::string& v) {
  std::string out;
  for (char ch : v) {
    if (ch == '%' || ch == '_' || ch == '\\') out.push_back('\\');
    out.push_back(ch);
  }
  return out;
}

}  // namespace

SqlValue columnValue(const FieldColumn& col, const json::value* v) {
  if (!v || v->is_null()) return SqlValue{};
  switch (col.type) {
    case ColType::Time:
      if (v->is_string()) {
        auto t = parseTimestamp(std::string_view(v->get_string()));
        return t ? SqlValue{*t} : SqlValue{};
      }
      if (v->is_int64()) return SqlValue{v->get_int64()};
      return SqlValue{};
    case ColType::Int:
      if (v->is_int64()) return SqlValue{v->get_int64()};
      if (v->is_double()) return SqlValue{static_cast<int64_t>(v->get_double())};
      return SqlValue{};
    case ColType::Real:
      if (v->is_double()) return SqlValue{v->get_double()};
      if (v->is_int64()) return SqlValue{static_cast<double>(v->get_int64())};
      return SqlValue{};
    case ColType::Bool: return SqlValue{static_cast<int64_t>(v->is_bool() && v->get_bool())};
    case ColType::CsvMember: {
      std::string csv = ",";
      if (v->is_array())
        for (const auto& e : v->get_array())
          if (e.is_string()) csv += std::string(e.get_string()) + ",";
      return SqlValue{csv};
    }
    case ColType::Text:
      if (v->is_string()) return SqlValue{std::string(v->get_string())};
      return SqlValue{toJson(*v)};
  }
  return SqlValue{};
}

std::vector<SqlValue> DocTable::columnValues(const json::object& doc) const {
  std::vector<SqlValue> out;
  for (const auto& col : d_.columns) {
    if (!writable(d_, col)) continue;
    out.push_back(columnValue(col, doc.if_contains(col.field)));
  }
  for (const auto& col : d_.columns) {
    if (col.sortColumn.empty()) continue;
    const json::value* v = doc.if_contains(col.field);
    const int64_t rank = priorityRank(v && v->is_string() ? std::string_view(v->get_string()) : "");
    out.emplace_back(std::in_place_type<int64_t>, rank);
  }
  return out;
}

std::optional<StoredDoc> DocTable::get(store::SqlConnection& c, const std::string& tenant, const std::string& id,
                                       bool includeDeleted) const {
  std::string sql = "SELECT id, doc, version, deleted_at FROM " + std::string(d_.table) + " WHERE tenant_id = ? AND id = ?";
  if (!includeDeleted) sql += " AND deleted_at IS NULL";
  std::optional<StoredDoc> out;
  c.query(sql, {tenant, id}, [&](const store::Row& r) {
    out = StoredDoc{r.getString(0), r.getString(1), r.getInt(2), !r.isNull(3)};
  });
  return out;
}

void DocTable::insert(store::SqlConnection& c, const std::string& tenant, const std::string& id, const json::object& doc,
                      const std::string& by, int64_t now) const {
  std::string cols = "tenant_id, id, doc, version, created_at, created_by, updated_at, updated_by";
  std::string marks = "?, ?, ?, 1, ?, ?, ?, ?";
  for (const auto& col : d_.columns) {
    if (!writable(d_, col)) continue;
    cols += ", " + std::string(col.column);
    marks += ", ?";
  }
  for (const auto& col : d_.columns) {
    if (col.sortColumn.empty()) continue;
    cols += ", " + std::string(col.sortColumn);
    marks += ", ?";
  }
  std::vector<SqlValue> params{tenant, id, toJson(doc), now, by, now, by};
  for (auto& v : columnValues(doc)) params.push_back(std::move(v));
  c.exec("INSERT INTO " + std::string(d_.table) + " (" + cols + ") VALUES (" + marks + ")", params);
  generation_.fetch_add(1, std::memory_order_relaxed);
}

bool DocTable::update(store::SqlConnection& c, const std::string& tenant, const std::string& id, const json::object& doc,
                      int64_t expectedVersion, const std::string& by, int64_t now) const {
  std::string sql = "UPDATE " + std::string(d_.table) + " SET doc = ?, version = version + 1, updated_at = ?, updated_by = ?";
  for (const auto& col : d_.columns) {
    if (!writable(d_, col)) continue;
    sql += ", " + std::string(col.column) + " = ?";
  }
  for (const auto& col : d_.columns)
    if (!col.sortColumn.empty()) sql += ", " + std::string(col.sortColumn) + " = ?";
  sql += " WHERE tenant_id = ? AND id = ? AND version = ? AND deleted_at IS NULL";
  std::vector<SqlValue> params{toJson(doc), now, by};
  for (auto& v : columnValues(doc)) params.push_back(std::move(v));
  params.push_back(tenant);
  params.push_back(id);
  params.push_back(expectedVersion);
  bool ok = c.exec(sql, params) == 1;
  if (ok) generation_.fetch_add(1, std::memory_order_relaxed);
  return ok;
}

bool DocTable::softDelete(store::SqlConnection& c, const std::string& tenant, const std::string& id,
                          int64_t expectedVersion, const std::string& by, int64_t now) const {
  bool ok = c.exec("UPDATE " + std::string(d_.table) +
                       " SET deleted_at = ?, updated_at = ?, updated_by = ?, version = version + 1 "
                       "WHERE tenant_id = ? AND id = ? AND version = ? AND deleted_at IS NULL",
                   {now, now, by, tenant, id, expectedVersion}) == 1;
  if (ok) generation_.fetch_add(1, std::memory_order_relaxed);
  return ok;
}

void DocTable::buildWhere(const std::string& tenant, const ListQuery& q, const Scope& scope, std::string& sql,
                          std::vector<SqlValue>& params) const {
  sql += " WHERE tenant_id = ? AND deleted_at IS NULL";
  params.push_back(tenant);
  if (!scope.allSites) {
    if (scope.siteIds.empty()) {
      sql += " AND 1 = 0";
    } else {
      sql += d_.table == "sites" ? " AND id IN (" : " AND site_id IN (";
      for (size_t i = 0; i < scope.siteIds.size(); ++i) {
        sql += i ? ", ?" : "?";
        params.push_back(scope.siteIds[i]);
      }
      sql += ")";
    }
  }
  if (!scope.assignedTo.empty()) {
    sql += " AND assigned_to = ?";
    params.push_back(scope.assignedTo);
  }
  for (const auto& f : q.filters) {
    const std::string col(f.col->column);
    if (f.col->type == ColType::CsvMember) {
      sql += f.op == "nin" || f.op == "ne" ? " AND NOT (" : " AND (";
      for (size_t i = 0; i < f.values.size(); ++i) {
        sql += i ? " OR " : "";
        sql += col + " LIKE ?";
        params.push_back("%," + likeEscape(f.values[i]) + ",%");
      }
      sql += ")";
      continue;
    }
    if (f.op == "in" || f.op == "nin") {
      sql += " AND " + col + (f.op == "in" ? " IN (" : " NOT IN (");
      for (size_t i = 0; i < f.values.size(); ++i) {
        sql += i ? ", ?" : "?";
        params.push_back(fromText(*f.col, f.values[i]));
      }
      sql += ")";
    } else if (f.op == "contains" || f.op == "startsWith") {
      sql += " AND LOWER(" + col + ") LIKE LOWER(?) ESCAPE '\\'";
      params.push_back((f.op == "contains" ? "%" : "") + likeEscape(f.values[0]) + "%");
    } else {
      static const std::pair<const char*, const char*> ops[] = {{"eq", "="}, {"ne", "<>"}, {"gt", ">"},
                                                                {"gte", ">="}, {"lt", "<"}, {"lte", "<="}};
      const char* sqlOp = "=";
      for (const auto& [name, op] : ops)
        if (f.op == name) sqlOp = op;
      if (f.op == "ne") sql += " AND (" + col + " IS NULL OR " + col + " <> ?)";
      else sql += " AND " + col + " " + sqlOp + " ?";
      params.push_back(fromText(*f.col, f.values[0]));
    }
  }
}

int64_t DocTable::count(store::SqlConnection& c, const std::string& whereSql, const std::vector<SqlValue>& params) const {
  // Totals are cached per (WHERE, params) until the table changes, so paging through a large
  // list does not pay a full count(*) per request (ARCHITECTURE §8). The cache is per process;
  // entries also age out after a second so other nodes' writes show up quickly.
  std::string key = whereSql;
  for (const auto& p : params) {
    key.push_back('\x1f');
    if (auto* s = std::get_if<std::string>(&p)) key += *s;
    else if (auto* i = std::get_if<int64_t>(&p)) key += std::to_string(*i);
    else if (auto* d = std::get_if<double>(&p)) key += std::to_string(*d);
  }
  const uint64_t gen = generation_.load(std::memory_order_relaxed);
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(countMu_);
    auto it = countCache_.find(key);
    if (it != countCache_.end() && it->second.generation == gen) {
      if (now - it->second.at < std::chrono::seconds(1)) return it->second.count;
      // Aged but not invalidated here: one caller refreshes, the others keep the last value
      // meanwhile (no stampede of full counts when an entry ages out under load).
      if (it->second.refreshing) return it->second.count;
      it->second.refreshing = true;
    }
  }
  int64_t n = 0;
  c.query("SELECT COUNT(*) FROM " + std::string(d_.table) + whereSql, params, [&](const store::Row& r) { n = r.getInt(0); });
  std::lock_guard lock(countMu_);
  if (countCache_.size() > 10000) countCache_.clear();
  countCache_[key] = {gen, n, now, false};
  return n;
}

PageResult DocTable::list(store::SqlConnection& c, const std::string& tenant, const ListQuery& q, const Scope& scope,
                          bool withTotal) const {
  std::string where;
  std::vector<SqlValue> params;
  buildWhere(tenant, q, scope, where, params);
  PageResult out;
  if (withTotal) out.totalItems = count(c, where, params);
  std::string sql = "SELECT id, doc, version FROM " + std::string(d_.table) + where + " ORDER BY ";
  for (const auto& s : q.sort) {
    std::string col(s.col->sortColumn.empty() ? s.col->column : s.col->sortColumn);
    sql += "(" + col + " IS NULL), " + col + (s.desc ? " DESC, " : " ASC, ");
  }
  sql += "created_at DESC, id DESC LIMIT ? OFFSET ?";
  params.push_back(static_cast<int64_t>(q.pageSize));
  params.push_back(static_cast<int64_t>(q.page - 1) * q.pageSize);
  c.query(sql, params, [&](const store::Row& r) { out.rows.push_back({r.getString(0), r.getString(1), r.getInt(2), false}); });
  return out;
}

}  // namespace dcmms::domain
