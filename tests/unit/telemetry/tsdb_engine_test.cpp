#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "telemetry/tsdb/engine.h"
#include "telemetry/tsdb/fault_env.h"
#include "telemetry/tsdb/layout.h"
#include "tsdb_test_util.h"

namespace dcmms::telemetry::tsdb {
namespace {

using testing::expectRollupsMatchRaw;
using testing::key;
using testing::kT0;
using testing::openStore;
using testing::TempDir;

RawQuery all() { return RawQuery{INT64_MIN, INT64_MAX, SIZE_MAX, std::nullopt}; }

Point pt(const SeriesKey& k, int64_t ts, double v, Quality q = Quality::good, uint8_t flags = 0,
         std::string meta = "") {
  return Point{k, ts, v, "celsius", q, flags, std::move(meta)};
}

TsdbOptions manual() {
  TsdbOptions o;
  o.backgroundThread = false;
  return o;
}

TEST(TsdbEngine, RoundTripKeepsValueQualityFlagsAndMetadata) {
  TempDir dir;
  auto store = openStore(dir.path(), manual());
  const Point p = pt(key("T1"), kT0 + 1234, 72.5, Quality::good, kFlagNone, R"({"fw":"1.2.3"})");
  auto w = store->write(std::span(&p, 1));
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_EQ(w->accepted, 1u);
  auto id = store->findSeries(key("T1"));
  ASSERT_TRUE(id);
  EXPECT_EQ(id->unit, "celsius");
  for (int pass = 0; pass < 2; ++pass) {  // head, then tables
    auto rows = store->queryRaw(id->id, all());
    ASSERT_TRUE(rows);
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0].timestampMs, kT0 + 1234);
    EXPECT_EQ((*rows)[0].value, 72.5);
    EXPECT_EQ((*rows)[0].metadataJson, R"({"fw":"1.2.3"})");
    ASSERT_TRUE(store->flush());
  }
}

TEST(TsdbEngine, DuplicatesAreIgnoredWhereverTheOriginalLives) {
  TempDir dir;
  auto store = openStore(dir.path(), manual());
  const auto k = key("T1");
  std::vector<Point> batch = {pt(k, kT0, 1), pt(k, kT0 + 1000, 2), pt(k, kT0 + 1000, 99)};
  auto w = store->write(batch);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->accepted, 2u);
  EXPECT_EQ(w->duplicates, 1u);
  ASSERT_TRUE(store->flush());  // originals now in tables
  w = store->write(batch);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->accepted, 0u);
  EXPECT_EQ(w->duplicates, 3u);
  store.reset();
  store = openStore(dir.path(), manual());
  w = store->write(batch);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->duplicates, 3u);
  auto rows = store->queryRaw(store->findSeries(k)->id, all());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].value, 2);  // first write wins
  EXPECT_EQ(store->stats().points, 2u);
}

