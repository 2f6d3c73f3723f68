// List parameters of 01 §3: page/pageSize, filter[field][op]=value, sort=a,-b, fields=, expand=.
// Parsed against an entity descriptor so an unknown field name is a 400 naming it.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dcmms::domain {

// CsvMember: the column holds ",a,b,"; eq/in test membership (users.site_ids).
enum class ColType { Text, Time, Int, Real, Bool, CsvMember };

// One API field backed by one indexed column.
struct FieldColumn {
  std::string_view field;   // API name, e.g. "scheduledStart"
  std::string_view column;  // SQL column, e.g. "scheduled_start"
  ColType type = ColType::Text;
  bool filterable = true;
  bool sortable = true;
  std::string_view sortColumn = {};  // when sorting uses another column (priority → priority_rank)
};

struct EntityDescriptor {
  std::string_view table;       // "work_orders"
  std::string_view entityType;  // "work-order" (audit, events)
  std::string_view idField;     // "workOrderId"
  std::vector<FieldColumn> columns;
  std::vector<std::string_view> expandable;   // names accepted by expand=
  std::vector<std::string_view> knownFields;  // names accepted by fields= (besides columns)

  const FieldColumn* column(std::string_view field) const;
  bool knowsField(std::string_view field) const;
};

struct FilterCond {
  const FieldColumn* col = nullptr;
  std::string op;  // eq ne gt gte lt lte in nin contains startsWith
  std::vector<std::string> values;
};

struct SortKey {
  const FieldColumn* col = nullptr;
  bool desc = false;
};

struct ListQuery {
  int page = 1;
  int pageSize = 20;
  std::vector<FilterCond> filters;
  std::vector<SortKey> sort;  // empty → -createdAt
  std::vector<std::string> fields;
  std::vector<std::string> expand;
};

constexpr int kMaxPageSize = 100;

// Throws ApiException(400) naming the offending parameter for unknown fields/operators,
// non-numeric pages, or malformed filter syntax. pageSize above 100 is clamped.
ListQuery parseListQuery(const std::vector<std::pair<std::string, std::string>>& query, const EntityDescriptor& d,
                         const std::vector<std::string_view>& extraParams = {});

std::vector<std::string> splitCsv(std::string_view s);

}  // namespace dcmms::domain
