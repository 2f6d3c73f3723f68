// Shared helpers for the tsdb tests: temp dirs, series keys, recomputed roll-ups.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "telemetry/store.h"
#include "telemetry/tsdb/engine.h"
#include "telemetry/tsdb/rollup.h"

namespace dcmms::telemetry::tsdb::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tsdb-test-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline SeriesKey key(const std::string& sensor, const std::string& metric = "temperature",
                     const std::string& asset = "A1", const std::string& site = "S1") {
  return SeriesKey{"t1", site, asset, sensor, metric};
}

// 2024-01-01T00:00:00Z
inline constexpr int64_t kT0 = 1'704'067'200'000;

inline std::unique_ptr<TsdbStore> openStore(const std::string& dir, TsdbOptions o = {}) {
  o.dir = dir;
  auto r = TsdbStore::open(std::move(o));
  if (!r) ADD_FAILURE() << r.error().message;
  return r ? std::move(r.value()) : nullptr;
}

// Recomputes roll-ups from raw rows.
inline std::vector<RollupRow> recompute(const std::vector<RawRow>& raw, Resolution res) {
  std::vector<Agg> out;
  const int64_t w = resolutionMs(res);
  std::map<int64_t, Agg> m;
  for (const auto& r : raw) {
    const int64_t b = floorTo(r.timestampMs, w);
    auto it = m.find(b);
    if (it == m.end()) m.emplace(b, Agg::of(b, r.timestampMs, r.value, static_cast<uint8_t>(r.quality), r.flags));
    else it->second.add(r.timestampMs, r.value, static_cast<uint8_t>(r.quality), r.flags);
  }
  std::vector<RollupRow> rows;
  for (const auto& [b, a] : m) rows.push_back(a.row());
  return rows;
}

inline void expectRollupsEqual(const std::vector<RollupRow>& got, const std::vector<RollupRow>& want,
                               const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) {
    const auto& g = got[i];
    const auto& w = want[i];
    ASSERT_EQ(g.bucketStartMs, w.bucketStartMs) << what;
    EXPECT_EQ(g.count, w.count) << what << " bucket " << g.bucketStartMs;
    EXPECT_NEAR(g.sum, w.sum, 1e-9 * (1 + std::fabs(w.sum))) << what;
    EXPECT_NEAR(g.sumSq, w.sumSq, 1e-9 * (1 + std::fabs(w.sumSq))) << what;
    EXPECT_EQ(g.min, w.min) << what;
    EXPECT_EQ(g.max, w.max) << what;
    EXPECT_EQ(g.first, w.first) << what;
    EXPECT_EQ(g.last, w.last) << what;
    EXPECT_EQ(g.goodCount, w.goodCount) << what;
    EXPECT_EQ(g.badCount, w.badCount) << what;
    EXPECT_EQ(g.outOfRangeCount, w.outOfRangeCount) << what;
  }
}

inline void expectRollupsMatchRaw(TsdbStore& store, SeriesId id, const std::string& what) {
  auto raw = store.queryRaw(id, RawQuery{INT64_MIN, INT64_MAX, SIZE_MAX, std::nullopt});
  ASSERT_TRUE(raw) << raw.error().message;
  for (Resolution r : {Resolution::m1, Resolution::m5, Resolution::m15, Resolution::h1}) {
    auto got = store.queryRollup(id, r, INT64_MIN, INT64_MAX);
    ASSERT_TRUE(got) << got.error().message;
    expectRollupsEqual(got.value(), recompute(raw.value(), r), what + " " + resolutionName(r));
  }
}

}  // namespace dcmms::telemetry::tsdb::testing
