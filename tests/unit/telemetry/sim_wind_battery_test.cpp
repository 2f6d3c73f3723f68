#include <gtest/gtest.h>

#include <cmath>

#include "sim_test_util.h"
#include "telemetry/sim/kind_models.h"
#include "telemetry/sim/plant_model.h"

namespace dcmms::telemetry {
namespace {

using testutil::utcMs;
using testutil::valueOf;

TEST(SimWind, PowerCurve) {
  EXPECT_EQ(sim::turbinePowerKw(0, 3000), 0);
  EXPECT_EQ(sim::turbinePowerKw(2.99, 3000), 0);
  EXPECT_GT(sim::turbinePowerKw(5, 3000), 0);
  EXPECT_EQ(sim::turbinePowerKw(12, 3000), 3000);
  EXPECT_EQ(sim::turbinePowerKw(24.9, 3000), 3000);
  EXPECT_EQ(sim::turbinePowerKw(25.1, 3000), 0);
  double prev = 0;
  for (double v = 3; v <= 12; v += 0.25) {
    double p = sim::turbinePowerKw(v, 3000);
    EXPECT_GE(p, prev);
    prev = p;
  }
}

TEST(SimWind, FarmPowerWithinCurveAndWeibullMean) {
  WindLayout layout;
  layout.turbines = 4;
  PlantModel model(demoWindFarm("SITE-WIND-T", layout), 21);
  double windSum = 0;
  size_t n = 0, producing = 0, calm = 0;
  // 30 days at 10-minute resolution.
  for (int64_t ts = utcMs(2025, 1, 1); ts < utcMs(2025, 1, 31); ts += 600000) {
    auto pts = model.sample(ts);
    ASSERT_EQ(pts.size(), 4u * 14);
    for (int t = 1; t <= 4; ++t) {
      std::string id = "WTG-0" + std::to_string(t);
      const double v = *valueOf(pts, id, "wind_speed");
      const double p = *valueOf(pts, id, "power");
      windSum += v;
      ++n;
      ASSERT_GE(p, 0);
      ASSERT_LE(p, 3000);
      if (v < 2.9) {
        ASSERT_EQ(p, 0) << "below cut-in at " << v << " m/s";
        ++calm;
      }
      if (p > 0) {
        ++producing;
        ASSERT_GT(*valueOf(pts, id, "rotor_speed"), 5);
      }
      ASSERT_NEAR(*valueOf(pts, id, "generator_speed"), *valueOf(pts, id, "rotor_speed") * 101, 3);
    }
  }
  // Weibull(k=2, c=8) has mean 7.09 m/s; wake losses take 0–12 % off.
  const double mean = windSum / static_cast<double>(n);
  EXPECT_GT(mean, 5.5);
  EXPECT_LT(mean, 8.0);
  EXPECT_GT(producing, n / 2);
  EXPECT_GT(calm, 0u);
}

TEST(SimWind, SameSeedSameData) {
  PlantModel a(demoWindFarm("W"), 5), b(demoWindFarm("W"), 5);
  for (int64_t ts = utcMs(2025, 2, 1); ts < utcMs(2025, 2, 1, 0, 10); ts += 1000) {
    auto pa = a.sample(ts), pb = b.sample(ts);
    ASSERT_EQ(pa.size(), pb.size());
    for (size_t i = 0; i < pa.size(); ++i) ASSERT_EQ(pa[i].value, pb[i].value);
  }
}

TEST(SimBattery, SocStaysWithinBoundsAndFollowsSchedule) {
  BatteryLayout layout;
  layout.pcsUnits = 2;
  layout.racksPerPcs = 2;
  PlantModel model(demoBattery("SITE-BESS-T", layout), 8);
  double minSoc = 100, maxSoc = 0;
  double socBeforeCharge = 0, socAfterCharge = 0, socAfterDischarge = 0;
  // Solar time at 72°E ≈ UTC + 4 h 48 min. Charge window 09:30–14:30 solar ≈ 04:42–09:42 UTC,
  // discharge 17:30–21:30 solar ≈ 12:42–16:42 UTC.
  for (int64_t ts = utcMs(2025, 3, 1); ts < utcMs(2025, 3, 4); ts += 60000) {
    auto pts = model.sample(ts);
    for (const auto& p : pts) {
      if (p.key.metric != "state_of_charge") continue;
      minSoc = std::min(minSoc, p.value);
      maxSoc = std::max(maxSoc, p.value);
    }
    if (ts == utcMs(2025, 3, 2, 4, 30)) socBeforeCharge = *valueOf(pts, "BESS-RACK-01", "state_of_charge");
    if (ts == utcMs(2025, 3, 2, 7)) {
      EXPECT_LT(*valueOf(pts, "PCS-01", "power"), -1500);
    }
    if (ts == utcMs(2025, 3, 2, 10)) socAfterCharge = *valueOf(pts, "BESS-RACK-01", "state_of_charge");
    if (ts == utcMs(2025, 3, 2, 14)) {
      EXPECT_GT(*valueOf(pts, "PCS-01", "power"), 1500);
    }
    if (ts == utcMs(2025, 3, 2, 17)) socAfterDischarge = *valueOf(pts, "BESS-RACK-01", "state_of_charge");
  }
  EXPECT_GE(minSoc, 0);
  EXPECT_LE(maxSoc, 100);
  EXPECT_GT(socAfterCharge, socBeforeCharge + 50);
  EXPECT_LT(socAfterDischarge, socAfterCharge - 50);
  EXPECT_LE(maxSoc, 95.5);  // the PCS stops charging at 95 %
  EXPECT_GE(minSoc, 4.5);   // … and discharging at 5 %
}

TEST(SimBattery, RackElectricalsArePlausible) {
  BatteryLayout layout;
  layout.pcsUnits = 1;
  layout.racksPerPcs = 4;
  PlantModel model(demoBattery("B", layout), 2);
  auto pts = model.sample(utcMs(2025, 3, 2, 14));  // discharging
  const double v = *valueOf(pts, "BESS-RACK-01", "dc_voltage");
  const double i = *valueOf(pts, "BESS-RACK-01", "dc_current");
  const double p = *valueOf(pts, "BESS-RACK-01", "dc_power");
  EXPECT_GT(v, 1000);
  EXPECT_LT(v, 1400);
  EXPECT_NEAR(v * i / 1000, p, std::fabs(p) * 0.02 + 1);
  EXPECT_LT(*valueOf(pts, "BESS-RACK-01", "cell_temperature_min"), *valueOf(pts, "BESS-RACK-01", "cell_temperature_max"));
}

}  // namespace
}  // namespace dcmms::telemetry
