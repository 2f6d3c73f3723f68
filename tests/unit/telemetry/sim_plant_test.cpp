#include <gtest/gtest.h>

#include <cctype>
#include <set>

#include "core/error.h"
#include "telemetry/sim/plant.h"
#include "telemetry/sim/plant_model.h"

namespace dcmms::telemetry {
namespace {

bool twoDigits(const std::string& s, size_t pos) {
  return pos + 2 == s.size() || (pos + 2 < s.size() && s[pos + 2] == '-')
             ? std::isdigit(static_cast<unsigned char>(s[pos])) && std::isdigit(static_cast<unsigned char>(s[pos + 1]))
             : false;
}

// WS-nn | TR-nn | INV-nn[-CB-nn[-STR-nn]]
bool followsScheme(const std::string& id) {
  for (const char* prefix : {"WS-", "TR-"}) {
    if (id.rfind(prefix, 0) == 0) return id.size() == 5 && twoDigits(id, 3);
  }
  if (id.rfind("INV-", 0) != 0 || !twoDigits(id, 4)) return false;
  if (id.size() == 6) return true;
  if (id.compare(6, 4, "-CB-") != 0 || !twoDigits(id, 10)) return false;
  if (id.size() == 12) return true;
  return id.size() == 19 && id.compare(12, 5, "-STR-") == 0 && twoDigits(id, 17);
}

size_t countKind(const SimPlant& p, AssetKind k) {
  size_t n = 0;
  for (const auto& a : p.assets) n += a.kind == k;
  return n;
}

TEST(SimPlant, DemoPortfolioFollowsTheIdScheme) {
  SimPlant solar = demoSolarPlant("SITE-SOLAR-01");
  EXPECT_EQ(countKind(solar, AssetKind::inverter), 20u);
  EXPECT_EQ(countKind(solar, AssetKind::transformer), 10u);
  EXPECT_EQ(countKind(solar, AssetKind::combiner), 240u);
  EXPECT_EQ(countKind(solar, AssetKind::string), 3840u);
  EXPECT_EQ(countKind(solar, AssetKind::weatherStation), 1u);
  std::set<std::string> ids;
  for (const auto& a : solar.assets) {
    EXPECT_TRUE(followsScheme(a.assetId)) << a.assetId;
    ids.insert(a.assetId);
  }
  EXPECT_EQ(ids.size(), solar.assets.size());
  EXPECT_TRUE(ids.count("INV-20-CB-12-STR-16"));

  SimPlant wind = demoWindFarm("SITE-WIND-01");
  EXPECT_EQ(countKind(wind, AssetKind::turbine), 20u);
  EXPECT_EQ(wind.assets.front().assetId, "WTG-01");

  SimPlant bess = demoBattery("SITE-BESS-01");
  EXPECT_EQ(countKind(bess, AssetKind::pcs), 10u);
  EXPECT_EQ(countKind(bess, AssetKind::batteryRack), 40u);
  double kwh = 0;
  for (const auto& a : bess.assets) kwh += a.capacityKwh;
  EXPECT_EQ(kwh, 100000);
  EXPECT_EQ(bess.assets.back().assetId, "BESS-RACK-40");
  EXPECT_EQ(bess.assets.back().parentId, "PCS-10");
}

TEST(SimPlant, JsonRoundTrip) {
  SolarLayout layout;
  layout.inverters = 3;
  layout.combinersPerInverter = 2;
  layout.stringsPerCombiner = 2;
  std::vector<SimPlant> plants{demoSolarPlant("A", layout), demoWindFarm("B"), demoBattery("C")};
  auto back = plantsFromJson(plantsToJson(plants));
  ASSERT_EQ(back.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(back[i].siteId, plants[i].siteId);
    EXPECT_EQ(back[i].kind, plants[i].kind);
    EXPECT_DOUBLE_EQ(back[i].latitude, plants[i].latitude);
    ASSERT_EQ(back[i].assets.size(), plants[i].assets.size());
    for (size_t j = 0; j < back[i].assets.size(); ++j) {
      EXPECT_EQ(back[i].assets[j].assetId, plants[i].assets[j].assetId);
      EXPECT_EQ(back[i].assets[j].kind, plants[i].assets[j].kind);
      EXPECT_EQ(back[i].assets[j].parentId, plants[i].assets[j].parentId);
      EXPECT_DOUBLE_EQ(back[i].assets[j].ratedKw, plants[i].assets[j].ratedKw);
    }
  }
  // A single plant object is accepted too.
  EXPECT_EQ(plantsFromJson(plantToJson(plants[1])).size(), 1u);
}

TEST(SimPlant, JsonErrorsNameTheField) {
  auto fieldOf = [](const std::string& text) {
    try {
      plantsFromJson(text);
    } catch (const ApiException& e) {
      return e.error().details.empty() ? e.error().code : e.error().details[0].field;
    }
    return std::string("no error");
  };
  EXPECT_EQ(fieldOf(R"({"siteId":"S","kind":"tidal"})"), "kind");
  EXPECT_EQ(fieldOf(R"({"plants":[{"siteId":"S","kind":"solar","assets":[{"assetId":"X","kind":"rotor"}]}]})"),
            "plants[0].assets[0].kind");
  EXPECT_EQ(fieldOf(R"({"siteId":"S","kind":"solar","latitude":95})"), "latitude");
  EXPECT_EQ(fieldOf(R"({"siteId":"S","kind":"solar","assets":[{"assetId":"X","kind":"string","parentId":"Y"}]})"),
            "assets");
  EXPECT_EQ(fieldOf("{nope"), "INVALID_JSON");
}

TEST(SimPlant, ModelRejectsParentCycles) {
  SimPlant p;
  p.siteId = "S";
  p.assets = {{"A", AssetKind::combiner, "B", 0, 0}, {"B", AssetKind::inverter, "A", 0, 0}};
  EXPECT_THROW(PlantModel(p, 1), ApiException);
}

TEST(SimPlant, PointsPerSampleMatchesTheDemoSizes) {
  PlantModel solar(demoSolarPlant("S"), 1), wind(demoWindFarm("W"), 1), bess(demoBattery("B"), 1);
  EXPECT_EQ(solar.pointsPerSample(), 6 + 3840 + 240 * 3 + 20 * 10 + 10 * 4u);
  EXPECT_EQ(wind.pointsPerSample(), 20 * 14u);
  EXPECT_EQ(bess.pointsPerSample(), 10 * 5 + 40 * 6u);
  EXPECT_EQ(solar.sample(1748761200000).size(), solar.pointsPerSample());
  EXPECT_EQ(bess.sample(1748761200000).size(), bess.pointsPerSample());
}

}  // namespace
}  // namespace dcmms::telemetry
