#include "telemetry/ingest/validate.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ingest_test_util.h"
#include "telemetry/ingest/deadband.h"
#include "telemetry/ingest/sensor_types.h"
#include "telemetry/ingest/units.h"

namespace dcmms::telemetry {
namespace {

using testing::context;
using testing::kHour;
using testing::kNow;

double convert(std::string_view unit, double x) { return lookupUnit(unit).value().toCanonical.apply(x); }
std::string canonical(std::string_view unit) { return std::string(lookupUnit(unit).value().canonical); }

TEST(Units, NormalisesToTheCanonicalUnitOfEachDimension) {
  EXPECT_EQ(convert("W", 1500.5), 1.5005);  // exact: a division, not * 0.001
  EXPECT_EQ(canonical("W"), "kW");
  EXPECT_DOUBLE_EQ(convert("MW", 2.5), 2500);
  EXPECT_DOUBLE_EQ(convert("Wh", 500), 0.5);
  EXPECT_DOUBLE_EQ(convert("MWh", 1.2), 1200);
  EXPECT_EQ(canonical("MWh"), "kWh");
  EXPECT_DOUBLE_EQ(convert("°F", 212), 100);
  EXPECT_DOUBLE_EQ(convert("°F", -40), -40);
  EXPECT_DOUBLE_EQ(convert("K", 273.15), 0);
  EXPECT_EQ(canonical("kelvin"), "°C");
  EXPECT_DOUBLE_EQ(convert("mA", 20), 0.02);
  EXPECT_DOUBLE_EQ(convert("kV", 33), 33000);
  EXPECT_EQ(canonical("kV"), "V");
  EXPECT_DOUBLE_EQ(convert("km/h", 36), 10);
  EXPECT_DOUBLE_EQ(convert("hPa", 1013), 101.3);
  EXPECT_DOUBLE_EQ(convert("kW/m2", 1.2), 1200);
  EXPECT_EQ(canonical("W/m2"), "W/m²");
  EXPECT_EQ(canonical("%"), "%");
}

TEST(Units, WordsAndCaseVariantsAreRecognised) {
  EXPECT_EQ(canonical("KW"), "kW");
  EXPECT_EQ(canonical("kilowatts"), "kW");
  EXPECT_EQ(canonical("Celsius"), "°C");
  EXPECT_EQ(canonical("volts"), "V");
  EXPECT_EQ(canonical("amperes"), "A");
  EXPECT_EQ(canonical("hertz"), "Hz");
  EXPECT_DOUBLE_EQ(convert("mw", 1), 1000);  // lower-case "m" reads as mega in plant telemetry
  EXPECT_DOUBLE_EQ(convert("mV", 1000), 1);  // exact spelling: milli
  EXPECT_FALSE(lookupUnit("ppm"));
  EXPECT_FALSE(lookupUnit("ms"));  // milliseconds, not m/s
  EXPECT_FALSE(lookupUnit(""));
}

TEST(SensorTypes, CanonicalMetricNames) {
  EXPECT_EQ(canonicalMetricName("TEMPERATURE"), "temperature");
  EXPECT_EQ(canonicalMetricName("activePowerKw"), "active_power_kw");
  EXPECT_EQ(canonicalMetricName("DCVoltage"), "dc_voltage");
  EXPECT_EQ(canonicalMetricName("PV1Voltage"), "pv1_voltage");
  EXPECT_EQ(canonicalMetricName("wind speed-avg"), "wind_speed_avg");
  EXPECT_EQ(canonicalMetricName("already_snake"), "already_snake");
  EXPECT_EQ(canonicalMetricName("FLOW_RATE"), "flow_rate");
}

TEST(SensorTypes, ResolvesMetricNamesToTypesAndSuffixUnits) {
  const auto& reg = SensorRegistry::builtin();
  auto r = reg.resolve("active_power_kw");
  ASSERT_TRUE(r.type);
  EXPECT_EQ(r.type->name, "power");
  ASSERT_TRUE(r.suffixUnit);
  EXPECT_EQ(r.suffixUnit->canonical, "kW");
  EXPECT_EQ(reg.resolve("temperature_c").type->name, "temperature");
  EXPECT_EQ(reg.resolve("gearbox_oil_temperature").type->name, "temperature");
  EXPECT_EQ(reg.resolve("inverter_reactive_power").type->name, "reactive_power");
  EXPECT_EQ(reg.resolve("power_factor").type->name, "power_factor");
  EXPECT_EQ(reg.resolve("wind_speed_ms").suffixUnit->canonical, "m/s");
  auto phase = reg.resolve("voltage_a");  // "a" is a phase here, not amperes
  EXPECT_EQ(phase.type->name, "voltage");
  EXPECT_FALSE(phase.suffixUnit);
  EXPECT_FALSE(reg.resolve("firmware_build").type);
  for (const char* t : {"temperature", "voltage", "current", "power", "frequency", "pressure", "humidity",
                        "vibration", "flow_rate", "rpm", "torque", "energy", "status", "other"}) {
    EXPECT_TRUE(reg.find(t)) << t;
  }
}

TEST(SensorTypes, RegistryIsConfigurable) {
  SensorRegistry reg;
  reg.add({"temperature", Dimension::temperature, 0, 10, {"t"}});
  reg.add({"temperature", Dimension::temperature, 0, 20, {"tt"}});
  EXPECT_EQ(reg.find("tt")->max, 20);
  EXPECT_FALSE(reg.find("t"));
  auto ctx = context();
  ctx.registry = &reg;
  Validator v(ctx);
  auto rule = v.ruleFor("temperature", "");
  double x = 25;
  uint8_t flags = 0;
  EXPECT_FALSE(v.check(rule, x, kNow, flags));
  EXPECT_EQ(flags, kFlagOutOfRange);
}

TEST(Quality, SpellingsFrom02) {
  EXPECT_EQ(parseQuality("GOOD")->quality, Quality::good);
  EXPECT_EQ(parseQuality("Good")->quality, Quality::good);
  EXPECT_EQ(parseQuality("uncertain")->quality, Quality::uncertain);
  EXPECT_EQ(parseQuality("suspect")->quality, Quality::uncertain);
  EXPECT_EQ(parseQuality("BAD")->quality, Quality::bad);
  EXPECT_EQ(parseQuality("SENSOR_FAULT")->quality, Quality::sensor_fault);
  EXPECT_EQ(parseQuality("sensor-fault")->quality, Quality::sensor_fault);
  auto oor = parseQuality("OUT_OF_RANGE");
  EXPECT_EQ(oor->quality, Quality::good);
  EXPECT_EQ(oor->flags, kFlagOutOfRange);
  EXPECT_FALSE(parseQuality("meh"));
  EXPECT_FALSE(parseQuality(""));
  EXPECT_EQ(qualityFromCode(192)->quality, Quality::good);
  EXPECT_EQ(qualityFromCode(64)->quality, Quality::uncertain);
  EXPECT_EQ(qualityFromCode(0)->quality, Quality::good);  // OPC UA StatusCode Good = 0
  EXPECT_EQ(qualityFromCode(4)->quality, Quality::bad);   // OPC DA bad range
  EXPECT_EQ(qualityFromCode(0x80000000LL)->quality, Quality::bad);
  EXPECT_EQ(qualityFromCode(0x40000000LL)->quality, Quality::uncertain);
  EXPECT_FALSE(qualityFromCode(-1));
}

TEST(Validator, UnitSpellingIsKeptAtCanonicalScaleUnlessConfigured) {
  Validator keep(context());
  EXPECT_EQ(keep.ruleFor("temperature", "celsius").unit, "celsius");
  EXPECT_EQ(keep.ruleFor("temperature", "°F").unit, "°C");
  EXPECT_EQ(keep.ruleFor("power", "W").unit, "kW");
  EXPECT_EQ(keep.ruleFor("temperature", "").unit, "");
  EXPECT_EQ(keep.ruleFor("temperature_c", "").unit, "°C");
  Validator rename(context({.canonicalUnitSpelling = true}));
  EXPECT_EQ(rename.ruleFor("temperature", "celsius").unit, "°C");
}

TEST(Validator, RangesApplyOnlyInTheTypesDimension) {
  Validator v(context());
  EXPECT_TRUE(v.ruleFor("temperature", "°F").ranged);
  EXPECT_FALSE(v.ruleFor("temperature", "V").ranged);
  EXPECT_FALSE(v.ruleFor("temperature", "degrees").ranged);
  EXPECT_TRUE(v.ruleFor("vibration", "mm/s").ranged);  // dimensionless type: any unit
  EXPECT_FALSE(v.ruleFor("status", "").ranged);
  EXPECT_FALSE(v.ruleFor("unknown_thing", "").ranged);
  // 302 °F = 150 °C is the inclusive boundary.
  auto rule = v.ruleFor("temperature", "°F");
  double x = 302;
  uint8_t flags = 0;
  EXPECT_FALSE(v.check(rule, x, kNow, flags));
  EXPECT_DOUBLE_EQ(x, 150);
  EXPECT_EQ(flags, kFlagNone);
}

TEST(Validator, RejectsNonFiniteValuesAndTimesOutsideTheWindow) {
  Validator v(context());
  SeriesRule rule;
  uint8_t flags = 0;
  double nan = std::nan(""), inf = INFINITY, ninf = -INFINITY, ok = 1;
  EXPECT_EQ(v.check(rule, nan, kNow, flags), RejectCode::nonFiniteValue);
  EXPECT_EQ(v.check(rule, inf, kNow, flags), RejectCode::nonFiniteValue);
  EXPECT_EQ(v.check(rule, ninf, kNow, flags), RejectCode::nonFiniteValue);
  EXPECT_EQ(v.check(rule, ok, kNow - 7 * 24 * kHour - 1, flags), RejectCode::tooOld);
  EXPECT_FALSE(v.check(rule, ok, kNow - 7 * 24 * kHour, flags));
  EXPECT_FALSE(v.check(rule, ok, kNow + kHour, flags));
  EXPECT_EQ(v.check(rule, ok, kNow + kHour + 1, flags), RejectCode::inFuture);
  EXPECT_EQ(flags, kFlagNone);
  // Overflowing conversions are rejected too.
  auto watts = v.ruleFor("power", "GW");
  double huge = 1e305;
  EXPECT_EQ(v.check(watts, huge, kNow, flags), RejectCode::nonFiniteValue);
  EXPECT_NE(v.explain(RejectCode::tooOld, 0).find("7 d"), std::string::npos);
  // Extreme windows do not overflow.
  Validator wide(context({.maxAgeMs = INT64_MAX, .maxFutureMs = INT64_MAX}));
  EXPECT_FALSE(wide.check(rule, ok, -kNow, flags));
  EXPECT_FALSE(wide.check(rule, ok, INT64_MAX, flags));
}

ParsedBatch rowsOf(std::initializer_list<std::pair<int64_t, double>> points, Quality q = Quality::good) {
  ParsedBatch b;
  const uint32_t s = b.internSeries(SeriesKey{"t", "S1", "A1", "T1", "temperature"}, "°C");
  for (auto [ts, v] : points) b.addRow(Row{s, 0, ts, v, q, kFlagNone, 0});
  return b;
}

TEST(Deadband, OffByDefault) {
  Deadband d({});
  auto b = rowsOf({{0, 50.0}, {5000, 50.2}});
  EXPECT_EQ(d.filter(b), 0u);
  EXPECT_EQ(b.accepted(), 2u);
}

TEST(Deadband, Check12Cases) {
  const DeadbandConfig on{.enabled = true};
  {
    Deadband d(on);
    auto b = rowsOf({{0, 50.0}, {5000, 50.2}});
    EXPECT_EQ(d.filter(b), 1u);
    EXPECT_EQ(b.accepted(), 1u);
  }
  {
    Deadband d(on);
    auto b = rowsOf({{0, 50.0}, {5000, 60.0}});
    EXPECT_EQ(d.filter(b), 0u);
    EXPECT_EQ(b.accepted(), 2u);
  }
  {
    Deadband d(on);
    auto b = rowsOf({{0, 50.0}, {70000, 50.2}});
    EXPECT_EQ(d.filter(b), 0u);
  }
  {
    // State carries across batches; zero values and non-good points are never dropped.
    Deadband d(on);
    auto first = rowsOf({{0, 0.0}});
    d.filter(first);
    auto second = rowsOf({{1000, 0.0}});
    EXPECT_EQ(d.filter(second), 0u);
    auto bad = rowsOf({{2000, 0.0}}, Quality::bad);
    EXPECT_EQ(d.filter(bad), 0u);
  }
}

}  // namespace
}  // namespace dcmms::telemetry
