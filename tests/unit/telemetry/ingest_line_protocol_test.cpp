#include "telemetry/ingest/line_protocol.h"

#include <gtest/gtest.h>

#include "ingest_test_util.h"

namespace dcmms::telemetry {
namespace {

using testing::codes;
using testing::context;
using testing::kHour;
using testing::kNow;

constexpr int64_t kTs = 1764118900000;  // a whole second shortly before kNow

std::string ns(int64_t ms) { return std::to_string(ms) + "000000"; }

TEST(LineProtocol, ParsesTheFixtureLine) {
  auto b = parseLineProtocol("temperature,site=S1,asset=A1,sensor=T1,unit=celsius value=72.5 " + ns(kTs) + "\n",
                             Precision::ns, context());
  ASSERT_EQ(codes(b), "");
  ASSERT_EQ(b.accepted(), 1u);
  Point p = b.point(0);
  EXPECT_EQ(p.key, (SeriesKey{"t1", "S1", "A1", "T1", "temperature"}));
  EXPECT_EQ(p.timestampMs, kTs);
  EXPECT_DOUBLE_EQ(p.value, 72.5);
  EXPECT_EQ(p.unit, "celsius");
  EXPECT_EQ(p.quality, Quality::good);
  EXPECT_EQ(p.flags, kFlagNone);
  EXPECT_EQ(p.metadataJson, "");
}

TEST(LineProtocol, OtherNumericFieldsAreFurtherMetricsOfTheSensor) {
  auto b = parseLineProtocol(
      "power,site=S1,asset=INV-01,unit=W value=1500.5,temperature_c=41.5,online=t,starts=7i,total=9u,"
      "tripped=FALSE " + std::to_string(kTs),
      Precision::ms, context());
  ASSERT_EQ(codes(b), "");
  ASSERT_EQ(b.accepted(), 6u);
  auto pts = b.toPoints();
  EXPECT_EQ(pts[0].key.metric, "power");
  EXPECT_EQ(pts[0].key.sensorId, "power");  // no sensor tag: the measurement
  EXPECT_DOUBLE_EQ(pts[0].value, 1.5005);   // 02 §4: W → kW
  EXPECT_EQ(pts[0].unit, "kW");
  EXPECT_EQ(pts[1].key.metric, "temperature_c");
  EXPECT_EQ(pts[1].key.sensorId, "power");
  EXPECT_EQ(pts[1].unit, "°C");  // from the name's suffix; the unit tag is the value's
  EXPECT_DOUBLE_EQ(pts[1].value, 41.5);
  EXPECT_DOUBLE_EQ(pts[2].value, 1);
  EXPECT_DOUBLE_EQ(pts[3].value, 7);
  EXPECT_DOUBLE_EQ(pts[4].value, 9);
  EXPECT_DOUBLE_EQ(pts[5].value, 0);
  EXPECT_EQ(b.series().size(), 6u);
}

TEST(LineProtocol, UnescapesMeasurementTagsAndFieldKeys) {
  auto b = parseLineProtocol(
      R"(wind\ speed\,avg,site=S\ 1,asset=A\,1,sensor=T\=1,room=roof\ top,path=c:\\x gust\ max=3,value=2 1)",
      Precision::s, context({.backfill = true}));
  ASSERT_EQ(codes(b), "");
  ASSERT_EQ(b.accepted(), 2u);
  auto pts = b.toPoints();
  EXPECT_EQ(pts[0].key.siteId, "S 1");
  EXPECT_EQ(pts[0].key.assetId, "A,1");
  EXPECT_EQ(pts[0].key.sensorId, "T=1");
  EXPECT_EQ(pts[0].key.metric, "gust_max");
  EXPECT_EQ(pts[1].key.metric, "wind_speed,avg");
  EXPECT_EQ(pts[0].metadataJson, R"({"room":"roof top","path":"c:\\x"})");
  EXPECT_EQ(pts[0].timestampMs, 1000);
  EXPECT_EQ(pts[0].flags, kFlagBackfill);
}

TEST(LineProtocol, DoubleBackslashIsALiteralBackslashBeforeASeparator) {
  auto b = parseLineProtocol(R"(m\\,site=S,asset=A\\ value=1,k\\=2)", Precision::ns, context());
  ASSERT_EQ(codes(b), "");
  ASSERT_EQ(b.accepted(), 2u);
  EXPECT_EQ(b.point(0).key.metric, "m\\");
  EXPECT_EQ(b.point(0).key.assetId, "A\\");
  EXPECT_EQ(b.point(1).key.metric, "k\\");
}

TEST(LineProtocol, HonoursEveryPrecision) {
  const int64_t sec = kTs / 1000;
  struct Case {
    Precision p;
    std::string ts;
  } cases[] = {{Precision::ns, std::to_string(sec) + "123456789"},
               {Precision::us, std::to_string(sec) + "123456"},
               {Precision::ms, std::to_string(sec) + "123"},
               {Precision::s, std::to_string(sec)}};
  for (const auto& c : cases) {
    auto b = parseLineProtocol("m,site=S,asset=A value=1 " + c.ts, c.p, context());
    ASSERT_EQ(b.accepted(), 1u) << precisionName(c.p);
    EXPECT_EQ(b.rows()[0].timestampMs, c.p == Precision::s ? kTs : kTs + 123) << precisionName(c.p);
  }
  EXPECT_EQ(parsePrecision(""), Precision::ns);
  EXPECT_EQ(parsePrecision("u"), Precision::us);
  EXPECT_EQ(parsePrecision("ms"), Precision::ms);
  EXPECT_FALSE(parsePrecision("h"));
}

TEST(LineProtocol, MissingTimestampIsTheReceiveTime) {
  auto b = parseLineProtocol("m,site=S,asset=A value=1", Precision::ns, context());
  ASSERT_EQ(b.accepted(), 1u);
  EXPECT_EQ(b.rows()[0].timestampMs, kNow);
}

TEST(LineProtocol, SkipsCommentsBlankLinesAndCarriageReturns) {
  auto b = parseLineProtocol("# header\r\n\r\n   \n  m,site=S,asset=A value=1\r\n\t# indented comment\nm,site=S,asset=A value=2",
                             Precision::ns, context());
  ASSERT_EQ(codes(b), "");
  ASSERT_EQ(b.accepted(), 2u);
  EXPECT_EQ(b.rows()[0].source, 4u);
  EXPECT_EQ(b.rows()[1].source, 6u);
  EXPECT_EQ(b.series().size(), 1u);
}

TEST(LineProtocol, BadLinesNeverStopTheNextValidOne) {
  const std::string body =
      "m,site=S,asset=A value=1\n"
      "garbage\n"
      "m,site=S,asset=A value=2\n"
      "m,asset=A value=3\n"                // no site
      "m,site=S,asset=A value=nan\n"       // NaN
      "m,site=S,asset=A value=-inf\n"      // -Inf
      "m,site=S,asset=A value=\"unterminated\n"
      "m,site=S,asset=A value=1,x\n"
      "m,site=S,asset=A value=1 12abc\n"
      "m,site=S,asset=A value=1.2.3\n"
      "m,site=S,asset value=1\n"
      ",site=S,asset=A value=1\n"
      "m,site=S,asset=A,quality=meh value=1\n"
      "m,site=S,asset=A value=4\n";
  auto b = parseLineProtocol(body, Precision::ns, context());
  EXPECT_EQ(codes(b),
            "2:MALFORMED 4:MISSING_FIELD(site) 5:NON_FINITE_VALUE(value) 6:NON_FINITE_VALUE(value) "
            "7:MALFORMED(value) 8:MALFORMED 9:INVALID_TIMESTAMP(timestamp) 10:MALFORMED(value) 11:MALFORMED "
            "12:MALFORMED 13:INVALID_QUALITY(quality)");
  ASSERT_EQ(b.accepted(), 3u);
  EXPECT_DOUBLE_EQ(b.rows()[2].value, 4);
  EXPECT_EQ(b.rows()[2].source, 14u);
  EXPECT_EQ(b.rejections()[0].raw, "garbage");
  EXPECT_EQ(b.rejections()[1].message, "missing tag 'site'");
}

TEST(LineProtocol, RejectsPointsPerFieldNotPerLine) {
  auto b = parseLineProtocol("m,site=S,asset=A value=nan,other=2", Precision::ns, context());
  EXPECT_EQ(codes(b), "1:NON_FINITE_VALUE(value)");
  ASSERT_EQ(b.accepted(), 1u);
  EXPECT_EQ(b.point(0).key.metric, "other");
}

TEST(LineProtocol, StringFieldsAndExtraTagsBecomeMetadataAndQualityIsKept) {
  auto b = parseLineProtocol(
      R"(temperature,site=S1,asset=A1,fw=1.2.3,quality=SUSPECT value=20,note="says \"hi\" \\o/" 1)"
      "\n"
      R"(temperature,site=S1,asset=A1,fw=1.2.3 value=21,quality="SENSOR_FAULT" 2)",
      Precision::s, context({.backfill = true}));
  ASSERT_EQ(codes(b), "");
  ASSERT_EQ(b.accepted(), 2u);
  auto pts = b.toPoints();
  EXPECT_EQ(pts[0].quality, Quality::uncertain);
  EXPECT_EQ(pts[0].metadataJson, R"({"fw":"1.2.3","note":"says \"hi\" \\o/"})");
  EXPECT_EQ(pts[1].quality, Quality::sensor_fault);
  EXPECT_EQ(pts[1].metadataJson, R"({"fw":"1.2.3"})");
}

