#include <gtest/gtest.h>

#include <thread>

#include "telemetry/tsdb/fault_env.h"
#include "telemetry/tsdb/wal.h"
#include "telemetry/tsdb/wal_record.h"
#include "tsdb_test_util.h"

namespace dcmms::telemetry::tsdb {
namespace {

using testing::TempDir;

std::vector<std::string> readAll(Env& env, const std::string& path, WalReadStats* stats = nullptr) {
  std::vector<std::string> out;
  auto st = readWalSegment(env, path, [&](uint8_t type, std::string_view p) -> Status {
    EXPECT_EQ(type, 7);
    out.emplace_back(p);
    return Ok{};
  });
  EXPECT_TRUE(st);
  if (stats && st) *stats = st.value();
  return out;
}

TEST(TsdbWal, RecordsRoundTripAcrossSegments) {
  TempDir dir;
  WalOptions o;
  o.segmentBytes = 100;
  WalWriter w(posixEnv(), dir.path(), o);
  ASSERT_TRUE(w.open(1));
  for (int i = 0; i < 10; ++i) w.append(7, std::string(30, static_cast<char>('a' + i)));
  ASSERT_TRUE(w.syncAll());
  ASSERT_TRUE(w.close());
  auto segs = listWalSegments(posixEnv(), dir.path());
  ASSERT_TRUE(segs);
  EXPECT_GT(segs->size(), 3u);
  std::string all;
  for (auto s : segs.value())
    for (const auto& r : readAll(posixEnv(), walSegmentPath(dir.path(), s))) all += r[0];
  EXPECT_EQ(all, "abcdefghij");
}

// Damage matrix: each case changes the file one way and states how many records survive.
TEST(TsdbWal, DamagedTailStopsReplayAtTheDamage) {
  struct Case {
    const char* name;
    std::function<void(std::string&)> damage;
    size_t survivors;
  };
  const size_t rec = kWalHeaderSize + 10;
  const std::vector<Case> cases = {
      {"intact", [](std::string&) {}, 5},
      {"torn_last_record", [](std::string& d) { d.resize(d.size() - 3); }, 4},
      {"torn_header", [&](std::string& d) { d.resize(4 * rec + 5); }, 4},
      {"bad_checksum_third", [&](std::string& d) { d[2 * rec + 4] ^= 1; }, 2},
      {"bad_payload_byte", [&](std::string& d) { d[3 * rec + kWalHeaderSize + 2] ^= 0x40; }, 3},
      {"huge_length", [&](std::string& d) { d[1 * rec + 3] = 0x7f; }, 1},
      {"zero_filled_tail", [](std::string& d) { d += std::string(64, '\0'); }, 5},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    {
      WalWriter w(posixEnv(), dir.path(), {});
      ASSERT_TRUE(w.open(1));
      for (int i = 0; i < 5; ++i) w.append(7, std::string(10, static_cast<char>('0' + i)));
      ASSERT_TRUE(w.syncAll());
    }
    const std::string path = walSegmentPath(dir.path(), 1);
    std::string data = posixEnv().readFile(path).value();
    c.damage(data);
    ASSERT_TRUE(writeFileAtomic(posixEnv(), path, data));
    WalReadStats st;
    auto recs = readAll(posixEnv(), path, &st);
    EXPECT_EQ(recs.size(), c.survivors);
    EXPECT_EQ(st.tornTail, c.survivors != 5 || std::string(c.name) == "zero_filled_tail");
  }
}

TEST(TsdbWal, ConcurrentWritersShareFsyncs) {
  TempDir dir;
  FaultInjectionEnv env(posixEnv());
  WalWriter w(env, dir.path(), {});
  ASSERT_TRUE(w.open(1));
  const uint64_t before = env.syncCount();
  constexpr int kThreads = 8, kEach = 25;
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) ASSERT_TRUE(w.sync(w.append(7, "payload")));
    });
  for (auto& t : ts) t.join();
  const uint64_t syncs = env.syncCount() - before;
  EXPECT_LE(syncs, uint64_t{kThreads} * kEach);
  EXPECT_GE(syncs, 1u);
  ASSERT_TRUE(w.close());
  EXPECT_EQ(readAll(posixEnv(), walSegmentPath(dir.path(), 1)).size(), size_t{kThreads} * kEach);
}

TEST(TsdbWal, FailedSyncIsStickyAndReported) {
  TempDir dir;
  FaultInjectionEnv env(posixEnv());
  WalWriter w(env, dir.path(), {});
  ASSERT_TRUE(w.open(1));
  ASSERT_TRUE(w.sync(w.append(7, "a")));
  env.failSyncAfter(1);
  EXPECT_FALSE(w.sync(w.append(7, "b")));
  env.heal();
  EXPECT_FALSE(w.sync(w.append(7, "c")));
  EXPECT_TRUE(w.stickyError().has_value());
}

TEST(TsdbWal, SampleRecordCodecRoundTrip) {
  SampleBatch b;
  for (uint32_t i = 0; i < 100; ++i) {
    b.ids.push_back(i % 7);
    b.ts.push_back(1'700'000'000'000 + i * 500);
    b.values.push_back(i * 0.01);
    b.quality.push_back(static_cast<uint8_t>(i % 3));
    b.flags.push_back(static_cast<uint8_t>(i % 5 == 0 ? kFlagLate : 0));
  }
  b.meta = {{3, "{\"a\":1}"}, {99, "{}"}};
  std::string enc;
  encodeSamples(enc, b);
  SampleBatch out;
  ASSERT_TRUE(decodeSamples(enc, out));
  EXPECT_EQ(out.ids, b.ids);
  EXPECT_EQ(out.ts, b.ts);
  EXPECT_EQ(out.values, b.values);
  EXPECT_EQ(out.quality, b.quality);
  EXPECT_EQ(out.flags, b.flags);
  EXPECT_EQ(out.meta, b.meta);
  b.values[5] = 1.0 / 3;  // non-decimal: raw doubles
  enc.clear();
  encodeSamples(enc, b);
  ASSERT_TRUE(decodeSamples(enc, out));
  EXPECT_EQ(out.values, b.values);
  for (size_t cut = 0; cut < enc.size(); cut += 7) (void)decodeSamples(std::string_view(enc).substr(0, cut), out);
}

}  // namespace
}  // namespace dcmms::telemetry::tsdb
