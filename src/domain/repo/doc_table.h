// Generic repository for entity tables that keep a JSON document plus indexed columns
// (see schema.cpp). The only place that writes SQL for those tables.
#pragma once

#include <boost/json.hpp>
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <unordered_map>
#include <optional>
#include <string>
#include <vector>

#include "domain/list_query.h"
#include "store/sql.h"

namespace dcmms::domain {

struct StoredDoc {
  std::string id;
  std::string docText;
  int64_t version = 0;
  bool deleted = false;
};

// Extra WHERE conditions from authorisation (site scope, assigned-only).
struct Scope {
  bool allSites = true;
  std::vector<std::string> siteIds;  // when !allSites
  std::string assignedTo;            // non-empty → assigned_to = this (work orders)
};

struct PageResult {
  std::vector<StoredDoc> rows;
  int64_t totalItems = 0;
};

class DocTable {
 public:
  explicit DocTable(const EntityDescriptor& d) : d_(d) {}

  std::optional<StoredDoc> get(store::SqlConnection& c, const std::string& tenant, const std::string& id,
                               bool includeDeleted = false) const;
  // Inserts version 1; throws store::UniqueViolation on a duplicate id.
  void insert(store::SqlConnection& c, const std::string& tenant, const std::string& id, const boost::json::object& doc,
              const std::string& by, int64_t now) const;
  // Writes doc with version+1 when the stored version equals expectedVersion; false otherwise.
  bool update(store::SqlConnection& c, const std::string& tenant, const std::string& id, const boost::json::object& doc,
              int64_t expectedVersion, const std::string& by, int64_t now) const;
  bool softDelete(store::SqlConnection& c, const std::string& tenant, const std::string& id, int64_t expectedVersion,
                  const std::string& by, int64_t now) const;
  PageResult list(store::SqlConnection& c, const std::string& tenant, const ListQuery& q, const Scope& scope,
                  bool withTotal = true) const;
  int64_t count(store::SqlConnection& c, const std::string& whereSql, const std::vector<store::SqlValue>& params) const;

  const EntityDescriptor& descriptor() const { return d_; }

 private:
  std::vector<store::SqlValue> columnValues(const boost::json::object& doc) const;
  void buildWhere(const std::string& tenant, const ListQuery& q, const Scope& scope, std::string& sql,
                  std::vector<store::SqlValue>& params) const;
  struct CachedCount {
    uint64_t generation;
    int64_t count;
    std::chrono::steady_clock::time_point at;
    bool refreshing = false;
  };
  const EntityDescriptor& d_;
  mutable std::atomic<uint64_t> generation_{0};
  mutable std::mutex countMu_;
  mutable std::unordered_map<std::string, CachedCount> countCache_;
};

// The column value a document field maps to (time strings → epoch ms, priority → rank, ...).
store::SqlValue columnValue(const FieldColumn& col, const boost::json::value* v);
int64_t priorityRank(std::string_view priority);

}  // namespace dcmms::domain