TEST(LineProtocol, OutOfRangeIsKeptAndFlagged) {
  auto b = parseLineProtocol(
      "temperature,site=S,asset=A value=150\n"
      "temperature,site=S,asset=A value=-50.1\n"
      "status,site=S,asset=A value=123456\n"
      "temperature,site=S,asset=A,quality=OUT_OF_RANGE value=20\n",
      Precision::ns, context());
  ASSERT_EQ(b.accepted(), 4u);
  EXPECT_EQ(b.rows()[0].flags, kFlagNone);
  EXPECT_EQ(b.rows()[1].flags, kFlagOutOfRange);
  EXPECT_EQ(b.rows()[2].flags, kFlagNone);
  EXPECT_EQ(b.rows()[3].flags, kFlagOutOfRange);
}

TEST(LineProtocol, TimestampWindowAndBackfill) {
  const std::string body = "m,site=S,asset=A value=1 " + std::to_string(kNow - 25 * kHour) + "\n" +
                           "m,site=S,asset=A value=2 " + std::to_string(kNow + 2 * kHour) + "\n" +
                           "m,site=S,asset=A value=3 " + std::to_string(kNow - 23 * kHour) + "\n";
  IngestPolicy day{.maxAgeMs = 24 * kHour};
  auto b = parseLineProtocol(body, Precision::ms, context(day));
  EXPECT_EQ(codes(b), "1:TIMESTAMP_TOO_OLD(value) 2:TIMESTAMP_IN_FUTURE(value)");
  ASSERT_EQ(b.accepted(), 1u);
  EXPECT_DOUBLE_EQ(b.rows()[0].value, 3);
  EXPECT_NE(b.rejections()[0].message.find("max age of 1 d"), std::string::npos) << b.rejections()[0].message;

  day.backfill = true;
  auto admin = parseLineProtocol(body, Precision::ms, context(day));
  EXPECT_EQ(codes(admin), "2:TIMESTAMP_IN_FUTURE(value)");
  ASSERT_EQ(admin.accepted(), 2u);
  EXPECT_EQ(admin.rows()[0].flags, kFlagBackfill);
  EXPECT_EQ(admin.rows()[1].flags, kFlagNone);

  // Default window: 7 days back, 1 hour ahead.
  auto def = parseLineProtocol(body, Precision::ms, context());
  EXPECT_EQ(codes(def), "2:TIMESTAMP_IN_FUTURE(value)");
}

