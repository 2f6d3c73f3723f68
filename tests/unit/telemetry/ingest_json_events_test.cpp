#include "telemetry/ingest/json_events.h"

#include <gtest/gtest.h>

#include "ingest_test_util.h"

namespace dcmms::telemetry {
namespace {

using testing::codes;
using testing::context;
using testing::kHour;
using testing::kNow;

std::string event(const std::string& site, double value, int64_t ts = kNow - 1000, const std::string& extra = "") {
  std::string e = R"({"event_id":"e1","timestamp":)" + std::to_string(ts) + R"(,)";
  if (!site.empty()) e += R"("site_id":")" + site + R"(",)";
  e += R"("asset_id":"A1","sensor_id":"T1","sensor_type":"TEMPERATURE","value":)" + std::to_string(value) +
       R"(,"unit":"celsius")" + extra + "}";
  return e;
}

TEST(TelemetryEvents, BatchOfTenIsAccepted) {
  std::string body = "[";
  for (int i = 0; i < 10; ++i) body += (i ? "," : "") + event("S1", 20 + i, kNow - 1000 * i);
  body += "]";
  JsonIngestParser parser;
  auto b = parser.telemetryEvents(body, context());
  EXPECT_EQ(codes(b), "");
  ASSERT_EQ(b.accepted(), 10u);
  EXPECT_EQ(b.series().size(), 1u);
  Point p = b.point(3);
  EXPECT_EQ(p.key, (SeriesKey{"t1", "S1", "A1", "T1", "temperature"}));
  EXPECT_EQ(p.timestampMs, kNow - 3000);
  EXPECT_DOUBLE_EQ(p.value, 23);
  EXPECT_EQ(p.unit, "celsius");
}

TEST(TelemetryEvents, MissingSiteIsRejectedAndTheNextEventStored) {
  JsonIngestParser parser;
  auto b = parser.telemetryEvents("[" + event("", 20) + "," + event("S1", 21) + "]", context());
  EXPECT_EQ(codes(b), "0:MISSING_FIELD(site_id)");
  ASSERT_EQ(b.accepted(), 1u);
  EXPECT_DOUBLE_EQ(b.rows()[0].value, 21);
  EXPECT_EQ(b.rows()[0].source, 1u);
  EXPECT_NE(b.rejections()[0].raw.find(R"("asset_id":"A1")"), std::string::npos);
}

TEST(TelemetryEvents, RequiredFieldsPer02) {
  JsonIngestParser parser;
  auto b = parser.telemetryEvents(
      R"([{"site_id":"S","asset_id":"A","sensor_type":"TEMPERATURE","value":1,"unit":"C"},
          {"timestamp":1764118923000,"site_id":"S","sensor_type":"TEMPERATURE","value":1,"unit":"C"},
          {"timestamp":1764118923000,"site_id":"S","asset_id":"A","value":1,"unit":"C"},
          {"timestamp":1764118923000,"site_id":"S","asset_id":"A","sensor_type":"TEMPERATURE","unit":"C"},
          {"timestamp":1764118923000,"site_id":"S","asset_id":"A","sensor_type":"TEMPERATURE","value":null,"unit":"C"},
          {"timestamp":1764118923000,"site_id":"S","asset_id":"A","sensor_type":"TEMPERATURE","value":1},
          {"timestamp":1764118923000,"site_id":"S","asset_id":"A","sensor_type":"TEMPERATURE","value":"1","unit":"C"},
          {"timestamp":"yesterday","site_id":"S","asset_id":"A","sensor_type":"TEMPERATURE","value":1,"unit":"C"},
          {"timestamp":1764118923000,"site_id":7,"asset_id":"A","sensor_type":"TEMPERATURE","value":1,"unit":"C"},
          {"timestamp":1764118923000,"site_id":"S","asset_id":"A","sensor_type":"TEMPERATURE","value":1,"unit":"C","metadata":[1]},
          {"timestamp":1764118923000,"site_id":"S","asset_id":"A","sensor_type":"TEMPERATURE","value":1,"unit":"C","quality_flag":"MEH"},
          42,
          {"timestamp":1764118923000,"site_id":"S","asset_id":"A","sensor_type":"TEMPERATURE","value":1,"unit":"C"}])",
      context());
  EXPECT_EQ(codes(b),
            "0:MISSING_FIELD(timestamp) 1:MISSING_FIELD(asset_id) 2:MISSING_FIELD(sensor_type) "
            "3:MISSING_FIELD(value) 4:MISSING_FIELD(value) 5:MISSING_FIELD(unit) 6:INVALID_TYPE(value) "
            "7:INVALID_TIMESTAMP(timestamp) 8:INVALID_TYPE(site_id) 9:INVALID_TYPE(metadata) "
            "10:INVALID_QUALITY(quality_flag) 11:INVALID_TYPE");
  ASSERT_EQ(b.accepted(), 1u);
  EXPECT_EQ(b.rows()[0].source, 12u);
}

