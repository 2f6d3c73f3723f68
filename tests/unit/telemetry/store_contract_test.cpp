// The TelemetryStore contract (telemetry/store.h), run against every implementation:
// the embedded engine (tsdb) and the ClickHouse adapter.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <thread>

#include "store_contract_backend.h"
#include "telemetry/store.h"

namespace dcmms::telemetry {
namespace {

using testing::StoreBackend;

constexpr int64_t kT0 = 1'704'067'200'000;  // 2024-01-01T00:00:00Z
constexpr int64_t kMin = 60'000, kHour = 3'600'000, kDay = 86'400'000;

SeriesKey key(const std::string& sensor, const std::string& metric = "temperature", const std::string& asset = "A1",
              const std::string& site = "S1", const std::string& tenant = "t1") {
  return SeriesKey{tenant, site, asset, sensor, metric};
}

Point pt(const SeriesKey& k, int64_t ts, double v, Quality q = Quality::good, uint8_t flags = kFlagNone,
         std::string meta = "") {
  return Point{k, ts, v, "celsius", q, flags, std::move(meta)};
}

RawQuery all() { return RawQuery{INT64_MIN, INT64_MAX, SIZE_MAX, std::nullopt}; }

// Roll-ups recomputed from raw rows, straight from the definitions in store.h.
std::vector<RollupRow> recompute(const std::vector<RawRow>& raw, Resolution res) {
  std::map<int64_t, std::vector<const RawRow*>> buckets;
  const int64_t w = resolutionMs(res);
  for (const auto& r : raw) buckets[r.timestampMs - ((r.timestampMs % w) + w) % w].push_back(&r);
  std::vector<RollupRow> out;
  for (const auto& [b, rows] : buckets) {
    RollupRow x;
    x.bucketStartMs = b;
    x.min = x.max = rows.front()->value;
    x.firstTs = INT64_MAX;
    x.lastTs = INT64_MIN;
    for (const RawRow* r : rows) {
      ++x.count;
      x.sum += r->value;
      x.sumSq += r->value * r->value;
      x.min = std::min(x.min, r->value);
      x.max = std::max(x.max, r->value);
      if (r->timestampMs < x.firstTs) x.firstTs = r->timestampMs, x.first = r->value;
      if (r->timestampMs > x.lastTs) x.lastTs = r->timestampMs, x.last = r->value;
      x.goodCount += r->quality == Quality::good;
      x.badCount += r->quality == Quality::bad || r->quality == Quality::sensor_fault;
      x.outOfRangeCount += (r->flags & kFlagOutOfRange) != 0;
    }
    out.push_back(x);
  }
  return out;
}

void expectSameRollups(const std::vector<RollupRow>& got, const std::vector<RollupRow>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) {
    const auto &g = got[i], &w = want[i];
    ASSERT_EQ(g.bucketStartMs, w.bucketStartMs) << what;
    EXPECT_EQ(g.count, w.count) << what << " @" << g.bucketStartMs;
    EXPECT_NEAR(g.sum, w.sum, 1e-9 * (1 + std::fabs(w.sum))) << what;
    EXPECT_NEAR(g.sumSq, w.sumSq, 1e-9 * (1 + std::fabs(w.sumSq))) << what;
    EXPECT_EQ(g.min, w.min) << what;
    EXPECT_EQ(g.max, w.max) << what;
    EXPECT_EQ(g.first, w.first) << what;
    EXPECT_EQ(g.last, w.last) << what;
    EXPECT_EQ(g.firstTs, w.firstTs) << what;
    EXPECT_EQ(g.lastTs, w.lastTs) << what;
    EXPECT_EQ(g.goodCount, w.goodCount) << what;
    EXPECT_EQ(g.badCount, w.badCount) << what;
    EXPECT_EQ(g.outOfRangeCount, w.outOfRangeCount) << what;
  }
}

constexpr Resolution kAllRes[] = {Resolution::m1, Resolution::m5, Resolution::m15, Resolution::h1};

class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    backend_ = std::make_unique<StoreBackend>(GetParam());
    store_ = backend_->open();
  }
  void TearDown() override {
    if (store_) {
      EXPECT_TRUE(store_->close());
    }
    store_.reset();
    backend_.reset();
  }
  void reopen(const RetentionPolicy& retention = {}) {
    ASSERT_TRUE(store_->close());
    store_.reset();
    store_ = backend_->open(retention);
  }
  WriteResult write(const std::vector<Point>& points) {
    auto r = store_->write(points);
    EXPECT_TRUE(r) << r.error().message;
    return r ? r.value() : WriteResult{};
  }
  SeriesId id(const SeriesKey& k) {
    auto s = store_->findSeries(k);
    if (!s) throw std::runtime_error("series not found: " + k.sensorId);
    return s->id;
  }
  std::vector<RawRow> raw(SeriesId id, RawQuery q = all()) {
    auto r = store_->queryRaw(id, q);
    EXPECT_TRUE(r) << r.error().message;
    return r ? r.value() : std::vector<RawRow>{};
  }
  std::vector<RollupRow> rollup(SeriesId id, Resolution res, int64_t from = INT64_MIN, int64_t to = INT64_MAX) {
    auto r = store_->queryRollup(id, res, from, to);
    EXPECT_TRUE(r) << r.error().message;
    return r ? r.value() : std::vector<RollupRow>{};
  }
  void expectRollupsMatchRaw(SeriesId id, const std::string& what) {
    const auto rows = raw(id);
    for (Resolution r : kAllRes) expectSameRollups(rollup(id, r), recompute(rows, r), what + " " + resolutionName(r));
  }

  std::unique_ptr<StoreBackend> backend_;
  std::unique_ptr<TelemetryStore> store_;
};