TEST(LineProtocol, MissingSiteResolvedFromTheAssetWhenAResolverIsGiven) {
  auto ctx = context();
  ctx.siteOfAsset = [](std::string_view asset) -> std::optional<std::string> {
    if (asset == "A1") return "S1";
    return std::nullopt;
  };
  auto b = parseLineProtocol("m,asset=A1 value=1\nm,asset=A2 value=1", Precision::ns, ctx);
  EXPECT_EQ(codes(b), "2:MISSING_FIELD(site)");
  ASSERT_EQ(b.accepted(), 1u);
  EXPECT_EQ(b.point(0).key.siteId, "S1");
}

TEST(LineProtocol, InternsOneSeriesPerDistinctKey) {
  std::string body;
  for (int i = 0; i < 10; ++i) {
    body += "power,site=S,asset=A" + std::to_string(i % 3) + " value=" + std::to_string(i) + "\n";
    // Tag order differs but names the same series.
    body += "power,asset=A" + std::to_string(i % 3) + ",site=S value=" + std::to_string(i) + "\n";
  }
  auto b = parseLineProtocol(body, Precision::ns, context());
  EXPECT_EQ(b.accepted(), 20u);
  EXPECT_EQ(b.series().size(), 3u);
}

TEST(LineProtocol, NeverCrashesOnTruncatedInput) {
  const std::string line = R"(m\ x,site=S\,1,asset=A,k=v value=1.5,s="a\"b",i=3i,b=t 1764118900000000000)";
  for (size_t n = 0; n <= line.size(); ++n) {
    auto b = parseLineProtocol(line.substr(0, n), Precision::ns, context());
    EXPECT_LE(b.accepted() + b.rejections().size(), 4u);
  }
}

