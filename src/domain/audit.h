// The audit trail: every write records who, what, before/after, in the same transaction.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "domain/context.h"
#include "domain/list_query.h"
#include "store/sql.h"

namespace dcmms::domain {

struct AuditEntry {
  std::string entityType;  // "work-order", "asset", "user", "auth", ...
  std::string entityId;
  std::string action;      // "create", "update", "delete", "transition", "login", ...
  std::string fromState;
  std::string toState;
  std::string reason;
  std::string beforeJson;  // "" = none
  std::string afterJson;
};

class AuditLog {
 public:
  // Writes one row on `c` (inside the caller's transaction).
  void record(store::SqlConnection& c, const RequestContext& ctx, const AuditEntry& e) const;
  // Writes a row for an actor that may be unauthenticated (login failures): explicit ids.
  void recordFor(store::SqlConnection& c, const std::string& tenantId, const std::string& userId,
                 const std::string& requestId, const std::string& ip, int64_t now, const AuditEntry& e) const;

  struct Page {
    std::string itemsJson;  // JSON array text
    int64_t totalItems = 0;
  };
  Page list(store::SqlConnection& c, const std::string& tenantId, const ListQuery& q) const;
  static const EntityDescriptor& descriptor();

 private:
  mutable std::atomic<int64_t> seq_{0};
};

}  // namespace dcmms::domain
