#include "core/scheduler.h"

#include <gtest/gtest.h>

#include "core/event_bus.h"

namespace dcmms {

TEST(Scheduler, RunsJobsWhenManualClockMoves) {
  ManualClock clock(1'000'000);
  Scheduler s(clock);
  int runs = 0;
  s.every("sla", 60'000, [&](int64_t) { ++runs; });
  EXPECT_EQ(s.tick(), 0);
  clock.advance(59'999);
  EXPECT_EQ(s.tick(), 0);
  clock.advance(1);
  EXPECT_EQ(s.tick(), 1);
  EXPECT_EQ(runs, 1);
  clock.advance(10 * 60'000);  // a big jump runs the job once
  s.tick();
  EXPECT_EQ(runs, 2);
}

TEST(EventBus, DeliversByTypeAndWildcard) {
  EventBus bus;
  int typed = 0, all = 0;
  bus.subscribe("WorkOrderStateChanged", [&](const DomainEvent&) { ++typed; });
  int id = bus.subscribe("*", [&](const DomainEvent&) { ++all; });
  bus.publish({.type = "WorkOrderStateChanged"});
  bus.publish({.type = "AssetStatusChanged"});
  EXPECT_EQ(typed, 1);
  EXPECT_EQ(all, 2);
  bus.unsubscribe(id);
  bus.publish({.type = "AssetStatusChanged"});
  EXPECT_EQ(all, 2);
}

}  // namespace dcmms
