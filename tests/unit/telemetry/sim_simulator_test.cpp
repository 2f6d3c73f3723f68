#include <gtest/gtest.h>
#include <zlib.h>

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/clock.h"
#include "core/error.h"
#include "sim_test_util.h"
#include "telemetry/sim/http_sink.h"
#include "telemetry/sim/simulate_command.h"
#include "telemetry/sim/simulator.h"
#include "tiny_http_server.h"

namespace dcmms::telemetry {
namespace {

using testutil::smallSolar;
using testutil::utcMs;

class CollectingSink final : public Sink {
 public:
  Result<size_t> send(std::span<const Point> points) override {
    if (failing) return Error{502, "SINK_ERROR", "down", {}};
    batchSizes.push_back(points.size());
    received.insert(received.end(), points.begin(), points.end());
    return points.size() * 10;
  }
  std::string describe() const override { return "memory"; }
  std::vector<Point> received;
  std::vector<size_t> batchSizes;
  bool failing = false;
};

// Sleeping moves the manual clock: pacing is exercised without waiting.
struct FakeTime {
  ManualClock clock{utcMs(2025, 5, 1, 6)};
  int64_t slept = 0;
  Sleeper sleeper() {
    return [this](int64_t ms) {
      slept += ms;
      clock.advance(ms);
    };
  }
};

std::string gunzip(const std::string& in) {
  z_stream zs{};
  inflateInit2(&zs, 15 + 16);
  std::string out(in.size() * 20 + 1024, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  EXPECT_EQ(rc, Z_STREAM_END);
  return out;
}

TEST(Simulator, RealTimeSamplesEverySensorOncePerSecond) {
  FakeTime t;
  CollectingSink sink;
  SimulatorOptions o;
  o.durationMs = 5000;
  Simulator sim({smallSolar()}, o, sink, t.clock, t.sleeper());
  const size_t perSample = sim.plants()[0].pointsPerSample();
  SimStats st = sim.run();
  EXPECT_EQ(st.points, 5 * perSample);
  EXPECT_EQ(sink.received.size(), 5 * perSample);
  EXPECT_EQ(st.batches, 5u);  // one batch per tick in real-time mode
  EXPECT_EQ(st.wallMs, 5000);
  EXPECT_EQ(st.simulatedMs, 5000);
  EXPECT_EQ(st.pointsPerSecond, static_cast<double>(perSample));
  std::map<int64_t, size_t> perTs;
  for (const auto& p : sink.received) ++perTs[p.timestampMs];
  ASSERT_EQ(perTs.size(), 5u);
  int64_t expectTs = utcMs(2025, 5, 1, 6);
  for (const auto& [ts, n] : perTs) {
    EXPECT_EQ(ts, expectTs);
    EXPECT_EQ(n, perSample);
    expectTs += 1000;
  }
}

TEST(Simulator, AcceleratedTime) {
  FakeTime t;
  CollectingSink sink;
  SimulatorOptions o;
  o.durationMs = 2000;
  o.timeScale = 60;  // one simulated minute per wall second
  o.stepMs = 10000;  // 0.1 Hz
  Simulator sim({smallSolar()}, o, sink, t.clock, t.sleeper());
  SimStats st = sim.run();
  EXPECT_EQ(st.simulatedMs, 120000);
  EXPECT_EQ(st.points, 12 * sim.plants()[0].pointsPerSample());
}

TEST(Simulator, PointsPerSecondPacingAndExactPointBound) {
  FakeTime t;
  CollectingSink sink;
  SimulatorOptions o;
  o.mode = RateMode::pointsPerSecond;
  o.pointsPerSecond = 10000;
  o.maxPoints = 50000;
  o.batchPoints = 4000;
  o.startMs = utcMs(2025, 5, 1, 7);
  Simulator sim({smallSolar(), demoWindFarm("W")}, o, sink, t.clock, t.sleeper());
  SimStats st = sim.run();
  EXPECT_EQ(st.points, 50000u);
  EXPECT_EQ(sink.received.size(), 50000u);
  EXPECT_NEAR(static_cast<double>(st.wallMs), 5000, 50);
  EXPECT_NEAR(st.pointsPerSecond, 10000, 150);
  for (size_t i = 0; i + 1 < sink.batchSizes.size(); ++i) EXPECT_EQ(sink.batchSizes[i], 4000u);
  std::set<std::string> sites;
  for (const auto& p : sink.received) sites.insert(p.key.siteId);
  EXPECT_EQ(sites.size(), 2u);
}

TEST(Simulator, StopsAfterConsecutiveErrors) {
  FakeTime t;
  CollectingSink sink;
  sink.failing = true;
  SimulatorOptions o;
  o.mode = RateMode::unlimited;
  o.maxConsecutiveErrors = 3;
  Simulator sim({smallSolar()}, o, sink, t.clock, t.sleeper());
  SimStats st = sim.run();
  EXPECT_TRUE(st.stoppedByErrors);
  EXPECT_EQ(st.errors, 3u);
  EXPECT_EQ(st.points, 0u);
  EXPECT_EQ(st.lastError, "down");
}

TEST(Simulator, FaultsReachTheRightPlant) {
  FakeTime t;
  CollectingSink sink;
  SimulatorOptions o;
  o.durationMs = 3000;
  Simulator sim({smallSolar(), demoWindFarm("W")}, o, sink, t.clock, t.sleeper());
  sim.injectFault("W", {"WTG-03", FaultType::commLoss, 0, INT64_MAX, 1});
  EXPECT_THROW(sim.injectFault("NOPE", {"WTG-03", FaultType::commLoss, 0, 1, 1}), ApiException);
  sim.run();
  size_t wtg3 = 0, wtg2 = 0;
  for (const auto& p : sink.received) {
    wtg3 += p.key.assetId == "WTG-03";
    wtg2 += p.key.assetId == "WTG-02";
  }
  EXPECT_EQ(wtg3, 0u);
  EXPECT_EQ(wtg2, 3u * 14);
}

TEST(HttpSink, PostsLineProtocolWithKeepAliveApiKeyAndGzip) {
  testutil::TinyHttpServer server;
  HttpSinkOptions ho;
  ho.url = server.url() + "/api/v1/write?precision=ms";
  ho.apiKey = "dcmms_test_key";
  ho.gzip = true;
  HttpSink sink(ho);
  PlantModel model(smallSolar(), 1);
  std::vector<std::string> sent;
  for (int i = 0; i < 3; ++i) {
    auto pts = model.sample(utcMs(2025, 5, 1, 7) + i * 1000);
    auto r = sink.send(pts);
    ASSERT_TRUE(r.ok()) << r.error().message;
    sent.push_back(encodeLineProtocol(pts));
  }
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(server.connections(), 1);  // one kept-alive connection
  for (size_t i = 0; i < reqs.size(); ++i) {
    EXPECT_EQ(reqs[i].method, "POST");
    EXPECT_EQ(reqs[i].target, "/api/v1/write?precision=ms");
    EXPECT_EQ(reqs[i].headers["x-api-key"], "dcmms_test_key");
    EXPECT_EQ(reqs[i].headers["content-encoding"], "gzip");
    EXPECT_EQ(reqs[i].headers["content-type"], "text/plain; charset=utf-8");
    EXPECT_EQ(gunzip(reqs[i].body), sent[i]);
  }
}

TEST(HttpSink, JsonBodyAndErrorStatus) {
  testutil::TinyHttpServer server(202);
  HttpSinkOptions ho;
  ho.url = server.url() + "/api/v1/telemetry";
  ho.format = HttpBodyFormat::json;
  HttpSink sink(ho);
  PlantModel model(smallSolar(), 1);
  auto pts = model.sample(utcMs(2025, 5, 1, 7));
  ASSERT_TRUE(sink.send(pts).ok());
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].headers["content-type"], "application/json");
  EXPECT_EQ(reqs[0].headers.count("x-api-key"), 0u);
  EXPECT_EQ(boost::json::parse(reqs[0].body).as_array().size(), pts.size());
  server.setStatus(401);
  auto r = sink.send(pts);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "SINK_ERROR");
  EXPECT_NE(r.error().message.find("401"), std::string::npos);
  EXPECT_NE(r.error().message.find("rejected"), std::string::npos);
}