TEST_P(StoreContract, RoundTripKeepsValueQualityFlagsAndMetadata) {
  const auto k = key("T1");
  const auto w = write({pt(k, kT0 + 1234, 72.5, Quality::good, kFlagNone, R"({"fw":"1.2.3"})"),
                        pt(k, kT0 + 2000, -3.25, Quality::bad, kFlagOutOfRange),
                        pt(k, kT0 + 3000, 0.1, Quality::sensor_fault, kFlagOutOfRange | kFlagLate, R"({"a":[1,2]})"),
                        pt(k, kT0 + 4000, 1e300, Quality::uncertain, kFlagBackfill)});
  EXPECT_EQ(w.accepted, 4u);
  EXPECT_EQ(w.duplicates, 0u);
  const auto info = store_->findSeries(k);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->unit, "celsius");
  EXPECT_EQ(info->key, k);
  for (int pass = 0; pass < 2; ++pass) {  // as written, then after flush + reopen
    const auto rows = raw(info->id);
    ASSERT_EQ(rows.size(), 4u) << "pass " << pass;
    EXPECT_EQ(rows[0].timestampMs, kT0 + 1234);
    EXPECT_EQ(rows[0].value, 72.5);
    EXPECT_EQ(rows[0].quality, Quality::good);
    EXPECT_EQ(rows[0].metadataJson, R"({"fw":"1.2.3"})");
    EXPECT_EQ(rows[1].value, -3.25);
    EXPECT_EQ(rows[1].quality, Quality::bad);
    EXPECT_EQ(rows[1].flags, kFlagOutOfRange);
    EXPECT_EQ(rows[1].metadataJson, "");
    EXPECT_EQ(rows[2].quality, Quality::sensor_fault);
    EXPECT_EQ(rows[2].flags, kFlagOutOfRange | kFlagLate);
    EXPECT_EQ(rows[2].metadataJson, R"({"a":[1,2]})");
    EXPECT_EQ(rows[2].value, 0.1);  // bit-exact
    EXPECT_EQ(rows[3].value, 1e300);
    EXPECT_EQ(rows[3].quality, Quality::uncertain);
    EXPECT_EQ(rows[3].flags, kFlagBackfill);
    ASSERT_TRUE(store_->flush());
    reopen();
  }
}

