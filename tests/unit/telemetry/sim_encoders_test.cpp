#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <cctype>
#include <set>

#include "sim_test_util.h"
#include "telemetry/sim/encoders.h"
#include "telemetry/sim/plant_model.h"

namespace dcmms::telemetry {
namespace {

// A tiny independent line-protocol reader (measurement, tags, one field, timestamp) that
// honours backslash escapes, to check the encoder's escaping.
struct LpLine {
  std::string measurement;
  std::map<std::string, std::string> tags;
  std::string field;
  std::string value;
  std::string ts;
};

LpLine parseLp(const std::string& line) {
  LpLine out;
  size_t i = 0;
  auto readUntil = [&](std::string_view stops) {
    std::string s;
    while (i < line.size() && stops.find(line[i]) == std::string_view::npos) {
      if (line[i] == '\\' && i + 1 < line.size()) ++i;
      s.push_back(line[i++]);
    }
    return s;
  };
  out.measurement = readUntil(", ");
  while (i < line.size() && line[i] == ',') {
    ++i;
    std::string k = readUntil("=");
    ++i;
    out.tags[k] = readUntil(", ");
  }
  EXPECT_EQ(line[i], ' ');
  ++i;
  out.field = readUntil("=");
  ++i;
  out.value = readUntil(" ");
  ++i;
  out.ts = line.substr(i);
  return out;
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n') {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  EXPECT_EQ(start, s.size()) << "output must end with a newline";
  return out;
}

Point makePoint(std::string site, std::string asset, std::string sensor, std::string metric, double v, std::string unit,
                int64_t ts = 1748761200123) {
  Point p;
  p.key.siteId = std::move(site);
  p.key.assetId = std::move(asset);
  p.key.sensorId = std::move(sensor);
  p.key.metric = std::move(metric);
  p.value = v;
  p.unit = std::move(unit);
  p.timestampMs = ts;
  return p;
}

TEST(SimEncoders, LineProtocolRoundTripsWithEscaping) {
  std::vector<Point> pts{makePoint("SITE 1", "INV,01", "a=b", "dc power", 12.5, "kW"),
                         makePoint("S", "A\\B", "ac", "temperature", -3.25, "°C"),
                         makePoint("S", "A", "ac", "power", 1e6, "")};
  pts[1].quality = Quality::uncertain;
  auto out = lines(encodeLineProtocol(pts));
  ASSERT_EQ(out.size(), 3u);
  LpLine a = parseLp(out[0]);
  EXPECT_EQ(a.measurement, "dc power");
  EXPECT_EQ(a.tags.at("site"), "SITE 1");
  EXPECT_EQ(a.tags.at("asset"), "INV,01");
  EXPECT_EQ(a.tags.at("sensor"), "a=b");
  EXPECT_EQ(a.tags.at("unit"), "kW");
  EXPECT_EQ(a.tags.count("quality"), 0u);
  EXPECT_EQ(a.field, "value");
  EXPECT_EQ(a.value, "12.5");
  EXPECT_EQ(a.ts, "1748761200123");
  LpLine b = parseLp(out[1]);
  EXPECT_EQ(b.tags.at("asset"), "A\\B");
  EXPECT_EQ(b.tags.at("quality"), "uncertain");
  EXPECT_EQ(b.value, "-3.25");
  LpLine c = parseLp(out[2]);
  EXPECT_EQ(c.tags.count("unit"), 0u);  // empty tags are left out
  EXPECT_EQ(c.value, "1000000");
  // Tag keys are sorted (InfluxDB's preferred order).
  const size_t asset = out[0].find(",asset="), sensor = out[0].find(",sensor="), site = out[0].find(",site="),
               unit = out[0].find(",unit=");
  EXPECT_EQ(out[0].rfind("dc\\ power,asset=", 0), 0u);
  EXPECT_TRUE(asset < sensor && sensor < site && site < unit && unit != std::string::npos) << out[0];
}

TEST(SimEncoders, LineProtocolNanosecondsAndNonFinite) {
  std::vector<Point> pts{makePoint("S", "A", "s", "m", 1, "V", 1000), makePoint("S", "A", "s", "m", NAN, "V", 2000)};
  auto out = lines(encodeLineProtocol(pts, TimePrecision::ns));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(parseLp(out[0]).ts, "1000000000");
}

TEST(SimEncoders, TelemetryEventsAreValidJson) {
  std::vector<Point> pts{makePoint("S", "INV-01", "ac", "power", 1500.5, "kW"), makePoint("S", "INV-01", "ac", "frequency", 50.01, "Hz")};
  pts[1].metadataJson = R"({"firmware":"1.2"})";
  pts[1].quality = Quality::bad;
  auto v = boost::json::parse(encodeTelemetryEvents(pts));
  ASSERT_TRUE(v.is_array());
  auto& arr = v.as_array();
  ASSERT_EQ(arr.size(), 2u);
  auto& e = arr[0].as_object();
  EXPECT_EQ(e.at("site_id").as_string(), "S");
  EXPECT_EQ(e.at("asset_id").as_string(), "INV-01");
  EXPECT_EQ(e.at("sensor_id").as_string(), "ac");
  EXPECT_EQ(e.at("sensor_type").as_string(), "power");
  EXPECT_EQ(e.at("value").to_number<double>(), 1500.5);
  EXPECT_EQ(e.at("unit").as_string(), "kW");
  EXPECT_EQ(e.at("timestamp").to_number<int64_t>(), 1748761200123);
  EXPECT_EQ(e.at("quality_flag").as_string(), "GOOD");
  EXPECT_EQ(e.at("schema_version").as_string(), "1.0.0");
  EXPECT_FALSE(e.contains("metadata"));
  const std::string id(e.at("event_id").as_string());
  ASSERT_EQ(id.size(), 36u);
  for (size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      EXPECT_EQ(id[i], '-');
    } else {
      EXPECT_TRUE(std::isxdigit(static_cast<unsigned char>(id[i])) && !std::isupper(static_cast<unsigned char>(id[i]))) << id;
    }
  }
  EXPECT_EQ(id[14], '8') << "version 8";
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << "RFC variant";
  EXPECT_EQ(id, eventIdFor(pts[0]));  // deterministic
  EXPECT_NE(id, eventIdFor(pts[1]));
  auto& e2 = arr[1].as_object();
  EXPECT_EQ(e2.at("quality_flag").as_string(), "BAD");
  EXPECT_EQ(e2.at("metadata").as_object().at("firmware").as_string(), "1.2");
  EXPECT_EQ(encodeTelemetryEvents({}), "[]");
}

TEST(SimEncoders, MqttGroupsOneMessagePerSensorAndTimestamp) {
  PlantModel model(testutil::smallSolar(), 3);
  std::vector<Point> pts = model.sample(testutil::utcMs(2025, 5, 1, 7));
  auto second = model.sample(testutil::utcMs(2025, 5, 1, 7, 1));
  pts.insert(pts.end(), second.begin(), second.end());
  auto msgs = encodeMqttMessages(pts);
  // Per sample: WS weather, 12 strings dc, 4 combiners dc, 2 inverters × (dc, ac, thermal),
  // 1 transformer × (electrical, thermal) = 1 + 12 + 4 + 6 + 2 = 25 messages.
  ASSERT_EQ(msgs.size(), 50u);
  size_t metrics = 0;
  std::set<std::string> topics;
  for (const auto& m : msgs) {
    topics.insert(m.topic);
    auto v = boost::json::parse(m.payload).as_object();
    const std::string expected = "telemetry/" + std::string(v.at("siteId").as_string()) + "/" +
                                 std::string(v.at("assetId").as_string()) + "/" + std::string(v.at("sensorType").as_string());
    EXPECT_EQ(m.topic, expected);
    for (const auto& kv : v.at("metrics").as_object()) {
      EXPECT_TRUE(kv.value().as_object().contains("value"));
      EXPECT_TRUE(kv.value().as_object().contains("unit"));
      ++metrics;
    }
  }
  EXPECT_EQ(metrics, pts.size());
  EXPECT_EQ(topics.size(), 25u);
  EXPECT_TRUE(topics.count("telemetry/SITE-SOLAR-T/INV-01/ac"));
  auto inv = boost::json::parse(msgs[3].payload).as_object();  // WS, TR-01 ×2, then INV-01 dc
  EXPECT_EQ(msgs[3].topic, "telemetry/SITE-SOLAR-T/INV-01/dc");
  EXPECT_EQ(inv.at("metrics").as_object().size(), 3u);
  EXPECT_EQ(inv.at("timestamp").to_number<int64_t>(), testutil::utcMs(2025, 5, 1, 7));
}

}  // namespace
}  // namespace dcmms::telemetry
