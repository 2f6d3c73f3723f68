// Walks every (from, to) pair of the work-order machine for every role: the service must allow
// exactly the edges of the table, each only to the roles the policy grants its permission, and
// leave the work order untouched when it refuses.
#include <gtest/gtest.h>

#include "auth/policy.h"
#include "core/time_format.h"
#include "domain/state_machines.h"
#include "domain_fixture.h"

namespace dcmms::domain::testing {
namespace {

namespace json = boost::json;

class TransitionWalk : public DomainFixture {
 protected:
  void SetUp() override {
    DomainFixture::SetUp();
    seedSiteAndAsset();
    users->create(admin(), json::object{{"email", "tech@x.io"}, {"role", "field-technician-electrical"},
                                        {"siteIds", json::array{"S1"}}, {"skills", json::array{"electrical-hv"}}});
    tech_ = users->list(admin(), parseListQuery({{"filter[email]", "tech@x.io"}}, users->entities().descriptor()))
                .rows.at(0)
                .id;
  }

  // A work order in `status` whose every guard for the next step holds.
  std::string seedWorkOrder(const std::string& status, const std::string& actor, int n) {
    const int64_t now = clock.nowMs();
    json::object doc{{"siteId", "S1"},
                     {"assetId", "A1"},
                     {"type", "corrective"},
                     {"title", "Walk " + std::to_string(n)},
                     {"description", "transition walk"},
                     {"priority", "medium"},
                     {"status", status},
                     {"estimatedCost", 1000},
                     {"scheduledStart", formatIso8601(now + 3600'000)},
                     {"scheduledEnd", formatIso8601(now + 7200'000)},
                     {"completionNotes", "done"},
                     {"tasks", json::array()},
                     {"permits", json::array()},
                     {"executedBy", json::array{"someone-else"}},
                     {"laborRecords", json::array{json::object{{"laborId", "L1"},
                                                              {"userId", "someone-else"},
                                                              {"startTime", formatIso8601(now - 3600'000)},
                                                              {"endTime", formatIso8601(now)},
                                                              {"durationMinutes", 60}}}},
                     {"syncState", json::object{{"version", 1}}}};
    if (status == "assigned" || status == "in-progress" || status == "on-hold" || status == "completed")
      doc["assignedTo"] = actor;
    const std::string id = "WO-WALK-" + std::to_string(n);
    auto& c = db->connection();
    store::Transaction tx(c);
    wos->entities().insert(c, admin(), id, doc);
    tx.commit();
    return id;
  }

  std::string tech_;
};

TEST_F(TransitionWalk, EveryPairForEveryRole) {
  const StateMachine& m = workOrderMachine();
  int n = 0, allowed = 0, refusedEdge = 0, refusedRole = 0;
  for (auth::Role role : auth::allRoles()) {
    const std::string actor = "actor-" + std::string(auth::roleName(role));
    for (auto from : m.states) {
      for (auto to : m.states) {
        RequestContext ctx = as(role, actor);
        const std::string id = seedWorkOrder(std::string(from), actor, ++n);
        json::object body{{"toStatus", std::string(to)}, {"reason", "walk"}};
        if (from == "scheduled" && to == "assigned") body["assignedTo"] = tech_;
        const Edge* edge = m.find(from, to);
        bool expectOk = false;
        if (edge) {
          auth::ResourceCtx rc;
          rc.tenantId = "default";
          rc.siteId = "S1";
          rc.status = std::string(from);
          rc.type = "corrective";
          rc.origin = "manual";
          rc.amount = 1000;
          if (from == "assigned" || from == "in-progress" || from == "on-hold" || from == "completed") rc.assignedTo = {actor};
          rc.createdBy = "admin";
          expectOk = auth::authorize(ctx.principal, edge->permission, rc, ctx.now).allowed;
          if (from == "in-progress" && to == "cancelled")
            expectOk = expectOk && auth::authorize(ctx.principal, "emergency:override", rc, ctx.now).allowed;
        }
        const std::string label = std::string(auth::roleName(role)) + " " + std::string(from) + "→" + std::string(to);
        try {
          json::object out = wos->transition(ctx, id, body);
          EXPECT_TRUE(expectOk) << label << " was allowed";
          EXPECT_EQ(str(out, "status"), std::string(to)) << label;
          ++allowed;
        } catch (const ApiException& e) {
          EXPECT_FALSE(expectOk) << label << " refused: " << e.error().code << " " << e.error().message
                                 << (e.error().details.empty() ? "" : " [" + e.error().details[0].field + "]");
          const bool assignedToActor =
              from == "assigned" || from == "in-progress" || from == "on-hold" || from == "completed";
          if (auth::assignedOnly(role) && !assignedToActor) {
            // Technicians and contractors never see work that is not assigned to them.
            EXPECT_EQ(e.error().code, "AUTHZ_RESOURCE_FORBIDDEN") << label;
            ++refusedRole;
          } else if (!edge) {
            EXPECT_EQ(e.error().httpStatus, 422) << label;
            EXPECT_EQ(e.error().code, "INVALID_STATE_TRANSITION") << label;
            ++refusedEdge;
          } else {
            EXPECT_EQ(e.error().httpStatus, 403) << label << " " << e.error().code;
            ++refusedRole;
          }
          // A refusal changes nothing.
          auto l = wos->entities().load(db->connection(), "default", id);
          EXPECT_EQ(str(l.doc, "status"), std::string(from)) << label;
          EXPECT_EQ(l.version, 1) << label;
        }
      }
    }
  }
  EXPECT_GT(allowed, 50);
  EXPECT_GT(refusedEdge, 800);
  EXPECT_GT(refusedRole, 50);
}

TEST_F(TransitionWalk, EveryAllowedTransitionWritesOneAuditRow) {
  const std::string id = seedWorkOrder("draft", "pm", 1);
  RequestContext pm = as(auth::Role::PlantManager, "pm");
  wos->transition(pm, id, json::object{{"toStatus", "submitted"}});
  wos->transition(pm, id, json::object{{"toStatus", "approved"}});
  auto rows = db->connection().queryInt(
      "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'work-order' AND entity_id = ? AND action = 'transition'", {id});
  EXPECT_EQ(rows.value_or(0), 2);
  auto last = db->connection().queryString(
      "SELECT from_state || '>' || to_state FROM audit_log WHERE entity_id = ? AND action = 'transition' ORDER BY seq DESC LIMIT 1",
      {id});
  EXPECT_EQ(last.value_or(""), "submitted>approved");
}

TEST_F(TransitionWalk, FieldMutabilityFollowsTheTable) {
  EXPECT_TRUE(workOrderFieldMutable("title", "draft"));
  EXPECT_TRUE(workOrderFieldMutable("title", "approved"));
  EXPECT_FALSE(workOrderFieldMutable("title", "scheduled"));
  EXPECT_FALSE(workOrderFieldMutable("assetId", "approved"));
  EXPECT_TRUE(workOrderFieldMutable("priority", "in-progress"));
  EXPECT_FALSE(workOrderFieldMutable("priority", "closed"));
  EXPECT_FALSE(workOrderFieldMutable("siteId", "draft"));
  EXPECT_TRUE(workOrderFieldMutable("laborRecords", "in-progress"));
  EXPECT_FALSE(workOrderFieldMutable("laborRecords", "draft"));
}

TEST(StateMachines, TablesAreConsistent) {
  for (const StateMachine* m : {&workOrderMachine(), &assetMachine(), &permitMachine(), &taskMachine()}) {
    for (const auto& e : m->edges) {
      EXPECT_TRUE(m->isState(e.from)) << m->entity << " " << e.from;
      EXPECT_TRUE(m->isState(e.to)) << m->entity << " " << e.to;
      EXPECT_FALSE(m->isTerminal(e.from)) << m->entity << " edge out of terminal " << e.from;
      EXPECT_FALSE(e.permission.empty());
    }
  }
  EXPECT_EQ(workOrderMachine().states.size(), 11u);
  EXPECT_EQ(assetMachine().states.size(), 11u);
  EXPECT_EQ(workOrderMachine().allowedFrom("closed").size(), 0u);
}

}  // namespace
}  // namespace dcmms::domain::testing