TEST(TsdbEngine, OutOfOrderPointsAreMergedAndCounted) {
  TempDir dir;
  auto store = openStore(dir.path(), manual());
  const auto k = key("T1");
  std::vector<Point> a = {pt(k, kT0 + 10'000, 10)};
  std::vector<Point> b = {pt(k, kT0 + 5'000, 5, Quality::good, 0, R"({"late":true})")};
  ASSERT_TRUE(store->write(a));
  ASSERT_TRUE(store->write(b));
  const SeriesId id = store->findSeries(k)->id;
  auto rows = store->queryRaw(id, all());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].timestampMs, kT0 + 5'000);
  EXPECT_EQ((*rows)[0].metadataJson, R"({"late":true})");
  auto m1 = store->queryRollup(id, Resolution::m1, kT0, kT0 + 60'000);
  ASSERT_EQ(m1->size(), 1u);
  EXPECT_EQ((*m1)[0].count, 2u);
  EXPECT_EQ((*m1)[0].first, 5);
  EXPECT_EQ((*m1)[0].last, 10);
}

TEST(TsdbEngine, OneMinuteMathsAndFiveMinuteRollUp) {
  TempDir dir;
  auto store = openStore(dir.path(), manual());
  const auto k = key("T1");
  std::vector<Point> pts;
  for (int i = 1; i <= 120; ++i) pts.push_back(pt(k, kT0 + (i - 1) * 1000, i));
  ASSERT_TRUE(store->write(pts));
  const SeriesId id = store->findSeries(k)->id;
  auto m1 = store->queryRollup(id, Resolution::m1, kT0, kT0 + 3'600'000);
  ASSERT_EQ(m1->size(), 2u);
  EXPECT_DOUBLE_EQ((*m1)[0].avg(), 30.5);
  EXPECT_EQ((*m1)[0].sum, 1830);
  EXPECT_NEAR((*m1)[0].stddevSample(), 17.464, 1e-3);
  auto m5 = store->queryRollup(id, Resolution::m5, kT0, kT0 + 3'600'000);
  ASSERT_EQ(m5->size(), 1u);
  EXPECT_DOUBLE_EQ((*m5)[0].avg(), 60.5);
  EXPECT_EQ((*m5)[0].sum, 7260);
  EXPECT_EQ((*m5)[0].count, 120u);
}

TEST(TsdbEngine, BucketsAreCalendarAlignedUtc) {
  TempDir dir;
  auto store = openStore(dir.path(), manual());
  const auto k = key("T1");
  std::vector<Point> pts;
  for (int i = 0; i < 200; ++i) pts.push_back(pt(k, kT0 + 7 * 60'000 + 13'000 + i * 37'000, i));
  ASSERT_TRUE(store->write(pts));
  const SeriesId id = store->findSeries(k)->id;
  for (int pass = 0; pass < 2; ++pass) {
    for (Resolution r : {Resolution::m1, Resolution::m5, Resolution::m15, Resolution::h1}) {
      auto rows = store->queryRollup(id, r, INT64_MIN, INT64_MAX);
      ASSERT_TRUE(rows);
      for (const auto& row : rows.value()) EXPECT_EQ(row.bucketStartMs % resolutionMs(r), 0) << resolutionName(r);
    }
    auto q = store->queryRollup(id, Resolution::m15, INT64_MIN, INT64_MAX);
    EXPECT_EQ(q->front().bucketStartMs, kT0);  // 00:07:13 falls in the 00:00 quarter hour
    ASSERT_TRUE(store->flush());
  }
}

TEST(TsdbEngine, LatePointsCorrectPersistedBucketsWithoutDoubleCounting) {
  TempDir dir;
  auto store = openStore(dir.path(), manual());
  const auto k = key("T1");
  std::mt19937 rng(5);
  std::vector<Point> pts;
  for (int i = 0; i < 3000; ++i)
    pts.push_back(pt(k, kT0 + i * 2000, std::round(rng() % 10000) / 100.0, static_cast<Quality>(rng() % 3),
                     rng() % 9 == 0 ? kFlagOutOfRange : 0));
  ASSERT_TRUE(store->write(pts));
  ASSERT_TRUE(store->flush());
  const SeriesId id = store->findSeries(k)->id;
  std::vector<Point> late;
  for (int i = 0; i < 500; ++i) late.push_back(pt(k, kT0 + (rng() % 3000) * 2000 + 1000, 1.25 * i));
  late.push_back(pts[10]);  // a duplicate of a persisted point
  ASSERT_TRUE(store->write(late));
  expectRollupsMatchRaw(*store, id, "head+tables");
  ASSERT_TRUE(store->flush());
  expectRollupsMatchRaw(*store, id, "tables");
  ASSERT_TRUE(store->compactAll());
  expectRollupsMatchRaw(*store, id, "compacted");
  EXPECT_EQ(store->stats().tiers[0].files, 1u);
}

TEST(TsdbEngine, NewSensorOfKnownAssetCreatesSeriesAndListFilters) {
  TempDir dir;
  auto store = openStore(dir.path(), manual());
  std::vector<Point> pts = {pt(key("T1"), kT0, 1), pt(key("T2"), kT0, 2), pt(key("T1", "t", "A2", "S2"), kT0, 3)};
  ASSERT_TRUE(store->write(pts));
  EXPECT_EQ(store->listSeries("t1", {}).size(), 3u);
  SeriesFilter f;
  f.assetId = "A1";
  EXPECT_EQ(store->listSeries("t1", f).size(), 2u);
  f.sensorId = "T2";
  EXPECT_EQ(store->listSeries("t1", f).size(), 1u);
  EXPECT_TRUE(store->listSeries("other", {}).empty());
  EXPECT_EQ(store->latest("t1", std::string("S2")).size(), 1u);
  EXPECT_EQ(store->latest("t1", std::nullopt).size(), 3u);
}

TEST(TsdbEngine, RawQueryHonoursRangeLimitAndCursor) {
  TempDir dir;
  auto store = openStore(dir.path(), manual());
  const auto k = key("T1");
  std::vector<Point> pts;
  for (int i = 0; i < 100; ++i) pts.push_back(pt(k, kT0 + i * 1000, i));
  ASSERT_TRUE(store->write(pts));
  ASSERT_TRUE(store->flush());
  const SeriesId id = store->findSeries(k)->id;
  auto page = store->queryRaw(id, RawQuery{kT0 + 10'000, kT0 + 50'000, 15, std::nullopt});
  ASSERT_EQ(page->size(), 15u);
  EXPECT_EQ(page->front().value, 10);
  auto next = store->queryRaw(id, RawQuery{kT0 + 10'000, kT0 + 50'000, 100, page->back().timestampMs});
  ASSERT_EQ(next->size(), 25u);
  EXPECT_EQ(next->front().value, 25);
  EXPECT_EQ(next->back().value, 49);
}

TEST(TsdbEngine, NonFiniteValuesAreRejected) {
  TempDir dir;
  auto store = openStore(dir.path(), manual());
  std::vector<Point> pts = {pt(key("T1"), kT0, std::nan("")), pt(key("T1"), kT0 + 1, 1)};
  auto w = store->write(pts);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->rejected, 1u);
  EXPECT_EQ(w->accepted, 1u);
}

TEST(TsdbEngine, RetentionDropsWholePartitionsAndHidesExpiredRows) {
  TempDir dir;
  auto store = openStore(dir.path(), manual());
  const auto k = key("T1");
  const int64_t day = 86'400'000;
  const int64_t now = kT0 + 400 * day;
  std::vector<Point> pts = {pt(k, now - 91 * day, 1), pt(k, now - 89 * day, 2), pt(k, now - 366 * day, 3),
                            pt(k, now - 200 * day, 4)};
  ASSERT_TRUE(store->write(pts));
  ASSERT_TRUE(store->flush());
  const SeriesId id = store->findSeries(k)->id;
  auto before = store->stats();
  auto rep = store->applyRetention(now);
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->partitionsDropped[0], 3u);  // raw: -366 d, -200 d and -91 d
  EXPECT_EQ(rep->partitionsDropped[1], 1u);  // 1m: -366 d
  auto raw = store->queryRaw(id, all());
  ASSERT_EQ(raw->size(), 1u);
  EXPECT_EQ((*raw)[0].value, 2);
  auto m1 = store->queryRollup(id, Resolution::m1, INT64_MIN, INT64_MAX);
  EXPECT_EQ(m1->size(), 3u);
  auto h1 = store->queryRollup(id, Resolution::h1, INT64_MIN, INT64_MAX);
  EXPECT_EQ(h1->size(), 4u);
  EXPECT_LT(store->stats().tiers[0].partitions, before.tiers[0].partitions);
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/raw/" + partitionName(floorTo(now - 200 * day, day))));
}

TEST(TsdbEngine, ReopenAfterCleanCloseKeepsEverything) {
  TempDir dir;
  std::vector<Point> pts;
  for (int s = 0; s < 5; ++s)
    for (int i = 0; i < 1000; ++i) pts.push_back(pt(key("T" + std::to_string(s)), kT0 + i * 1000, s + i * 0.01));
  {
    auto store = openStore(dir.path(), manual());
    ASSERT_TRUE(store->write(pts));
    ASSERT_TRUE(store->close());
  }
  auto store = openStore(dir.path(), manual());
  EXPECT_EQ(store->stats().series, 5u);
  EXPECT_EQ(store->stats().points, 5000u);
  EXPECT_EQ(store->stats().headPoints, 0u);
  for (int s = 0; s < 5; ++s) {
    const SeriesId id = store->findSeries(key("T" + std::to_string(s)))->id;
    auto rows = store->queryRaw(id, all());
    ASSERT_EQ(rows->size(), 1000u);
    EXPECT_EQ((*rows)[999].value, s + 999 * 0.01);
    expectRollupsMatchRaw(*store, id, "reopened");
  }
  auto latest = store->latest("t1", std::nullopt);
  ASSERT_EQ(latest.size(), 5u);
  EXPECT_EQ(latest[0].timestampMs, kT0 + 999'000);
}

TEST(TsdbEngine, WalReplayRecoversAcknowledgedWritesAfterCrash) {
  TempDir dir;
  const auto k = key("T1");
  {
    auto store = openStore(dir.path(), manual());
    std::vector<Point> a = {pt(k, kT0, 1), pt(k, kT0 + 1000, 2)};
    ASSERT_TRUE(store->write(a));
    ASSERT_TRUE(store->flush());
    std::vector<Point> b = {pt(k, kT0 + 2000, 3, Quality::bad, 0, R"({"x":1})"), pt(k, kT0 + 500, 0.5)};
    ASSERT_TRUE(store->write(b));
    store->simulateCrashForTest();
  }
  auto store = openStore(dir.path(), manual());
  const SeriesId id = store->findSeries(k)->id;
  auto rows = store->queryRaw(id, all());
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[3].metadataJson, R"({"x":1})");
  EXPECT_EQ((*rows)[3].quality, Quality::bad);
  EXPECT_EQ(store->stats().points, 4u);
  expectRollupsMatchRaw(*store, id, "replayed");
}

TEST(TsdbEngine, DurableWritesSurvivePowerLossFastModeMayNot) {
  TempDir dir;
  FaultInjectionEnv env(posixEnv());
  const auto k = key("T1");
  {
    TsdbOptions o = manual();
    o.env = &env;
    auto store = openStore(dir.path(), o);
    std::vector<Point> a;
    for (int i = 0; i < 100; ++i) a.push_back(pt(k, kT0 + i, i));
    ASSERT_TRUE(store->write(a));
    store->simulateCrashForTest();
  }
  ASSERT_TRUE(env.dropUnsyncedData());
  {
    auto store = openStore(dir.path(), manual());
    EXPECT_EQ(store->stats().points, 100u);
    ASSERT_TRUE(store->close());
  }
  TempDir fastDir;
  {
    TsdbOptions o = manual();
    o.env = &env;
    o.fastMode = true;
    auto store = openStore(fastDir.path(), o);
    std::vector<Point> a = {pt(k, kT0, 1)};
    ASSERT_TRUE(store->write(a));
    const uint64_t syncs = env.syncCount();
    ASSERT_TRUE(store->write(a));
    EXPECT_EQ(env.syncCount(), syncs);  // fast mode acknowledges without fsync
    store->simulateCrashForTest();
  }
  ASSERT_TRUE(env.dropUnsyncedData());
  auto store = openStore(fastDir.path(), manual());
  EXPECT_EQ(store->stats().points, 0u);  // the unsynced point was lost with the "power"
}

TEST(TsdbEngine, FsyncFailureIsNotAcknowledgedAndSticky) {
  TempDir dir;
  FaultInjectionEnv env(posixEnv());
  const auto k = key("T1");
  {
    TsdbOptions o = manual();
    o.env = &env;
    auto store = openStore(dir.path(), o);
    std::vector<Point> a = {pt(k, kT0, 1)};
    ASSERT_TRUE(store->write(a));
    env.failSyncAfter(1);
    std::vector<Point> b = {pt(k, kT0 + 1, 2)};
    auto w = store->write(b);
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().code, "TSDB_IO_ERROR");
    env.heal();
    std::vector<Point> c = {pt(k, kT0 + 2, 3)};
    EXPECT_FALSE(store->write(c));  // sticky until reopened
    store->simulateCrashForTest();
  }
  auto store = openStore(dir.path(), manual());
  auto rows = store->queryRaw(store->findSeries(k)->id, all());
  ASSERT_GE(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].value, 1);
  std::vector<Point> d = {pt(k, kT0 + 3, 4)};
  EXPECT_TRUE(store->write(d));
}

TEST(TsdbEngine, CrashPointsLeaveAConsistentStore) {
  for (const char* point : {"checkpoint.tables_written", "checkpoint.manifest_written", "compaction.output_written"}) {
    SCOPED_TRACE(point);
    TempDir dir;
    const auto k = key("T1");
    std::vector<Point> pts;
    for (int i = 0; i < 500; ++i) pts.push_back(pt(k, kT0 + i * 1000, i * 0.5));
    {
      TsdbOptions o = manual();
      const std::string target = point;
      o.crashPoint = [target](std::string_view p) {
        if (p == target) throw std::runtime_error("crash");
      };
      auto store = openStore(dir.path(), o);
      for (int round = 0; round < 3; ++round) {
        std::vector<Point> part(pts.begin() + round * 100, pts.begin() + round * 100 + 100);
        ASSERT_TRUE(store->write(part));
        try {
          (void)store->flush();
          if (round == 2) (void)store->compactAll();
        } catch (const std::runtime_error&) {
          store->simulateCrashForTest();
          break;
        }
      }
      if (store) store->simulateCrashForTest();
    }
    auto store = openStore(dir.path(), manual());
    const SeriesId id = store->findSeries(k)->id;
    auto rows = store->queryRaw(id, all());
    ASSERT_TRUE(rows);
    EXPECT_GE(rows->size(), 100u);
    for (size_t i = 1; i < rows->size(); ++i) ASSERT_LT((*rows)[i - 1].timestampMs, (*rows)[i].timestampMs);
    EXPECT_EQ(store->stats().points, rows->size());
    expectRollupsMatchRaw(*store, id, point);
  }
}

TEST(TsdbEngine, ConcurrentWritersAndReaders) {
  TempDir dir;
  TsdbOptions o;
  o.headMaxPoints = 20'000;  // force background checkpoints and compactions
  o.compactionTrigger = 3;
  auto store = openStore(dir.path(), o);
  constexpr int kThreads = 4, kSeries = 20, kBatches = 40, kPer = 50;
  std::vector<SeriesId> ids;
  for (int s = 0; s < kSeries; ++s) ids.push_back(store->resolveSeries(key("T" + std::to_string(s)), "c").value());
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done) {
      auto r = store->queryRollup(ids[0], Resolution::m1, INT64_MIN, INT64_MAX);
      ASSERT_TRUE(r);
      (void)store->latest("t1", std::nullopt);
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t)
    writers.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        std::vector<SeriesId> sid;
        std::vector<int64_t> ts;
        std::vector<double> v;
        for (int s = 0; s < kSeries; ++s)
          for (int i = 0; i < kPer; ++i) {
            sid.push_back(ids[s]);
            ts.push_back(kT0 + ((b * kPer + i) * kThreads + t) * 1000);
            v.push_back(i * 0.1);
          }
        ColumnBatch cb{sid, ts, v, {}, {}, {}};
        auto w = store->writeColumns(cb);
        ASSERT_TRUE(w);
        ASSERT_EQ(w->accepted, sid.size());
      }
    });
  for (auto& w : writers) w.join();
  done = true;
  reader.join();
  EXPECT_EQ(store->stats().points, uint64_t{kThreads} * kSeries * kBatches * kPer);
  for (SeriesId id : ids) {
    auto rows = store->queryRaw(id, all());
    ASSERT_EQ(rows->size(), size_t{kThreads} * kBatches * kPer);
  }
  expectRollupsMatchRaw(*store, ids[3], "concurrent");
}

}  // namespace
}  // namespace dcmms::telemetry::tsdb