TEST(HttpSink, UnreachableServerIsAnError) {
  int port;
  {
    testutil::TinyHttpServer probe;
    port = probe.port();
  }
  HttpSinkOptions ho;
  ho.url = "http://127.0.0.1:" + std::to_string(port) + "/api/v1/write";
  ho.timeoutMs = 2000;
  HttpSink sink(ho);
  PlantModel model(smallSolar(), 1);
  auto r = sink.send(model.sample(utcMs(2025, 5, 1, 7)));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "SINK_ERROR");
}

TEST(SimulateCommand, FaultSpecs) {
  auto f = parseFaultSpec("SITE-WIND-01/WTG-03:yaw-misalignment:60:600:0.5", 1000);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->siteId, "SITE-WIND-01");
  EXPECT_EQ(f->fault.assetId, "WTG-03");
  EXPECT_EQ(f->fault.type, FaultType::yawMisalignment);
  EXPECT_EQ(f->fault.startMs, 61000);
  EXPECT_EQ(f->fault.endMs, 661000);
  EXPECT_EQ(f->fault.severity, 0.5);
  auto g = parseFaultSpec("INV-01:comm-loss:0:30", 0);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->siteId, "");
  EXPECT_EQ(g->fault.severity, 1.0);
  EXPECT_FALSE(parseFaultSpec("INV-01:melting:0:30", 0));
  EXPECT_FALSE(parseFaultSpec("INV-01:comm-loss:x:30", 0));
  EXPECT_FALSE(parseFaultSpec("INV-01:comm-loss:0", 0));
  EXPECT_FALSE(parseFaultSpec("INV-01:comm-loss:0:0", 0));
}

