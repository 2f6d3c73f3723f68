#include <gtest/gtest.h>

#include <cmath>

#include "sim_test_util.h"
#include "telemetry/sim/plant_model.h"
#include "telemetry/sim/sun.h"

namespace dcmms::telemetry {
namespace {

using testutil::smallSolar;
using testutil::utcMs;
using testutil::valueOf;

TEST(SimSun, SolarNoonAndNight) {
  // 27°N 71.9°E on the June solstice: solar noon ≈ 12:00 − 71.9·4 min + ~1.5 min ≈ 07:14 UTC.
  auto noon = sim::sunPosition(utcMs(2025, 6, 21, 7, 14), 27.0, 71.9);
  EXPECT_NEAR(noon.hourAngleDeg, 0, 1.0);
  EXPECT_NEAR(noon.elevationDeg, 90 - (27.0 - 23.44), 0.5);
  EXPECT_NEAR(noon.declinationDeg, 23.44, 0.1);
  EXPECT_EQ(noon.dayOfYear, 172);
  auto midnight = sim::sunPosition(utcMs(2025, 6, 21, 19, 14), 27.0, 71.9);
  EXPECT_LT(midnight.elevationDeg, -30);
  EXPECT_EQ(sim::clearSkyGhi(midnight.elevationDeg), 0);
  EXPECT_GT(sim::clearSkyGhi(noon.elevationDeg), 900);
  EXPECT_LT(sim::clearSkyGhi(noon.elevationDeg), 1100);
}

TEST(SimSolar, NothingAtNight) {
  PlantModel model(smallSolar(0.5), 7);
  // Local night: 17:00–23:00 UTC at 71.9°E (22:45–04:45 solar time).
  for (int64_t ts = utcMs(2025, 3, 10, 17); ts < utcMs(2025, 3, 10, 23); ts += 60000) {
    auto pts = model.sample(ts);
    ASSERT_EQ(*valueOf(pts, "WS-01", "irradiance"), 0);
    ASSERT_EQ(*valueOf(pts, "WS-01", "poa_irradiance"), 0);
    ASSERT_EQ(*valueOf(pts, "INV-01-CB-01-STR-01", "dc_current"), 0);
    ASSERT_EQ(*valueOf(pts, "INV-01", "power"), 0);
    ASSERT_EQ(*valueOf(pts, "TR-01", "power"), 0);
  }
}

TEST(SimSolar, PeakNearSolarNoonUnderClearSky) {
  PlantModel model(smallSolar(0.0), 11);
  const int64_t day = utcMs(2025, 6, 21);
  int64_t bestTs = 0;
  double best = -1;
  for (int64_t ts = day; ts < day + 86400000; ts += 5 * 60000) {
    auto pts = model.sample(ts);
    double ghi = *valueOf(pts, "WS-01", "irradiance");
    if (ghi > best) {
      best = ghi;
      bestTs = ts;
    }
  }
  const int64_t solarNoon = utcMs(2025, 6, 21, 7, 14);
  EXPECT_LE(std::llabs(bestTs - solarNoon), 10 * 60000) << "peak at " << (bestTs - day) / 60000 << " min UTC";
  EXPECT_GT(best, 900);
  EXPECT_LT(best, 1100);
}

TEST(SimSolar, PowerChainIsConsistentAtMidday) {
  PlantModel model(smallSolar(0.0), 3);
  const int64_t noon = utcMs(2025, 4, 15, 7, 10);
  std::vector<Point> pts;
  for (int64_t ts = noon - 3600000; ts <= noon; ts += 60000) pts = model.sample(ts);
  const double poa = *valueOf(pts, "WS-01", "poa_irradiance");
  EXPECT_GT(poa, 850);
  // Combiner current is the sum of its string currents (within noise).
  double sum = 0;
  for (int s = 1; s <= 3; ++s) sum += *valueOf(pts, "INV-01-CB-01-STR-0" + std::to_string(s), "dc_current");
  EXPECT_NEAR(*valueOf(pts, "INV-01-CB-01", "dc_current"), sum, sum * 0.01);
  // A string of 16.24 kWp at ~1100 V carries 10–15 A at this irradiance.
  EXPECT_GT(sum / 3, 9);
  EXPECT_LT(sum / 3, 16);
  // AC power = DC power × efficiency; efficiency of a loaded inverter 90–99 %.
  const double eff = *valueOf(pts, "INV-01", "efficiency");
  EXPECT_GT(eff, 90);
  EXPECT_LT(eff, 99);
  EXPECT_NEAR(*valueOf(pts, "INV-01", "power"), *valueOf(pts, "INV-01", "dc_power") * eff / 100, 5);
  // Module temperature above ambient in the sun.
  EXPECT_GT(*valueOf(pts, "WS-01", "module_temperature"), *valueOf(pts, "WS-01", "ambient_temperature") + 10);
  // Transformer carries both inverters minus 1 % losses.
  const double ac = *valueOf(pts, "INV-01", "power") + *valueOf(pts, "INV-02", "power");
  EXPECT_NEAR(*valueOf(pts, "TR-01", "power"), ac * 0.99, ac * 0.01);
  EXPECT_GT(*valueOf(pts, "INV-01", "energy"), 0);
}

TEST(SimSolar, InverterClipsAtRating) {
  // An oversized array (DC/AC 2) must clip at the inverter's AC rating.
  SimPlant p;
  p.siteId = "S";
  p.kind = PlantKind::solar;
  p.latitude = 27;
  p.longitude = 71.9;
  p.cloudCover = 0;
  p.assets = {{"WS-01", AssetKind::weatherStation, "", 0, 0},
              {"INV-01", AssetKind::inverter, "", 100, 0},
              {"INV-01-CB-01", AssetKind::combiner, "INV-01", 200, 0}};
  PlantModel model(p, 1);
  auto pts = model.sample(utcMs(2025, 4, 15, 7, 10));
  EXPECT_LE(*valueOf(pts, "INV-01", "power"), 100.2);
  EXPECT_GT(*valueOf(pts, "INV-01", "power"), 99);
  EXPECT_LT(*valueOf(pts, "INV-01", "dc_power"), 110);
}

TEST(SimSolar, CloudsReduceAndVaryIrradiance) {
  PlantModel clear(smallSolar(0.0), 5);
  PlantModel cloudy(smallSolar(0.8), 5);
  double sumClear = 0, sumCloudy = 0;
  for (int64_t ts = utcMs(2025, 4, 15, 5); ts < utcMs(2025, 4, 15, 9); ts += 60000) {
    sumClear += *valueOf(clear.sample(ts), "WS-01", "irradiance");
    sumCloudy += *valueOf(cloudy.sample(ts), "WS-01", "irradiance");
  }
  EXPECT_LT(sumCloudy, sumClear * 0.8);
  EXPECT_GT(sumCloudy, 0);
}

TEST(SimSolar, SameSeedSameData) {
  PlantModel a(smallSolar(), 42), b(smallSolar(), 42), c(smallSolar(), 43);
  bool differs = false;
  for (int64_t ts = utcMs(2025, 5, 1, 6); ts < utcMs(2025, 5, 1, 6, 30); ts += 1000) {
    auto pa = a.sample(ts), pb = b.sample(ts), pc = c.sample(ts);
    ASSERT_EQ(pa.size(), pb.size());
    for (size_t i = 0; i < pa.size(); ++i) {
      ASSERT_EQ(pa[i].key, pb[i].key);
      ASSERT_EQ(pa[i].value, pb[i].value) << pa[i].key.assetId << " " << pa[i].key.metric;
      ASSERT_EQ(pa[i].unit, pb[i].unit);
      if (pa[i].value != pc[i].value) differs = true;
    }
  }
  EXPECT_TRUE(differs);
}

TEST(SimSolar, ValuesAreRounded) {
  PlantModel model(smallSolar(), 9);
  auto pts = model.sample(utcMs(2025, 5, 1, 7));
  ASSERT_EQ(pts.size(), model.pointsPerSample());
  for (const auto& p : pts) {
    double scaled = p.value * 1000;
    EXPECT_NEAR(scaled, std::round(scaled), 1e-6) << p.key.metric << "=" << p.value;
    EXPECT_FALSE(p.unit.empty()) << p.key.metric;
  }
}

}  // namespace
}  // namespace dcmms::telemetry