TEST_P(StoreContract, NonFiniteValuesAreRejected) {
  const auto k = key("T1");
  const auto w = write({pt(k, kT0, std::nan("")), pt(k, kT0 + 1, std::numeric_limits<double>::infinity()),
                        pt(k, kT0 + 2, 5)});
  EXPECT_EQ(w.accepted, 1u);
  EXPECT_EQ(w.rejected, 2u);
  ASSERT_EQ(raw(id(k)).size(), 1u);
}

TEST_P(StoreContract, SeriesAreCreatedOnFirstSightAndKeepTheirIds) {
  const auto t1 = key("T1"), t2 = key("T2"), power = key("T1", "power");
  write({pt(t1, kT0, 1)});
  write({pt(t2, kT0, 2), pt(power, kT0, 3)});  // new sensor / new metric of a known asset
  const SeriesId a = id(t1), b = id(t2), c = id(power);
  EXPECT_NE(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(b, c);
  auto again = store_->resolveSeries(t2, "celsius");
  ASSERT_TRUE(again);
  EXPECT_EQ(again.value(), b);
  auto fresh = store_->resolveSeries(key("T3"), "kW");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(store_->findSeries(key("T3"))->unit, "kW");
  EXPECT_FALSE(store_->resolveSeries(SeriesKey{"t1", "S1", "", "x", "m"}, "kW"));  // asset required
  EXPECT_FALSE(store_->findSeries(key("nope")));
  EXPECT_EQ(store_->stats().series, 4u);

  // Columnar path with resolved ids; unknown ids are refused.
  const std::vector<SeriesId> ids = {fresh.value(), fresh.value()};
  const std::vector<int64_t> ts = {kT0, kT0 + 1000};
  const std::vector<double> vals = {10, 11};
  const std::vector<std::pair<uint32_t, std::string>> meta = {{1, R"({"m":1})"}};
  auto w = store_->writeColumns(ColumnBatch{ids, ts, vals, {}, {}, meta});
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_EQ(w->accepted, 2u);
  const std::vector<SeriesId> unknown = {9999};
  EXPECT_FALSE(store_->writeColumns(ColumnBatch{unknown, std::span(ts).first(1), std::span(vals).first(1), {}, {}, {}}));

  ASSERT_TRUE(store_->flush());
  reopen();
  EXPECT_EQ(id(t1), a);
  EXPECT_EQ(id(t2), b);
  EXPECT_EQ(id(power), c);
  EXPECT_EQ(id(key("T3")), fresh.value());
  const auto rows = raw(fresh.value());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].quality, Quality::good);
  EXPECT_EQ(rows[1].metadataJson, R"({"m":1})");
  write({pt(key("T4"), kT0, 1)});  // ids keep being unique after a restart
  for (const auto& k : {t1, t2, power, key("T3")}) EXPECT_NE(id(key("T4")), id(k));
}

TEST_P(StoreContract, DuplicatesFirstWriteWinsAcrossBatchesAndRestarts) {
  const auto k = key("T1");
  auto w = write({pt(k, kT0, 1), pt(k, kT0 + 1000, 2), pt(k, kT0 + 1000, 99)});
  EXPECT_EQ(w.accepted, 2u);
  EXPECT_EQ(w.duplicates, 1u);
  w = write({pt(k, kT0, 50), pt(k, kT0 + 1000, 51), pt(k, kT0 + 2000, 3)});
  EXPECT_EQ(w.accepted, 1u);
  EXPECT_EQ(w.duplicates, 2u);
  ASSERT_TRUE(store_->flush());
  reopen();
  w = write({pt(k, kT0, 70), pt(k, kT0 + 2000, 71), pt(k, kT0 + 500, 4)});
  EXPECT_EQ(w.accepted, 1u);
  EXPECT_EQ(w.duplicates, 2u);
  const auto rows = raw(id(k));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].value, 1);
  EXPECT_EQ(rows[1].value, 4);
  EXPECT_EQ(rows[2].value, 2);
  EXPECT_EQ(rows[3].value, 3);
  EXPECT_EQ(store_->stats().points, 4u);
  const auto m = rollup(id(k), Resolution::m1);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].count, 4u);
  EXPECT_EQ(m[0].sum, 10);
}