TEST(TelemetryEvents, MalformedJsonIsOneRejection) {
  JsonIngestParser parser;
  auto b = parser.telemetryEvents(R"([{"site_id":"S1",)", context());
  EXPECT_EQ(codes(b), "0:MALFORMED");
  EXPECT_EQ(b.accepted(), 0u);
  EXPECT_EQ(b.rejections()[0].raw, R"([{"site_id":"S1",)");
  // The parser stays usable.
  auto next = parser.telemetryEvents("[" + event("S1", 1) + "]", context());
  EXPECT_EQ(next.accepted(), 1u);
  EXPECT_EQ(codes(parser.telemetryEvents("", context())), "0:MALFORMED");
  EXPECT_EQ(codes(parser.telemetryEvents("17", context())), "0:INVALID_TYPE");
}

TEST(TelemetryEvents, MetadataAndQualityArePreserved) {
  JsonIngestParser parser;
  auto b = parser.telemetryEvents(
      "[" + event("S1", 1, kNow, R"(,"quality_flag":"BAD","metadata":{"fw":"1.2.3","slot":"a\"b"})") + "," +
          event("S1", 2, kNow, R"(,"quality_flag":"UNCERTAIN","metadata":null)") + "," +
          event("S1", 3, kNow, R"(,"quality_flag":"SENSOR_FAULT")") + "," +
          event("S1", 4, kNow, R"(,"quality_flag":"suspect")") + "," +
          event("S1", 5, kNow, R"(,"quality_flag":"OUT_OF_RANGE")") + "," +
          event("S1", 6, kNow, R"(,"quality_flag":192)") + "]",
      context());
  ASSERT_EQ(codes(b), "");
  auto pts = b.toPoints();
  ASSERT_EQ(pts.size(), 6u);
  EXPECT_EQ(pts[0].quality, Quality::bad);
  EXPECT_EQ(pts[0].metadataJson, R"({"fw":"1.2.3","slot":"a\"b"})");
  EXPECT_EQ(pts[1].quality, Quality::uncertain);
  EXPECT_EQ(pts[1].metadataJson, "");
  EXPECT_EQ(pts[2].quality, Quality::sensor_fault);
  EXPECT_EQ(pts[3].quality, Quality::uncertain);
  EXPECT_EQ(pts[4].quality, Quality::good);
  EXPECT_EQ(pts[4].flags, kFlagOutOfRange);
  EXPECT_EQ(pts[5].quality, Quality::good);
}

TEST(TelemetryEvents, RangeBoundariesPer02Check8) {
  JsonIngestParser parser;
  auto b = parser.telemetryEvents(
      "[" + event("S1", -50) + "," + event("S1", 150) + "," + event("S1", -50.1) + "," + event("S1", 200) + "," +
          R"({"timestamp":1764118923000,"site_id":"S1","asset_id":"A1","sensor_type":"STATUS","value":123456,"unit":"code"}])",
      context());
  ASSERT_EQ(codes(b), "");
  ASSERT_EQ(b.accepted(), 5u);
  EXPECT_EQ(b.rows()[0].flags, kFlagNone);
  EXPECT_EQ(b.rows()[1].flags, kFlagNone);
  EXPECT_EQ(b.rows()[2].flags, kFlagOutOfRange);
  EXPECT_EQ(b.rows()[3].flags, kFlagOutOfRange);
  EXPECT_DOUBLE_EQ(b.rows()[3].value, 200);
  EXPECT_EQ(b.rows()[4].flags, kFlagNone);
}

