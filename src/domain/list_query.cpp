#include "domain/list_query.h"

#include <algorithm>
#include <charconv>

#include "core/error.h"
#include "core/time_format.h"

namespace dcmms::domain {

const FieldColumn* EntityDescriptor::column(std::string_view field) const {
  for (const auto& c : columns)
    if (c.field == field) return &c;
  return nullptr;
}

bool EntityDescriptor::knowsField(std::string_view field) const {
  return column(field) != nullptr || field == idField ||
         std::find(knownFields.begin(), knownFields.end(), field) != knownFields.end();
}

std::vector<std::string> splitCsv(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view part = s.substr(start, end - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    start = end + 1;
  }
  return out;
}

namespace {

[[noreturn]] void badParam(const std::string& param, const std::string& message, const char* code = "INVALID_FIELD_VALUE") {
  fail(Error{400, "VALIDATION_ERROR", "Invalid query parameter", {{param, message, code}}});
}

int parsePositive(const std::string& param, const std::string& v) {
  int n = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), n);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size() || n < 1) badParam(param, "must be a positive integer", "INVALID_FIELD_TYPE");
  return n;
}

bool validOp(std::string_view op) {
  static constexpr std::string_view ops[] = {"eq", "ne", "gt", "gte", "lt", "lte", "in", "nin", "contains", "startsWith"};
  return std::find(std::begin(ops), std::end(ops), op) != std::end(ops);
}

void checkValue(const std::string& param, const FieldColumn& col, const std::string& v) {
  if (col.type == ColType::Time && !parseTimestamp(v)) badParam(param, "must be an ISO 8601 date-time or epoch ms", "INVALID_DATE_FORMAT");
  if (col.type == ColType::Int) {
    long long n;
    auto r = std::from_chars(v.data(), v.data() + v.size(), n);
    if (r.ec != std::errc() || r.ptr != v.data() + v.size()) badParam(param, "must be an integer", "INVALID_FIELD_TYPE");
  }
  if (col.type == ColType::Real) {
    char* end = nullptr;
    std::string copy = v;
    std::strtod(copy.c_str(), &end);
    if (copy.empty() || *end != '\0') badParam(param, "must be a number", "INVALID_FIELD_TYPE");
  }
}

}  // namespace

ListQuery parseListQuery(const std::vector<std::pair<std::string, std::string>>& query, const EntityDescriptor& d,
                         const std::vector<std::string_view>& extraParams) {
  ListQuery q;
  for (const auto& [key, value] : query) {
    if (key == "page") {
      q.page = parsePositive(key, value);
    } else if (key == "pageSize" || key == "limit") {
      q.pageSize = std::min(parsePositive(key, value), kMaxPageSize);
    } else if (key == "sort") {
      for (auto& part : splitCsv(value)) {
        bool desc = part[0] == '-';
        std::string name = desc || part[0] == '+' ? part.substr(1) : part;
        const FieldColumn* col = d.column(name);
        if (!col || !col->sortable) badParam("sort", "unknown sort field '" + name + "'");
        q.sort.push_back({col, desc});
      }
    } else if (key == "fields") {
      for (auto& f : splitCsv(value)) {
        if (!d.knowsField(f)) badParam("fields", "unknown field '" + f + "'");
        q.fields.push_back(f);
      }
    } else if (key == "expand") {
      for (auto& f : splitCsv(value)) {
        if (std::find(d.expandable.begin(), d.expandable.end(), f) == d.expandable.end())
          badParam("expand", "cannot expand '" + f + "'");
        q.expand.push_back(f);
      }
    } else if (key.rfind("filter[", 0) == 0) {
      // filter[field] or filter[field][op]
      size_t close = key.find(']');
      if (close == std::string::npos) badParam(key, "malformed filter; use filter[field][op]=value");
      std::string field = key.substr(7, close - 7);
      std::string op = "eq";
      if (close + 1 < key.size()) {
        if (key[close + 1] != '[' || key.back() != ']') badParam(key, "malformed filter; use filter[field][op]=value");
        op = key.substr(close + 2, key.size() - close - 3);
      }
      const FieldColumn* col = d.column(field);
      if (!col || !col->filterable) badParam(key, "unknown filter field '" + field + "'");
      if (!validOp(op)) badParam(key, "unknown filter operator '" + op + "'");
      FilterCond c{col, op, {}};
      if (op == "in" || op == "nin") c.values = splitCsv(value);
      else c.values.push_back(value);
      if (c.values.empty()) badParam(key, "needs a value");
      if (op != "contains" && op != "startsWith")
        for (const auto& v : c.values) checkValue(key, *col, v);
      q.filters.push_back(std::move(c));
    } else if (const FieldColumn* col = d.column(key); col && col->filterable) {
      // Shorthand: ?siteId=S1 is filter[siteId][eq]=S1.
      checkValue(key, *col, value);
      q.filters.push_back({col, "eq", {value}});
    } else if (std::find(extraParams.begin(), extraParams.end(), key) == extraParams.end()) {
      badParam(key, "unknown query parameter '" + key + "'");
    }
  }
  return q;
}

}  // namespace dcmms::domain
