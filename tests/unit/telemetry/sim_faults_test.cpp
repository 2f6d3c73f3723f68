#include <gtest/gtest.h>

#include "core/error.h"
#include "sim_test_util.h"
#include "telemetry/sim/plant_model.h"

namespace dcmms::telemetry {
namespace {

using testutil::countAsset;
using testutil::smallSolar;
using testutil::utcMs;
using testutil::valueOf;

// Faults do not change the random stream, so a faulted model and an unfaulted one with the
// same seed differ only by the fault's effect.
struct Pair {
  PlantModel base;
  PlantModel faulted;
};

TEST(SimFaults, CommLossSilencesOnlyThatAssetDuringTheWindow) {
  PlantModel model(smallSolar(), 1);
  const int64_t t0 = utcMs(2025, 5, 1, 6);
  model.injectFault({"INV-01", FaultType::commLoss, t0 + 60000, t0 + 120000, 1});
  for (int64_t ts = t0; ts < t0 + 180000; ts += 10000) {
    auto pts = model.sample(ts);
    const bool inWindow = ts >= t0 + 60000 && ts < t0 + 120000;
    EXPECT_EQ(countAsset(pts, "INV-01"), inWindow ? 0u : 10u) << ts - t0;
    EXPECT_EQ(countAsset(pts, "INV-02"), 10u);
    EXPECT_EQ(countAsset(pts, "INV-01-CB-01"), 3u);
  }
}

TEST(SimFaults, StringOutageZeroesThatStringOnly) {
  Pair m{PlantModel(smallSolar(0), 4), PlantModel(smallSolar(0), 4)};
  const int64_t noon = utcMs(2025, 5, 1, 7, 10);
  m.faulted.injectFault({"INV-01-CB-01-STR-02", FaultType::stringOutage, noon - 600000, noon + 600000, 1});
  auto base = m.base.sample(noon), faulted = m.faulted.sample(noon);
  EXPECT_EQ(*valueOf(faulted, "INV-01-CB-01-STR-02", "dc_current"), 0);
  EXPECT_GT(*valueOf(base, "INV-01-CB-01-STR-02", "dc_current"), 5);
  EXPECT_EQ(*valueOf(faulted, "INV-01-CB-01-STR-01", "dc_current"), *valueOf(base, "INV-01-CB-01-STR-01", "dc_current"));
  // The combiner loses about one string's current.
  const double lost = *valueOf(base, "INV-01-CB-01", "dc_current") - *valueOf(faulted, "INV-01-CB-01", "dc_current");
  EXPECT_NEAR(lost, *valueOf(base, "INV-01-CB-01-STR-02", "dc_current"), 0.5);
  EXPECT_LT(*valueOf(faulted, "INV-01", "power"), *valueOf(base, "INV-01", "power"));
  // After the window the string is back.
  auto later = m.faulted.sample(noon + 700000);
  EXPECT_GT(*valueOf(later, "INV-01-CB-01-STR-02", "dc_current"), 5);
}

TEST(SimFaults, OverTemperatureRaisesTemperature) {
  Pair m{PlantModel(smallSolar(), 6), PlantModel(smallSolar(), 6)};
  const int64_t t0 = utcMs(2025, 5, 1, 6);
  m.faulted.injectFault({"INV-02", FaultType::overTemperature, t0, t0 + 3600000, 0.5});
  std::vector<Point> base, faulted;
  for (int64_t ts = t0; ts <= t0 + 600000; ts += 10000) {
    base = m.base.sample(ts);
    faulted = m.faulted.sample(ts);
  }
  EXPECT_NEAR(*valueOf(faulted, "INV-02", "temperature") - *valueOf(base, "INV-02", "temperature"), 20, 0.02);
  EXPECT_EQ(*valueOf(faulted, "INV-01", "temperature"), *valueOf(base, "INV-01", "temperature"));
}

TEST(SimFaults, SoilingReducesOutputBelowTheAsset) {
  Pair m{PlantModel(smallSolar(0), 2), PlantModel(smallSolar(0), 2)};
  const int64_t noon = utcMs(2025, 5, 1, 7, 10);
  m.faulted.injectFault({"INV-01", FaultType::soiling, noon - 1, noon + 1, 1.0});
  auto base = m.base.sample(noon), faulted = m.faulted.sample(noon);
  const double ratio = *valueOf(faulted, "INV-01-CB-02-STR-03", "dc_current") / *valueOf(base, "INV-01-CB-02-STR-03", "dc_current");
  EXPECT_NEAR(ratio, 0.7, 0.02);
  EXPECT_EQ(*valueOf(faulted, "INV-02", "power"), *valueOf(base, "INV-02", "power"));
}

TEST(SimFaults, YawMisalignmentOffsetsYawAndCostsPower) {
  WindLayout layout;
  layout.turbines = 2;
  Pair m{PlantModel(demoWindFarm("W", layout), 3), PlantModel(demoWindFarm("W", layout), 3)};
  const int64_t t0 = utcMs(2025, 1, 10);
  m.faulted.injectFault({"WTG-01", FaultType::yawMisalignment, t0, t0 + 86400000, 1.0});
  double basePower = 0, faultPower = 0;
  for (int64_t ts = t0; ts < t0 + 86400000; ts += 600000) {
    auto b = m.base.sample(ts), f = m.faulted.sample(ts);
    EXPECT_NEAR(*valueOf(f, "WTG-01", "yaw_error") - *valueOf(b, "WTG-01", "yaw_error"), 30, 0.011);
    basePower += *valueOf(b, "WTG-01", "power");
    faultPower += *valueOf(f, "WTG-01", "power");
  }
  ASSERT_GT(basePower, 0);
  EXPECT_LT(faultPower, basePower * 0.9);
}

TEST(SimFaults, RejectsBadFaults) {
  PlantModel model(smallSolar(), 1);
  EXPECT_THROW(model.injectFault({"NOPE", FaultType::commLoss, 0, 10, 1}), ApiException);
  EXPECT_THROW(model.injectFault({"INV-01", FaultType::commLoss, 10, 10, 1}), ApiException);
  EXPECT_THROW(model.injectFault({"INV-01", FaultType::commLoss, 0, 10, 1.5}), ApiException);
  EXPECT_THROW(model.injectFault({"INV-01", FaultType::yawMisalignment, 0, 10, 1}), ApiException);
  EXPECT_EQ(parseFaultType("string-outage"), FaultType::stringOutage);
  EXPECT_EQ(parseFaultType("bogus"), std::nullopt);
}

}  // namespace
}  // namespace dcmms::telemetry
