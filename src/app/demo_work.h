// The demo's maintenance history: about sixty work orders in every one of the 11 states,
// walked through the real lifecycle (submit, approve, schedule, assign, permits, start,
// tasks, measurements, parts, labour, hold/resume, complete, reopen, verify, close, cancel)
// by the demo users, on a manual clock so the audit trail reads like months of plant life.
#pragma once

#include <map>
#include <string>

#include "app/demo_world.h"

namespace dcmms::app {

struct WorkCounts {
  int total = 0;
  std::map<std::string, int> byStatus;
};

// Needs the plants and users of seedPlants/seedUsers.
WorkCounts seedWorkOrders(DemoWorld& world);

}  // namespace dcmms::app
