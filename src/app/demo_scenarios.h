// The demo's work orders as data: which job on which asset, how far through the lifecycle
// it got, when, by whom, and what happened on the way (faults, rejections, holds, rework).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "auth/roles.h"

namespace dcmms::app {

// Final state of a demo work order, in lifecycle order (Cancelled last).
enum class Target { Draft, Submitted, Approved, Scheduled, Assigned, InProgress, OnHold, Completed, Verified, Closed, Cancelled };

struct Scenario {
  std::string_view job;    // DemoJob key
  std::string_view site;
  std::string_view asset;
  Target target = Target::Draft;
  // Scheduled work: the work day, counted back from the seeding (negative: ahead). Work that
  // never got scheduled: the day it was raised.
  int day = 0;
  int minutesAgo = 0;  // InProgress: work started this long before the seeding
  auth::Role assignee = auth::Role::FieldTechnicianElectrical;
  std::optional<auth::Role> helper = {};  // a second technician whose hours the supervisor books
  std::string_view fault = {};            // SCADA marks the asset failed|degraded and raises the WO
  bool alarm = false;                     // raised from a SCADA alarm without an asset status change
  std::string_view rejectReason = {};     // sent back to draft once before approval
  std::string_view holdReason = {};       // put on hold (target OnHold: still there; otherwise resumed)
  std::string_view reopenReason = {};     // the verifier sends it back once
  int skipTask = 0;                       // sequence number of a task skipped with skipReason
  std::string_view skipReason = {};
  Target cancelFrom = Target::Draft;      // target Cancelled: the state it was cancelled from
  std::string_view cancelReason = {};
};

const std::vector<Scenario>& demoScenarios();

}  // namespace dcmms::app
