// Work orders: creation, field-level PATCH by state, the 11-state lifecycle (table in
// state_machines.cpp), tasks, labour, parts used, measurements and permits.
// Every write is one transaction with its audit rows; events are published after commit.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>

#include "core/event_bus.h"
#include "domain/audit.h"
#include "domain/context.h"
#include "domain/entity_store.h"
#include "store/group_commit.h"
#include "store/sql.h"

namespace dcmms::domain {

class WorkOrderService {
 public:
  WorkOrderService(store::Database& db, const AuditLog& audit, const EventBus& bus, const EntityStore& sites,
                   const EntityStore& assets, const EntityStore& users);

  json::object create(const RequestContext& ctx, const json::object& body);
  // Read with access checks: 404 outside the tenant, 403 for a foreign site or unassigned work.
  Loaded get(const RequestContext& ctx, const std::string& id);
  // The stored JSON text with the same checks, without parsing it (the GET-by-id hot path).
  StoredDoc getStored(const RequestContext& ctx, const std::string& id);
  PageResult list(const RequestContext& ctx, const ListQuery& q);
  json::object patch(const RequestContext& ctx, const std::string& id, const json::object& body,
                     std::optional<int64_t> ifMatch);
  void remove(const RequestContext& ctx, const std::string& id);
  json::object transition(const RequestContext& ctx, const std::string& id, const json::object& body);

  json::object addTask(const RequestContext& ctx, const std::string& id, const json::object& body);
  json::object updateTask(const RequestContext& ctx, const std::string& id, const std::string& taskId,
                          const json::object& body);
  json::object addLabor(const RequestContext& ctx, const std::string& id, const json::object& body);
  json::object addPartUsed(const RequestContext& ctx, const std::string& id, const json::object& body);
  json::object addMeasurement(const RequestContext& ctx, const std::string& id, const json::object& body);
  json::object addPermit(const RequestContext& ctx, const std::string& id, const json::object& body);
  json::object permitTransition(const RequestContext& ctx, const std::string& permitId, const json::object& body);

  // Scheduler jobs (system actor): permits past expiresAt → expired (in-progress WOs forced on
  // hold); SLA deadlines → breach flags. Return how many entities changed.
  int expirePermits(const RequestContext& system);
  int sweepSla(const RequestContext& system);

  const EntityStore& entities() const { return wos_; }
  // Creates then share transactions through the committer (the server sets one; tools do not).
  void setGroupCommitter(store::GroupCommitter* committer) { committer_ = committer; }
  // Read access check for an already loaded WO (used by attachments).
  void checkRead(const RequestContext& ctx, const json::object& wo) const;
  void checkRead(const RequestContext& ctx, const std::string& siteId, const std::string& assignedTo,
                 const std::string& createdBy) const;

 private:
  struct Change;
  json::object mutate(const RequestContext& ctx, const std::string& id, std::optional<int64_t> ifMatch,
                      const std::function<AuditEntry(store::SqlConnection&, json::object&, PendingEvents&)>& fn);
  std::string nextId(store::SqlConnection& c, const RequestContext& ctx);
  void setAssetStatus(store::SqlConnection& c, const RequestContext& ctx, const std::string& assetId,
                      const std::string& to, const std::string& reason, PendingEvents& events);
  bool assetHasOtherActiveWork(store::SqlConnection& c, const std::string& tenant, const std::string& assetId,
                               const std::string& exceptWo);
  json::object loadAssignee(store::SqlConnection& c, const RequestContext& ctx, const std::string& userId,
                            const json::object& wo);

  store::Database& db_;
  const AuditLog& audit_;
  const EventBus& bus_;
  const EntityStore& sites_;
  const EntityStore& assets_;
  const EntityStore& users_;
  EntityStore wos_;
  store::GroupCommitter* committer_ = nullptr;
};

}  // namespace dcmms::domain