TEST(SimulateCommand, PrintsTheDemoPortfolio) {
  SimulateOptions o;
  o.printPlants = true;
  o.windSiteId = "WIND-X";
  std::ostringstream out, err;
  ASSERT_EQ(runSimulateCommand(o, out, err), 0) << err.str();
  auto plants = plantsFromJson(out.str());
  ASSERT_EQ(plants.size(), 3u);
  EXPECT_EQ(plants[0].siteId, "SITE-SOLAR-01");
  EXPECT_EQ(plants[1].siteId, "WIND-X");
  EXPECT_EQ(plants[2].siteId, "SITE-BESS-01");
}

TEST(SimulateCommand, SendsASpecFilesPlantsToAnHttpServer) {
  char tmpl[] = "/tmp/dcmms-sim-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  const std::string spec = dir + "/plants.json";
  {
    SolarLayout layout;
    layout.inverters = 1;
    layout.combinersPerInverter = 1;
    layout.stringsPerCombiner = 2;
    std::ofstream(spec) << plantsToJson({demoSolarPlant("S-1", layout)});
  }
  testutil::TinyHttpServer server;
  SimulateOptions o;
  o.url = server.url();
  o.apiKey = "k";
  o.plantSpecPath = spec;
  o.rate = -1;  // unlimited
  o.maxPoints = 1000;
  o.batchPoints = 250;
  o.faults = {"INV-01:comm-loss:0:3600"};
  std::ostringstream out, err;
  ASSERT_EQ(runSimulateCommand(o, out, err), 0) << err.str();
  EXPECT_NE(out.str().find("sent 1000 points in 4 batches"), std::string::npos) << out.str();
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_EQ(reqs[0].target, "/api/v1/write?precision=ms");
  EXPECT_EQ(reqs[0].body.find("asset=INV-01,"), std::string::npos);  // comm-loss
  EXPECT_NE(reqs[0].body.find("asset=INV-01-CB-01,"), std::string::npos);

  o.faults = {"NOPE:comm-loss:0:10"};
  std::ostringstream out2, err2;
  EXPECT_EQ(runSimulateCommand(o, out2, err2), 2);
  EXPECT_NE(err2.str().find("NOPE"), std::string::npos);
  o.faults.clear();
  o.format = "xml";
  EXPECT_EQ(runSimulateCommand(o, out2, err2), 2);
  o.format = "lp";
  server.setStatus(500);
  std::ostringstream out3, err3;
  EXPECT_EQ(runSimulateCommand(o, out3, err3), 1);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dcmms::telemetry