// ---- LineSeriesCache: what a series text gave, shared across requests ----

TEST(LineSeriesCache, LaterBodiesReuseTheSeriesAndItsMemo) {
  LineSeriesCache cache;
  auto first = parseLineProtocol("power,site=S,asset=A,sensor=P value=1 1\npower,site=S,asset=B value=2 1", Precision::s,
                                 context({.backfill = true}), &cache);
  ASSERT_EQ(first.series().size(), 2u);
  ASSERT_TRUE(first.series()[0].memo);
  first.series()[0].memo->resolved.store(42);  // what storage would record
  EXPECT_EQ(cache.size(), 2u);

  // Same series in another tag order: a new text, the same series and memo.
  auto second = parseLineProtocol("power,asset=A,sensor=P,site=S value=3 2\npower,site=S,asset=A,sensor=P value=4 3",
                                  Precision::s, context({.backfill = true}), &cache);
  ASSERT_EQ(codes(second), "");
  ASSERT_EQ(second.series().size(), 1u);
  EXPECT_EQ(second.series()[0].memo.get(), first.series()[0].memo.get());
  EXPECT_EQ(second.series()[0].memo->resolved.load(), 42u);
  EXPECT_EQ(second.point(0).key.assetId, "A");
  EXPECT_EQ(cache.size(), 3u);

  cache.clear();  // e.g. assets changed: nothing remembered survives
  auto third = parseLineProtocol("power,site=S,asset=A,sensor=P value=5 4", Precision::s, context({.backfill = true}), &cache);
  ASSERT_EQ(third.series().size(), 1u);
  EXPECT_EQ(third.series()[0].memo->resolved.load(), 0u);
}

// Batches interning the same memo in turn (as concurrent requests do) overwrite its hint: a batch
// then holds the series twice, both entries with the same key, and never another batch's index.
TEST(LineSeriesCache, MemoHintsOverwrittenByAnotherBatchOnlyDuplicate) {
  auto shared = std::make_shared<SeriesMemo>();
  auto other = std::make_shared<SeriesMemo>();
  const SeriesKey key{"t", "S", "A", "P", "power"};
  ParsedBatch a, b;
  EXPECT_EQ(a.internMemo(shared, key, "kW"), 0u);
  EXPECT_EQ(a.internMemo(shared, key, "kW"), 0u);  // its own hint
  EXPECT_EQ(b.internMemo(other, SeriesKey{"t", "S", "B", "P", "power"}, "kW"), 0u);
  EXPECT_EQ(b.internMemo(shared, key, "kW"), 1u);  // b's hint now: index 1
  const uint32_t again = a.internMemo(shared, key, "kW");
  ASSERT_LT(again, a.series().size());
  EXPECT_EQ(a.series()[again].key, key);
  EXPECT_EQ(a.series()[again].memo, shared);
}

TEST(LineSeriesCache, RemembersBadTagSetsWithTheirReasonAndStartsOverWhenFull) {
  LineSeriesCache cache(32);  // 16 shards of 2 texts
  for (int i = 0; i < 2; ++i) {
    auto b = parseLineProtocol("power,site=S value=1 1", Precision::s, context({.backfill = true}), &cache);
    EXPECT_EQ(codes(b), "1:MISSING_FIELD(asset)");
  }
  EXPECT_EQ(cache.size(), 1u);
  for (int i = 0; i < 200; ++i) {
    auto b = parseLineProtocol("power,site=S,asset=A" + std::to_string(i) + " value=" + std::to_string(i) + " 1", Precision::s,
                               context({.backfill = true}), &cache);
    ASSERT_EQ(b.accepted(), 1u);
    EXPECT_DOUBLE_EQ(b.point(0).value, i);
    EXPECT_EQ(b.point(0).key.assetId, "A" + std::to_string(i));
  }
  EXPECT_LE(cache.size(), 32u);
}

}  // namespace
}  // namespace dcmms::telemetry