TEST(TelemetryEvents, TimestampWindowPer02Check9) {
  JsonIngestParser parser;
  IngestPolicy day{.maxAgeMs = 24 * kHour};
  auto b = parser.telemetryEvents("[" + event("S1", 1, kNow - 25 * kHour) + "," + event("S1", 2, kNow + 2 * kHour) +
                                      "," + event("S1", 3, kNow - 23 * kHour) + "]",
                                  context(day));
  EXPECT_EQ(codes(b), "0:TIMESTAMP_TOO_OLD(value) 1:TIMESTAMP_IN_FUTURE(value)");
  ASSERT_EQ(b.accepted(), 1u);
  EXPECT_DOUBLE_EQ(b.rows()[0].value, 3);
}

TEST(SensorReadings, SingleReadingWithIsoTimestampAndUnitConversion) {
  JsonIngestParser parser;
  auto b = parser.sensorReadings(
      R"({"readingId":"r1","siteId":"SITE-ALPHA-001","assetId":"INV-01","sensorId":"P1",
          "timestamp":"2025-11-26T01:02:03.000Z","metricName":"active_power","value":1500.5,"unit":"W",
          "quality":"GOOD","qualityDetail":"calibrated"})",
      context());
  ASSERT_EQ(codes(b), "");
  ASSERT_EQ(b.accepted(), 1u);
  Point p = b.point(0);
  EXPECT_EQ(p.key, (SeriesKey{"t1", "SITE-ALPHA-001", "INV-01", "P1", "active_power"}));
  EXPECT_EQ(p.timestampMs, 1764118923000);
  EXPECT_DOUBLE_EQ(p.value, 1.5005);
  EXPECT_EQ(p.value, 1500.5 / 1000);
  EXPECT_EQ(p.unit, "kW");
  EXPECT_EQ(p.metadataJson, R"({"qualityDetail":"calibrated"})");
}

TEST(SensorReadings, MultiMetricExplodesWithUnitsFromNames) {
  JsonIngestParser parser;
  auto b = parser.sensorReadings(
      R"({"readings":[{"siteId":"S1","assetId":"INV-01","timestamp":1764118923000,"quality":"good",
          "metrics":{"active_power_kw":500,"temperature_c":40,"pf":null,"reactivePowerKvar":{"value":12,"unit":"kvar"},
                     "mode":"auto"}}]})",
      context());
  EXPECT_EQ(codes(b), "0:INVALID_TYPE(metrics.mode)");
  auto pts = b.toPoints();
  ASSERT_EQ(pts.size(), 3u);
  EXPECT_EQ(pts[0].key.metric, "active_power_kw");
  EXPECT_EQ(pts[0].key.sensorId, "active_power_kw");
  EXPECT_EQ(pts[0].unit, "kW");
  EXPECT_DOUBLE_EQ(pts[0].value, 500);
  EXPECT_EQ(pts[1].key.metric, "temperature_c");
  EXPECT_EQ(pts[1].unit, "°C");
  EXPECT_EQ(pts[2].key.metric, "reactive_power_kvar");
  EXPECT_EQ(pts[2].unit, "kvar");
}

TEST(SensorReadings, BareArrayAndSiteResolver) {
  JsonIngestParser parser;
  auto ctx = context();
  ctx.siteOfAsset = [](std::string_view) -> std::optional<std::string> { return "S9"; };
  auto b = parser.sensorReadings(
      R"([{"assetId":"A","sensorId":"X","timestamp":1764118923000,"metrics":{"temperature_c":21}},
          {"siteId":"S1","timestamp":1764118923000,"metricName":"temperature","value":1}])",
      ctx);
  EXPECT_EQ(codes(b), "1:MISSING_FIELD(assetId)");
  ASSERT_EQ(b.accepted(), 1u);
  EXPECT_EQ(b.point(0).key.siteId, "S9");
  EXPECT_EQ(b.point(0).key.sensorId, "X");
  EXPECT_EQ(codes(parser.sensorReadings(R"({"readings":5})", ctx)), "0:INVALID_TYPE(readings)");
}

