// The entity state machines as data: one table of edges per entity, each edge naming the
// permission it needs, whether a reason is required, and which guards and side effects run.
// Services interpret these tables; tests walk every (from, to) pair against them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dcmms::domain {

// Guards and side effects are named so the table stays data; the work-order service
// implements each name once.
enum class Guard {
  SubmitReady,        // title, description (not preventive), priority, asset exists, assignee skills
  ApprovalCeiling,    // estimated cost within the approver's ceiling
  ScheduleValid,      // start in the future, end > start, no assignee conflict
  AssigneeValid,      // assignedTo set, active user on the site, skills ⊇ WO skills
  StartWindow,        // now within scheduledStart ± 2 h
  PermitsIssued,      // every permit of the WO is issued (and not expired)
  ExecutorIsAssignee, // only the assignee executes, unless supervisor/plant manager/admin
  CompletionReady,    // tasks done/skipped, labour recorded, completion notes, measurements
  VerifierNotExecutor,
  EmergencyOverrideFromInProgress,
};

enum class Effect {
  StampSubmitted, StampApproved, StampRejected, StampScheduled, StampAssigned,
  StartWork,        // actualStart, asset → under-maintenance, open labour record, SLA response met
  HoldWork,         // onHold*, close open labour record
  ResumeWork,       // resumedAt, open a new labour record
  CompleteWork,     // actualEnd, duration, close labour, asset → operational when idle
  StampVerified,    // verifiedAt/By, totalCost
  Reopen,           // reopen*, new labour record on restart
  StampClosed,      // closedAt/By, release reservations
  Cancel,           // cancelled*, close labour, restore asset status
  Unschedule,       // scheduled→approved: clear schedule
  Unassign,         // assigned→scheduled: clear assignee
};

struct Edge {
  std::string_view from;
  std::string_view to;
  std::string_view permission;  // e.g. "approve:work-orders"
  bool reasonRequired = false;
  std::vector<Guard> guards;
  std::vector<Effect> effects;
  std::string_view name;  // "submit", "approve", "reject", ...
};

struct StateMachine {
  std::string_view entity;
  std::vector<std::string_view> states;
  std::vector<std::string_view> terminal;
  std::vector<Edge> edges;

  const Edge* find(std::string_view from, std::string_view to) const;
  std::vector<std::string_view> allowedFrom(std::string_view from) const;
  bool isState(std::string_view s) const;
  bool isTerminal(std::string_view s) const;
};

const StateMachine& workOrderMachine();
const StateMachine& assetMachine();
const StateMachine& permitMachine();
const StateMachine& taskMachine();

// Work-order field mutability per state (01 §2.1). Returns true when `field` may be changed
// by PATCH while the WO is in `status`.
bool workOrderFieldMutable(std::string_view field, std::string_view status);
// Statuses counted as "active work" on an asset (blocks asset deletion/decommissioning).
bool workOrderActive(std::string_view status);

}  // namespace dcmms::domain
