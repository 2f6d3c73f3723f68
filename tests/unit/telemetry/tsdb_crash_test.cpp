// Kills an ingesting child process with SIGKILL at random moments, many times, and checks
// that every acknowledged point survives, nothing is duplicated, and roll-ups equal a
// recomputation from raw.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "tsdb_test_util.h"

namespace dcmms::telemetry::tsdb {
namespace {

using testing::kT0;
using testing::TempDir;

constexpr int kSeries = 8;
constexpr int kPerSeries = 25;  // regular points per series per batch
constexpr int kLateEvery = 4;   // every 4th batch also carries late points
constexpr int kLateLag = 40;    // ... for the time range of batch b - 40

SeriesKey crashKey(int s) { return testing::key("S" + std::to_string(s), s % 2 ? "power" : "temperature"); }

struct GenPoint {
  int series;
  int64_t ts;
  double value;
  uint8_t quality;
  uint8_t flags;
  std::string meta;
};

std::vector<GenPoint> makeBatch(int b) {
  std::vector<GenPoint> out;
  for (int s = 0; s < kSeries; ++s) {
    for (int j = 0; j < kPerSeries; ++j) {
      const int64_t idx = int64_t{b} * kPerSeries + j;
      const double v = std::round(std::sin(static_cast<double>(idx + s * 7)) * 10000) / 100;
      out.push_back(GenPoint{s, kT0 + idx * 1000, v, static_cast<uint8_t>(idx % 11 == 0 ? 2 : idx % 13 == 0 ? 1 : 0),
                             static_cast<uint8_t>(idx % 17 == 0 ? kFlagOutOfRange : 0),
                             idx % 50 == 0 ? "{\"i\":" + std::to_string(idx) + "}" : ""});
    }
    if (b % kLateEvery == 0 && b >= kLateLag)
      for (int j = 0; j < 5; ++j) {
        const int64_t idx = int64_t{b - kLateLag} * kPerSeries + j * 5;
        out.push_back(GenPoint{s, kT0 + idx * 1000 + 500, b + j * 0.25, 0, kFlagLate, ""});
      }
  }
  return out;
}

[[noreturn]] void runChild(const std::string& dir, int startBatch, int fd) {
  TsdbOptions o;
  o.dir = dir;
  o.headMaxPoints = 3000;  // checkpoints and compactions happen while we are killed
  o.compactionTrigger = 3;
  auto opened = TsdbStore::open(o);
  if (!opened) _exit(2);
  auto& store = *opened.value();
  std::vector<SeriesId> ids;
  for (int s = 0; s < kSeries; ++s) ids.push_back(store.resolveSeries(crashKey(s), "u").value());
  // Idempotent replay: re-send the last batches first, as a client retrying after a crash.
  for (int b = std::max(0, startBatch - 3);; ++b) {
    const auto gen = makeBatch(b);
    std::vector<SeriesId> sid;
    std::vector<int64_t> ts;
    std::vector<double> v;
    std::vector<Quality> q;
    std::vector<uint8_t> f;
    std::vector<std::pair<uint32_t, std::string>> meta;
    for (const auto& p : gen) {
      if (!p.meta.empty()) meta.emplace_back(static_cast<uint32_t>(sid.size()), p.meta);
      sid.push_back(ids[static_cast<size_t>(p.series)]);
      ts.push_back(p.ts);
      v.push_back(p.value);
      q.push_back(static_cast<Quality>(p.quality));
      f.push_back(p.flags);
    }
    if (!store.writeColumns(ColumnBatch{sid, ts, v, q, f, meta})) _exit(3);
    const int32_t acked = b;
    if (::write(fd, &acked, sizeof acked) != sizeof acked) _exit(4);
  }
}

TEST(TsdbCrash, SigkillDuringIngestLosesNothingAcknowledged) {
  TempDir dir;
  std::mt19937 rng(20240101);
  std::set<int> acked;
  int maxAttempted = -1;
  constexpr int kRounds = 24;
  for (int round = 0; round < kRounds; ++round) {
    const int start = acked.empty() ? 0 : *acked.rbegin() + 1;
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      runChild(dir.path(), start, fds[1]);
    }
    ::close(fds[1]);
    const int killAfter = 1 + static_cast<int>(rng() % 40);
    int got = 0;
    int32_t b;
    while (got < killAfter && ::read(fds[0], &b, sizeof b) == sizeof b) {
      acked.insert(b);
      ++got;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 4000));
    ::kill(pid, SIGKILL);
    while (::read(fds[0], &b, sizeof b) == sizeof b) acked.insert(b);  // acks sent before death count
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with " << WEXITSTATUS(status) << " in round " << round;
    maxAttempted = std::max(maxAttempted, acked.empty() ? 0 : *acked.rbegin() + 1);
  }
  ASSERT_GT(acked.size(), 20u);

  // Everything the child could have written, and what it must have.
  std::map<std::pair<int, int64_t>, GenPoint> possible;
  std::set<std::pair<int, int64_t>> required;
  for (int b = 0; b <= maxAttempted; ++b)
    for (auto& p : makeBatch(b)) {
      const auto k = std::make_pair(p.series, p.ts);
      if (acked.count(b)) required.insert(k);
      possible.emplace(k, std::move(p));
    }

  auto store = testing::openStore(dir.path());
  ASSERT_TRUE(store);
  uint64_t total = 0;
  for (int s = 0; s < kSeries; ++s) {
    const auto info = store->findSeries(crashKey(s));
    ASSERT_TRUE(info);
    auto rows = store->queryRaw(info->id, RawQuery{INT64_MIN, INT64_MAX, SIZE_MAX, std::nullopt});
    ASSERT_TRUE(rows);
    std::set<int64_t> seen;
    for (size_t i = 0; i < rows->size(); ++i) {
      const auto& r = (*rows)[i];
      if (i) {
        ASSERT_LT((*rows)[i - 1].timestampMs, r.timestampMs) << "duplicate or unordered point";
      }
      auto it = possible.find({s, r.timestampMs});
      ASSERT_NE(it, possible.end()) << "point that was never written: " << r.timestampMs;
      EXPECT_EQ(r.value, it->second.value);
      EXPECT_EQ(static_cast<uint8_t>(r.quality), it->second.quality);
      EXPECT_EQ(r.flags, it->second.flags);
      EXPECT_EQ(r.metadataJson, it->second.meta);
      seen.insert(r.timestampMs);
    }
    for (const auto& [rs, ts] : required)
      if (rs == s) {
        ASSERT_TRUE(seen.count(ts)) << "acknowledged point lost: series " << s << " ts " << ts;
      }
    total += rows->size();
    testing::expectRollupsMatchRaw(*store, info->id, "after crashes, series " + std::to_string(s));
  }
  EXPECT_EQ(store->stats().points, total);
}

}  // namespace
}  // namespace dcmms::telemetry::tsdb