TEST(MqttTopic, ParsesTheCanonicalScheme) {
  auto t = parseMqttTopic("telemetry/S1/A1/TEMPERATURE");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->siteId, "S1");
  EXPECT_EQ(t->assetId, "A1");
  EXPECT_EQ(t->sensorType, "TEMPERATURE");
  for (const char* bad : {"telemetry/S1/A1", "telemetry/S1/A1/T/x", "telemetry//A1/T", "telemetry/S1/A1/",
                          "site/S1/A1/T", "telemetry/+/A1/T", "telemetry/S1/#/T", ""}) {
    EXPECT_FALSE(parseMqttTopic(bad)) << bad;
  }
}

TEST(MqttMessage, SinglePayloadRoundTripsPer02Check1) {
  JsonIngestParser parser;
  auto b = parser.mqttMessage("telemetry/S1/A1/TEMPERATURE",
                              R"({"sensor_id":"T1","value":72.5,"unit":"celsius","quality":"GOOD",
                                  "timestamp":1764118923000,"metadata":{"fw":"1.2.3"}})",
                              context());
  ASSERT_EQ(codes(b), "");
  ASSERT_EQ(b.accepted(), 1u);
  Point p = b.point(0);
  EXPECT_EQ(p.key, (SeriesKey{"t1", "S1", "A1", "T1", "temperature"}));
  EXPECT_DOUBLE_EQ(p.value, 72.5);
  EXPECT_EQ(p.unit, "celsius");
  EXPECT_EQ(p.quality, Quality::good);
  EXPECT_EQ(p.metadataJson, R"({"fw":"1.2.3"})");
  EXPECT_EQ(p.timestampMs, 1764118923000);
}

TEST(MqttMessage, TopicWinsAndTimestampDefaultsToReceiveTime) {
  JsonIngestParser parser;
  auto b = parser.mqttMessage("telemetry/S1/A1/power", R"({"site_id":"OTHER","value":5000,"unit":"W"})", context());
  ASSERT_EQ(codes(b), "");
  Point p = b.point(0);
  EXPECT_EQ(p.key, (SeriesKey{"t1", "S1", "A1", "power", "power"}));
  EXPECT_EQ(p.timestampMs, kNow);
  EXPECT_DOUBLE_EQ(p.value, 5);
  EXPECT_EQ(p.unit, "kW");
}

TEST(MqttMessage, MultiMetricPayloadIsExploded) {
  JsonIngestParser parser;
  auto b = parser.mqttMessage(
      "telemetry/S1/INV-01/inverter",
      R"({"timestamp":"2025-11-26T01:00:00Z","metrics":{"activePowerKw":{"value":2,"unit":"MW"},"dcVoltage":{"value":800,"unit":"V"},
          "gridFrequencyHz":50.02,"temperature":{"value":212,"unit":"°F","quality":"UNCERTAIN"}}})",
      context());
  ASSERT_EQ(codes(b), "");
  auto pts = b.toPoints();
  ASSERT_EQ(pts.size(), 4u);
  for (const auto& p : pts) {
    EXPECT_EQ(p.key.sensorId, "inverter");
    EXPECT_EQ(p.timestampMs, 1764118800000);
  }
  EXPECT_EQ(pts[0].key.metric, "active_power_kw");
  EXPECT_DOUBLE_EQ(pts[0].value, 2000);
  EXPECT_EQ(pts[0].unit, "kW");
  EXPECT_EQ(pts[1].key.metric, "dc_voltage");
  EXPECT_EQ(pts[1].flags, kFlagNone);  // 800 V is within the DC range (0..1500)
  EXPECT_EQ(pts[2].unit, "Hz");
  EXPECT_EQ(pts[3].unit, "°C");
  EXPECT_DOUBLE_EQ(pts[3].value, 100);
  EXPECT_EQ(pts[3].quality, Quality::uncertain);
}

TEST(MqttMessage, InvalidTopicRejectsTheMessage) {
  JsonIngestParser parser;
  auto b = parser.mqttMessage("telemetry/S1", R"({"value":1})", context());
  EXPECT_EQ(codes(b), "0:INVALID_TOPIC(topic)");
  EXPECT_EQ(b.rejections()[0].raw, R"({"value":1})");
}

}  // namespace
}  // namespace dcmms::telemetry