TEST_P(StoreContract, ReplayedBatchStoresOnlyNewPoints) {
  std::vector<Point> batch;
  for (int s = 0; s < 20; ++s)
    for (int i = 0; i < 30; ++i) batch.push_back(pt(key("T" + std::to_string(s)), kT0 + i * 1000, s * 100 + i));
  EXPECT_EQ(write(batch).accepted, 600u);
  std::shuffle(batch.begin(), batch.end(), std::mt19937(7));
  auto w = write(batch);
  EXPECT_EQ(w.accepted, 0u);
  EXPECT_EQ(w.duplicates, 600u);
  // A replay mixed with new late points, inside the replayed range and far from it.
  batch.push_back(pt(key("T3"), kT0 + 10'500, -1));
  batch.push_back(pt(key("T19"), kT0 + 29'001, -2));
  batch.push_back(pt(key("T5"), kT0 - kDay, -3));
  batch.push_back(pt(key("T5"), kT0 - kDay, -4));
  std::shuffle(batch.begin(), batch.end(), std::mt19937(8));
  w = write(batch);
  EXPECT_EQ(w.accepted, 3u);
  EXPECT_EQ(w.duplicates, 601u);
  EXPECT_EQ(store_->stats().points, 603u);
  const auto t3 = raw(id(key("T3")));
  ASSERT_EQ(t3.size(), 31u);
  EXPECT_EQ(t3[11].value, -1);
  EXPECT_EQ(raw(id(key("T5")))[0].timestampMs, kT0 - kDay);
}

TEST_P(StoreContract, OutOfOrderPointsAreStoredInTimeOrder) {
  const auto k = key("T1");
  std::vector<Point> pts;
  for (int i = 0; i < 100; ++i) pts.push_back(pt(k, kT0 + i * 1000, i));
  std::shuffle(pts.begin(), pts.end(), std::mt19937(42));
  EXPECT_EQ(write(std::vector(pts.begin(), pts.begin() + 50)).accepted, 50u);
  ASSERT_TRUE(store_->flush());
  EXPECT_EQ(write(std::vector(pts.begin() + 50, pts.end())).accepted, 50u);
  const auto rows = raw(id(k));
  ASSERT_EQ(rows.size(), 100u);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(rows[i].timestampMs, kT0 + i * 1000);
    EXPECT_EQ(rows[i].value, i);
  }
  expectRollupsMatchRaw(id(k), "out of order");
}

TEST_P(StoreContract, RollupMathsOfOneMinute) {
  const auto k = key("T1");
  std::vector<Point> pts;
  for (int i = 1; i <= 60; ++i) pts.push_back(pt(k, kT0 + (i - 1) * 1000, i));
  write(pts);
  for (Resolution res : kAllRes) {
    const auto rows = rollup(id(k), res);
    ASSERT_EQ(rows.size(), 1u) << resolutionName(res);
    const RollupRow& r = rows[0];
    EXPECT_EQ(r.bucketStartMs, kT0);
    EXPECT_EQ(r.count, 60u);
    EXPECT_EQ(r.sum, 1830);
    EXPECT_DOUBLE_EQ(r.avg(), 30.5);
    EXPECT_EQ(r.min, 1);
    EXPECT_EQ(r.max, 60);
    EXPECT_EQ(r.first, 1);
    EXPECT_EQ(r.last, 60);
    EXPECT_EQ(r.firstTs, kT0);
    EXPECT_EQ(r.lastTs, kT0 + 59'000);
    EXPECT_EQ(r.sumSq, 73'810);  // sum of i^2, 1..60
    EXPECT_NEAR(r.stddevPopulation(), std::sqrt((60.0 * 60 - 1) / 12), 1e-9);
    EXPECT_EQ(r.goodCount, 60u);
  }
}

TEST_P(StoreContract, FiveMinuteBucketIsTheSumOfItsMinutes) {
  const auto k = key("T1");
  std::vector<Point> pts;
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> val(-50, 50);
  for (int i = 0; i < 600; ++i) {  // 10 minutes at 1 s, mixed quality and flags
    const auto q = static_cast<Quality>(i % 4);
    pts.push_back(pt(k, kT0 + i * 1000, std::round(val(rng) * 100) / 100, q, i % 7 == 0 ? kFlagOutOfRange : 0));
  }
  write(pts);
  const auto minutes = rollup(id(k), Resolution::m1);
  const auto fives = rollup(id(k), Resolution::m5);
  ASSERT_EQ(minutes.size(), 10u);
  ASSERT_EQ(fives.size(), 2u);
  for (size_t f = 0; f < 2; ++f) {
    RollupRow want;
    want.min = INFINITY;
    want.max = -INFINITY;
    for (size_t m = f * 5; m < f * 5 + 5; ++m) {
      const auto& r = minutes[m];
      EXPECT_EQ(r.bucketStartMs, kT0 + static_cast<int64_t>(m) * kMin);
      want.count += r.count;
      want.sum += r.sum;
      want.min = std::min(want.min, r.min);
      want.max = std::max(want.max, r.max);
      want.goodCount += r.goodCount;
      want.badCount += r.badCount;
      want.outOfRangeCount += r.outOfRangeCount;
    }
    const auto& got = fives[f];
    EXPECT_EQ(got.bucketStartMs, kT0 + static_cast<int64_t>(f) * 5 * kMin);
    EXPECT_EQ(got.count, want.count);
    EXPECT_NEAR(got.sum, want.sum, 1e-9 * (1 + std::fabs(want.sum)));
    EXPECT_EQ(got.min, want.min);
    EXPECT_EQ(got.max, want.max);
    EXPECT_EQ(got.first, minutes[f * 5].first);
    EXPECT_EQ(got.last, minutes[f * 5 + 4].last);
    EXPECT_EQ(got.goodCount, want.goodCount);
    EXPECT_EQ(got.badCount, want.badCount);
    EXPECT_EQ(got.outOfRangeCount, want.outOfRangeCount);
  }
  EXPECT_EQ(fives[0].goodCount, 75u);  // quality cycles good, uncertain, bad, sensor_fault
  EXPECT_EQ(fives[0].badCount, 150u);
  expectRollupsMatchRaw(id(k), "mixed quality");
}

TEST_P(StoreContract, BucketsAreCalendarAlignedUtc) {
  const auto k = key("T1");
  // Starts at 00:07:30, so series-relative buckets would differ from calendar ones.
  write({pt(k, kT0 + 7 * kMin + 30'000, 1), pt(k, kT0 + 15 * kMin - 1, 2), pt(k, kT0 + 15 * kMin, 3),
         pt(k, kT0 + kHour - 1, 4), pt(k, kT0 + kHour, 5), pt(k, kT0 + kDay + 5 * kMin + 1, 6)});
  const auto q15 = rollup(id(k), Resolution::m15);
  ASSERT_EQ(q15.size(), 5u);
  EXPECT_EQ(q15[0].bucketStartMs, kT0);
  EXPECT_EQ(q15[0].count, 2u);
  EXPECT_EQ(q15[1].bucketStartMs, kT0 + 15 * kMin);
  EXPECT_EQ(q15[2].bucketStartMs, kT0 + 45 * kMin);
  EXPECT_EQ(q15[3].bucketStartMs, kT0 + kHour);
  EXPECT_EQ(q15[4].bucketStartMs, kT0 + kDay);
  const auto h = rollup(id(k), Resolution::h1);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].bucketStartMs, kT0);
  EXPECT_EQ(h[0].count, 4u);
  EXPECT_EQ(h[1].bucketStartMs, kT0 + kHour);
  EXPECT_EQ(h[2].bucketStartMs, kT0 + kDay);
  const auto m5 = rollup(id(k), Resolution::m5);
  EXPECT_EQ(m5.back().bucketStartMs, kT0 + kDay + 5 * kMin);
  // Range bounds select by bucket start: [start, end).
  const auto some = rollup(id(k), Resolution::m15, kT0 + 15 * kMin, kT0 + kHour);
  ASSERT_EQ(some.size(), 2u);
  EXPECT_EQ(some[0].bucketStartMs, kT0 + 15 * kMin);
  EXPECT_EQ(some[1].bucketStartMs, kT0 + 45 * kMin);
  expectRollupsMatchRaw(id(k), "alignment");
}

TEST_P(StoreContract, PreEpochPointsUseFloorBuckets) {
  const auto k = key("T1");
  write({pt(k, -90'000, 1), pt(k, -1, 2), pt(k, 0, 3)});  // 1969-12-31T23:58:30Z, 23:59:59.999Z, epoch
  const auto m = rollup(id(k), Resolution::m1);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].bucketStartMs, -120'000);
  EXPECT_EQ(m[1].bucketStartMs, -60'000);
  EXPECT_EQ(m[2].bucketStartMs, 0);
  const auto h = rollup(id(k), Resolution::h1);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].bucketStartMs, -kHour);
  EXPECT_EQ(h[0].count, 2u);
  EXPECT_EQ(raw(id(k), RawQuery{-100'000, 0, 10, std::nullopt}).size(), 2u);
  expectRollupsMatchRaw(id(k), "pre-epoch");
}

TEST_P(StoreContract, LatePointCorrectsItsBucket) {
  const auto k = key("T1");
  std::vector<Point> pts;
  for (int i = 0; i < 120; ++i) pts.push_back(pt(k, kT0 + 10 * kMin + i * 1000, 10));
  write(pts);
  ASSERT_TRUE(store_->flush());
  auto before = rollup(id(k), Resolution::m1, kT0 + 10 * kMin, kT0 + 11 * kMin);
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0].count, 60u);
  // Late points: one into an already rolled-up minute (new min, max and first), one into
  // an hour before anything else.
  const auto w = write({pt(k, kT0 + 10 * kMin + 500, -7, Quality::bad), pt(k, kT0 + 10 * kMin, 99),
                        pt(k, kT0 + 3 * kMin, 5)});
  EXPECT_EQ(w.accepted, 2u);
  EXPECT_EQ(w.duplicates, 1u);
  const auto after = rollup(id(k), Resolution::m1, kT0 + 10 * kMin, kT0 + 11 * kMin);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].count, 61u);
  EXPECT_EQ(after[0].min, -7);
  EXPECT_EQ(after[0].sum, 593);
  EXPECT_EQ(after[0].badCount, 1u);
  EXPECT_EQ(after[0].first, 10);  // kT0+10m (value 10) is still the earliest
  EXPECT_EQ(after[0].firstTs, kT0 + 10 * kMin);
  expectRollupsMatchRaw(id(k), "late");
  ASSERT_TRUE(store_->flush());
  reopen();
  expectRollupsMatchRaw(id(k), "late after restart");
  EXPECT_EQ(rollup(id(k), Resolution::h1)[0].count, 122u);
}

TEST_P(StoreContract, ListSeriesFilters) {
  write({pt(key("T1", "temperature", "A1", "S1"), kT0, 1), pt(key("T2", "temperature", "A1", "S1"), kT0, 1),
         pt(key("T1", "power", "A1", "S1"), kT0, 1), pt(key("T1", "temperature", "A2", "S1"), kT0, 1),
         pt(key("T1", "temperature", "A3", "S2"), kT0, 1), pt(key("T1", "temperature", "A1", "S1", "t2"), kT0, 1)});
  auto count = [&](const std::string& tenant, SeriesFilter f) { return store_->listSeries(tenant, f).size(); };
  EXPECT_EQ(count("t1", {}), 5u);
  EXPECT_EQ(count("t2", {}), 1u);
  EXPECT_EQ(count("t3", {}), 0u);
  EXPECT_EQ(count("t1", {.siteId = "S1"}), 4u);
  EXPECT_EQ(count("t1", {.siteId = "S2"}), 1u);
  EXPECT_EQ(count("t1", {.assetId = "A1"}), 3u);
  EXPECT_EQ(count("t1", {.sensorId = "T1"}), 4u);
  EXPECT_EQ(count("t1", {.metric = "power"}), 1u);
  EXPECT_EQ(count("t1", {.siteId = "S1", .assetId = "A1", .sensorId = "T1", .metric = "temperature"}), 1u);
  const auto one = store_->listSeries("t1", {.assetId = "A2"});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].key, key("T1", "temperature", "A2", "S1"));
  EXPECT_EQ(one[0].unit, "celsius");
}

TEST_P(StoreContract, LatestIsTheNewestPointOfEverySeries) {
  const auto a = key("T1"), b = key("T2"), c = key("T1", "temperature", "A9", "S2"), other = key("T1", "x", "A1", "S1", "t2");
  write({pt(a, kT0 + 5000, 5, Quality::uncertain, kFlagOutOfRange), pt(a, kT0 + 1000, 1), pt(b, kT0, 7),
         pt(c, kT0 + 9000, 9), pt(other, kT0, 0)});
  write({pt(a, kT0 + 2000, 2), pt(b, kT0 + 100, 8)});  // older than a's newest, newer than b's
  auto check = [&](const std::string& what) {
    auto rows = store_->latest("t1", std::nullopt);
    ASSERT_EQ(rows.size(), 3u) << what;
    std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) { return x.series.id < y.series.id; });
    std::map<std::string, LatestRow> by;
    for (const auto& r : rows) by[r.series.key.assetId + "/" + r.series.key.sensorId] = r;
    EXPECT_EQ(by["A1/T1"].timestampMs, kT0 + 5000) << what;
    EXPECT_EQ(by["A1/T1"].value, 5) << what;
    EXPECT_EQ(by["A1/T1"].quality, Quality::uncertain) << what;
    EXPECT_EQ(by["A1/T1"].flags, kFlagOutOfRange) << what;
    EXPECT_EQ(by["A1/T2"].value, 8) << what;
    EXPECT_EQ(by["A9/T1"].value, 9) << what;
    const auto s2 = store_->latest("t1", std::string("S2"));
    ASSERT_EQ(s2.size(), 1u) << what;
    EXPECT_EQ(s2[0].series.key, c) << what;
    EXPECT_EQ(store_->latest("t2", std::nullopt).size(), 1u) << what;
  };
  check("live");
  ASSERT_TRUE(store_->flush());
  reopen();
  check("after restart");
}

