#include "core/byte_budget.h"

#include <gtest/gtest.h>

#include <vector>

namespace dcmms {
namespace {

TEST(ByteBudget, AdmitsWhileTheBytesFitAndReleasesWithThePermit) {
  ByteBudget budget(100);
  auto a = budget.tryAcquire(60);
  ASSERT_TRUE(a);
  auto b = budget.tryAcquire(40);
  ASSERT_TRUE(b);
  EXPECT_FALSE(budget.tryAcquire(1));  // full: the caller answers 503 + Retry-After
  EXPECT_EQ(budget.inFlight(), 100u);
  a.reset();
  EXPECT_EQ(budget.inFlight(), 40u);
  EXPECT_TRUE(budget.tryAcquire(60));  // a temporary: released at once
  EXPECT_EQ(budget.inFlight(), 40u);
}

TEST(ByteBudget, OneItemLargerThanTheBudgetRunsAlone) {
  ByteBudget budget(100);
  {
    auto big = budget.tryAcquire(500);
    ASSERT_TRUE(big);
    EXPECT_FALSE(budget.tryAcquire(1));
  }
  auto small = budget.tryAcquire(10);
  ASSERT_TRUE(small);
  EXPECT_FALSE(budget.tryAcquire(500));  // not while anything else is in flight
}

TEST(ByteBudget, PermitsMoveWithoutReleasingTwice) {
  ByteBudget budget(100);
  std::vector<ByteBudget::Permit> held;
  for (int i = 0; i < 4; ++i) held.push_back(*budget.tryAcquire(25));
  EXPECT_EQ(budget.inFlight(), 100u);
  held.clear();
  EXPECT_EQ(budget.inFlight(), 0u);
}

}  // namespace
}  // namespace dcmms
