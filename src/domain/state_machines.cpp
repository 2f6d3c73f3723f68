#include "domain/state_machines.h"

#include <algorithm>
#include <array>
#include <utility>

namespace dcmms::domain {

const Edge* StateMachine::find(std::string_view from, std::string_view to) const {
  for (const auto& e : edges)
    if (e.from == from && e.to == to) return &e;
  return nullptr;
}

std::vector<std::string_view> StateMachine::allowedFrom(std::string_view from) const {
  std::vector<std::string_view> out;
  for (const auto& e : edges)
    if (e.from == from) out.push_back(e.to);
  return out;
}

bool StateMachine::isState(std::string_view s) const {
  return std::find(states.begin(), states.end(), s) != states.end();
}

bool StateMachine::isTerminal(std::string_view s) const {
  return std::find(terminal.begin(), terminal.end(), s) != terminal.end();
}

namespace {

StateMachine buildWorkOrder() {
  using G = Guard;
  using E = Effect;
  StateMachine m{"work-order",
                 {"draft", "submitted", "approved", "scheduled", "assigned", "in-progress", "on-hold", "completed",
                  "verified", "closed", "cancelled"},
                 {"closed", "cancelled"},
                 {}};
  auto& e = m.edges;
  e.push_back({"draft", "submitted", "create:work-orders", false, {G::SubmitReady}, {E::StampSubmitted}, "submit"});
  e.push_back({"submitted", "approved", "approve:work-orders", false, {G::ApprovalCeiling}, {E::StampApproved}, "approve"});
  e.push_back({"submitted", "draft", "approve:work-orders", true, {}, {E::StampRejected}, "reject"});
  e.push_back({"approved", "scheduled", "schedule:work-orders", false, {G::ScheduleValid}, {E::StampScheduled}, "schedule"});
  e.push_back({"scheduled", "approved", "reschedule:work-orders", false, {}, {E::Unschedule}, "reschedule"});
  e.push_back({"scheduled", "assigned", "assign:work-orders", false, {G::AssigneeValid}, {E::StampAssigned}, "assign"});
  e.push_back({"assigned", "scheduled", "assign:work-orders", false, {}, {E::Unassign}, "reassign"});
  e.push_back({"assigned", "in-progress", "execute:work-orders", false,
               {G::ExecutorIsAssignee, G::StartWindow, G::PermitsIssued}, {E::StartWork}, "start"});
  e.push_back({"in-progress", "on-hold", "execute:work-orders", true, {G::ExecutorIsAssignee}, {E::HoldWork}, "hold"});
  e.push_back({"on-hold", "in-progress", "execute:work-orders", false, {G::ExecutorIsAssignee, G::PermitsIssued},
               {E::ResumeWork}, "resume"});
  e.push_back({"in-progress", "completed", "execute:work-orders", false, {G::ExecutorIsAssignee, G::CompletionReady},
               {E::CompleteWork}, "complete"});
  e.push_back({"completed", "verified", "verify:work-orders", false, {G::VerifierNotExecutor}, {E::StampVerified}, "verify"});
  e.push_back({"completed", "in-progress", "verify:work-orders", true, {}, {E::Reopen}, "reopen"});
  e.push_back({"verified", "closed", "close:work-orders", false, {}, {E::StampClosed}, "close"});
  for (std::string_view from : {"draft", "submitted", "approved", "scheduled", "assigned", "on-hold", "in-progress"}) {
    std::vector<Guard> guards;
    if (from == "in-progress") guards.push_back(G::EmergencyOverrideFromInProgress);
    e.push_back({from, "cancelled", "cancel:work-orders", true, guards, {E::Cancel}, "cancel"});
  }
  return m;
}

StateMachine buildAsset() {
  StateMachine m{"asset",
                 {"planned", "procured", "installing", "commissioning", "operational", "under-maintenance", "degraded",
                  "failed", "decommissioning", "decommissioned", "retired"},
                 {"retired"},
                 {}};
  const std::pair<std::string_view, std::vector<std::string_view>> adj[] = {
      {"planned", {"procured"}},
      {"procured", {"installing"}},
      {"installing", {"commissioning"}},
      {"commissioning", {"operational"}},
      {"operational", {"under-maintenance", "degraded", "failed", "decommissioning"}},
      {"under-maintenance", {"operational", "degraded", "failed"}},
      {"degraded", {"under-maintenance", "operational", "failed", "decommissioning"}},
      {"failed", {"under-maintenance", "decommissioning"}},
      {"decommissioning", {"decommissioned"}},
      {"decommissioned", {"retired"}},
  };
  for (const auto& [from, tos] : adj)
    for (auto to : tos) m.edges.push_back({from, to, "update-status:assets", false, {}, {}, "status"});
  return m;
}

StateMachine buildPermit() {
  StateMachine m{"permit", {"required", "requested", "under-review", "issued", "expired", "revoked"}, {"expired", "revoked"}, {}};
  m.edges.push_back({"required", "requested", "create:permits", false, {}, {}, "request"});
  m.edges.push_back({"requested", "under-review", "issue-permit", false, {}, {}, "review"});
  m.edges.push_back({"under-review", "issued", "issue-permit", false, {}, {}, "issue"});
  m.edges.push_back({"under-review", "required", "issue-permit", true, {}, {}, "reject"});
  m.edges.push_back({"issued", "revoked", "issue-permit", true, {}, {}, "revoke"});
  // issued → expired is taken only by the scheduler at expiresAt (no user permission).
  m.edges.push_back({"issued", "expired", "system", false, {}, {}, "expire"});
  return m;
}

StateMachine buildTask() {
  StateMachine m{"task", {"pending", "in-progress", "completed", "skipped"}, {"completed", "skipped"}, {}};
  m.edges.push_back({"pending", "in-progress", "execute:work-orders", false, {}, {}, "start"});
  m.edges.push_back({"pending", "completed", "execute:work-orders", false, {}, {}, "complete"});
  m.edges.push_back({"in-progress", "completed", "execute:work-orders", false, {}, {}, "complete"});
  m.edges.push_back({"pending", "skipped", "execute:work-orders", true, {}, {}, "skip"});
  m.edges.push_back({"in-progress", "skipped", "execute:work-orders", true, {}, {}, "skip"});
  return m;
}

// Index of a status in the work-order lifecycle order (terminal states last).
int lifecycleIndex(std::string_view status) {
  static constexpr std::array<std::string_view, 11> order = {"draft", "submitted", "approved", "scheduled",
                                                             "assigned", "in-progress", "on-hold", "completed",
                                                             "verified", "closed", "cancelled"};
  for (size_t i = 0; i < order.size(); ++i)
    if (order[i] == status) return static_cast<int>(i);
  return -1;
}

bool between(std::string_view status, std::string_view lo, std::string_view hi) {
  int i = lifecycleIndex(status);
  return i >= lifecycleIndex(lo) && i <= lifecycleIndex(hi);
}

}  // namespace

const StateMachine& workOrderMachine() {
  static const StateMachine m = buildWorkOrder();
  return m;
}
const StateMachine& assetMachine() {
  static const StateMachine m = buildAsset();
  return m;
}
const StateMachine& permitMachine() {
  static const StateMachine m = buildPermit();
  return m;
}
const StateMachine& taskMachine() {
  static const StateMachine m = buildTask();
  return m;
}

bool workOrderActive(std::string_view s) {
  return s != "closed" && s != "cancelled" && s != "draft" && s != "verified";
}

bool workOrderFieldMutable(std::string_view field, std::string_view status) {
  if (status == "closed" || status == "cancelled") return false;
  if (field == "workOrderId" || field == "siteId") return false;
  if (field == "type" || field == "assetId") return between(status, "draft", "submitted");
  if (field == "title") return between(status, "draft", "approved");
  if (field == "description") return between(status, "draft", "scheduled");
  if (field == "priority" || field == "tags" || field == "customFields" || field == "safetyNotes" ||
      field == "requiredPpe" || field == "estimatedDurationMinutes" || field == "estimatedCost" || field == "sla")
    return true;
  if (field == "assignedTo" || field == "scheduledStart" || field == "scheduledEnd")
    return status == "draft" || status == "submitted" || between(status, "approved", "assigned");
  if (field == "tasks" || field == "skills") return between(status, "draft", "in-progress") || status == "on-hold";
  if (field == "partsRequired") return between(status, "draft", "scheduled");
  if (field == "partsUsed" || field == "laborRecords" || field == "measurements")
    return between(status, "in-progress", "completed");
  if (field == "completionNotes") return status == "completed" || status == "in-progress";
  if (field == "rootCause" || field == "preventiveActions") return between(status, "completed", "verified") || status == "in-progress";
  if (field == "downtimeMinutes" || field == "productionLossMwh") return true;
  return false;
}

}  // namespace dcmms::domain