TEST_P(StoreContract, QueryRawHonoursRangeLimitAndCursor) {
  const auto k = key("T1");
  std::vector<Point> pts;
  for (int i = 0; i < 25; ++i) pts.push_back(pt(k, kT0 + i * 1000, i));
  write(pts);
  const SeriesId s = id(k);
  auto range = raw(s, RawQuery{kT0 + 5000, kT0 + 10'000, 100, std::nullopt});
  ASSERT_EQ(range.size(), 5u);  // start inclusive, end exclusive
  EXPECT_EQ(range.front().value, 5);
  EXPECT_EQ(range.back().value, 9);
  std::vector<double> paged;
  std::optional<int64_t> cursor;
  for (int page = 0; page < 10; ++page) {
    const auto rows = raw(s, RawQuery{INT64_MIN, INT64_MAX, 10, cursor});
    if (rows.empty()) break;
    EXPECT_LE(rows.size(), 10u);
    for (const auto& r : rows) paged.push_back(r.value);
    cursor = rows.back().timestampMs;
  }
  ASSERT_EQ(paged.size(), 25u);
  for (int i = 0; i < 25; ++i) EXPECT_EQ(paged[i], i);
  EXPECT_TRUE(raw(s, RawQuery{INT64_MIN, INT64_MAX, 0, std::nullopt}).empty());
  EXPECT_TRUE(raw(s, RawQuery{kT0 + 10'000, kT0 + 10'000, 10, std::nullopt}).empty());
  EXPECT_FALSE(store_->queryRaw(9999, all()));
  EXPECT_FALSE(store_->queryRollup(9999, Resolution::m1, INT64_MIN, INT64_MAX));
}

TEST_P(StoreContract, RetentionDropsOldDataAndKeepsRecent) {
  RetentionPolicy policy;
  policy.ms[static_cast<int>(Tier::raw)] = 30 * kDay;
  policy.ms[static_cast<int>(Tier::m1)] = 90 * kDay;
  for (Tier t : {Tier::m5, Tier::m15, Tier::h1}) policy.ms[static_cast<int>(t)] = 0;  // forever
  reopen(policy);
  const int64_t now = kT0 + 400 * kDay;
  const auto k = key("T1");
  write({pt(k, now - 200 * kDay, 1), pt(k, now - 60 * kDay, 2), pt(k, now - kDay, 3), pt(k, now - 1000, 4)});
  ASSERT_TRUE(store_->flush());
  auto report = store_->applyRetention(now);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_GE(report->partitionsDropped[static_cast<int>(Tier::raw)], 2u);
  EXPECT_GE(report->partitionsDropped[static_cast<int>(Tier::m1)], 1u);
  EXPECT_EQ(report->partitionsDropped[static_cast<int>(Tier::h1)], 0u);
  const SeriesId s = id(k);
  const auto rows = raw(s);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].value, 3);
  EXPECT_EQ(rows[1].value, 4);
  const auto m1 = rollup(s, Resolution::m1);
  ASSERT_EQ(m1.size(), 3u);  // the 200-day-old minute is gone, the 60-day-old one kept
  EXPECT_EQ(m1[0].sum, 2);
  const auto h1 = rollup(s, Resolution::h1);
  ASSERT_EQ(h1.size(), 4u);  // kept forever
  EXPECT_EQ(h1[0].sum, 1);
  EXPECT_EQ(store_->latest("t1", std::nullopt).at(0).value, 4);
  // Recent data keeps flowing after retention.
  EXPECT_EQ(write({pt(k, now, 5)}).accepted, 1u);
  EXPECT_EQ(raw(s).size(), 3u);
}

TEST_P(StoreContract, ConcurrentWritersStoreEachPointOnce) {
  constexpr int kThreads = 4, kPerThread = 200;
  std::vector<std::thread> threads;
  std::atomic<uint64_t> accepted{0}, duplicates{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Every thread writes the same points (in its own order and batch sizes) plus its own.
      std::vector<Point> pts;
      for (int i = 0; i < kPerThread; ++i) pts.push_back(pt(key("shared"), kT0 + i * 1000, i));
      for (int i = 0; i < kPerThread; ++i) pts.push_back(pt(key("own" + std::to_string(t)), kT0 + i * 1000, i));
      std::shuffle(pts.begin(), pts.end(), std::mt19937(t));
      for (size_t from = 0; from < pts.size(); from += 40 + 10 * t) {
        const auto to = std::min(pts.size(), from + 40 + 10 * t);
        auto r = store_->write(std::span(pts).subspan(from, to - from));
        ASSERT_TRUE(r) << r.error().message;
        accepted += r->accepted;
        duplicates += r->duplicates;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(accepted.load(), static_cast<uint64_t>((kThreads + 1) * kPerThread));
  EXPECT_EQ(duplicates.load(), static_cast<uint64_t>((kThreads - 1) * kPerThread));
  const auto rows = raw(id(key("shared")));
  ASSERT_EQ(rows.size(), static_cast<size_t>(kPerThread));
  for (int i = 0; i < kPerThread; ++i) EXPECT_EQ(rows[i].value, i);
  expectRollupsMatchRaw(id(key("shared")), "concurrent");
  EXPECT_EQ(store_->stats().points, static_cast<uint64_t>((kThreads + 1) * kPerThread));
}

TEST_P(StoreContract, StatsCountSeriesPointsAndStorage) {
  std::vector<Point> pts;
  for (int s = 0; s < 3; ++s)
    for (int i = 0; i < 10; ++i) pts.push_back(pt(key("T" + std::to_string(s)), kT0 + i * 1000, i));
  write(pts);
  ASSERT_TRUE(store_->flush());
  const StoreStats st = store_->stats();
  EXPECT_EQ(st.series, 3u);
  EXPECT_EQ(st.points, 30u);
  EXPECT_GT(st.tiers[static_cast<int>(Tier::raw)].bytesOnDisk, 0u);
  EXPECT_GE(st.tiers[static_cast<int>(Tier::raw)].partitions, 1u);
  EXPECT_GT(st.tiers[static_cast<int>(Tier::m1)].bytesOnDisk, 0u);
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreContract, ::testing::Values("tsdb", "clickhouse"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace dcmms::telemetry
