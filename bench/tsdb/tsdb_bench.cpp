// Reference workload for the telemetry engine (docs/benchmarks.md §Telemetry engine):
// N series × M points 1 s apart from 2024-01-01T00:00Z, each a random walk of uniform
// ±0.5 steps rounded to 2 decimals (series s seeded with 42 + s, start 100.00).
//
//   tsdb_bench engine --dir D [--fast] [--series 1000] [--points 86400] [--threads 2] [--batch-seconds 60]
//       ingests through TsdbStore::writeColumns, closes, reopens and runs the queries;
//       prints one JSON object.
//   tsdb_bench rowbinary [--series ..] [--points ..]
//       writes the same rows to stdout as ClickHouse RowBinary
//       (series UInt32, ts UInt64, value Float64, quality UInt8, flags UInt8).
//   tsdb_bench tsv [--series ..] [--points ..]
//       the same rows as ClickHouse TabSeparated text.
//   tsdb_bench lp-load --port P --api-key K --assets FILE --t0-ms T [--series ..] [--points ..]
//       [--connections 4] [--lines-per-request 10000]
//       posts the same rows to a running dcmms as line protocol (lp_load.h).
//   tsdb_bench mqtt-load --mqtt-port Q --port P --api-key K --assets FILE --t0-ms T [--points-per-message 100]
//       publishes the same rows to the broker the server subscribes to (lp_load.h).
//   tsdb_bench soak --port P --api-key K --assets FILE --phases 10000x600[,30000x300,...]
//       [--connections 8] [--lines-per-request 1000]: paced line protocol (soak.h, bench/soak).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "lp_load.h"
#include "solar_day.h"
#include "soak.h"
#include "telemetry/tsdb/engine.h"
#include "workload.h"

using namespace dcmms::telemetry;
using Clock = std::chrono::steady_clock;

namespace {

using dcmms::bench::kT0;

struct Args {
  std::string cmd, dir;
  bool fast = false;
  int series = 1000, points = 86'400, threads = 2, batchSeconds = 60, queryRuns = 200;
  dcmms::bench::LpLoadOptions lp;
  int mqttPort = 0, pointsPerMessage = 100;
  std::string workload = "random-walk";  // or "solar" (a simulated solar plant day)
  std::string phases = "10000x600";
};

Args parse(int argc, char** argv) {
  Args a;
  if (argc > 1) a.cmd = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string k = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (k == "--dir") a.dir = next();
    else if (k == "--fast") a.fast = true;
    else if (k == "--series") a.series = std::stoi(next());
    else if (k == "--points") a.points = std::stoi(next());
    else if (k == "--threads") a.threads = std::stoi(next());
    else if (k == "--batch-seconds") a.batchSeconds = std::stoi(next());
    else if (k == "--query-runs") a.queryRuns = std::stoi(next());
    else if (k == "--port") a.lp.port = std::stoi(next());
    else if (k == "--api-key") a.lp.apiKey = next();
    else if (k == "--assets") a.lp.assetsFile = next();
    else if (k == "--lines-per-request") a.lp.linesPerRequest = std::stoi(next());
    else if (k == "--connections") a.lp.connections = std::stoi(next());
    else if (k == "--t0-ms") a.lp.t0Ms = std::stoll(next());
    else if (k == "--mqtt-port") a.mqttPort = std::stoi(next());
    else if (k == "--points-per-message") a.pointsPerMessage = std::stoi(next());
    else if (k == "--phases") a.phases = next();
    else if (k == "--workload") a.workload = next();
  }
  return a;
}

// The rows of a run: series keys with units, and a source of time-major value blocks.
struct Workload {
  std::vector<SeriesKey> keys;
  std::vector<std::string> units;
  std::function<std::vector<double>(int points)> next;
};

Workload workloadFor(const Args& a) {
  Workload w;
  if (a.workload == "solar") {
    auto day = std::make_shared<dcmms::bench::SolarDay>();
    w.keys = day->keys();
    for (auto& k : w.keys) k.tenantId = "bench";
    w.units = day->units();
    w.next = [day](int points) { return day->next(points); };
  } else if (a.workload == "random-walk") {
    for (int s = 0; s < a.series; ++s) {
      w.keys.push_back(SeriesKey{"bench", "site" + std::to_string(s / 100), "asset" + std::to_string(s / 10),
                                 "sensor" + std::to_string(s), "power"});
      w.units.emplace_back("kW");
    }
    auto walks = std::make_shared<dcmms::bench::RandomWalks>(a.series);
    w.next = [walks](int points) { return walks->next(points); };
  } else {
    throw std::invalid_argument("--workload must be random-walk or solar");
  }
  return w;
}

uint64_t dirBytes(const std::string& dir) {
  uint64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) total += e.file_size();
  return total;
}

long statusKb(const char* field) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::strlen(field)));
  return -1;
}

template <typename F>
double medianMs(int runs, F&& f) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto t = Clock::now();
    f();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

int runEngine(Args a) {
  std::filesystem::remove_all(a.dir);
  std::filesystem::create_directories(a.dir);
  // Pre-generate every thread's share (its series, time-major) so the timed section measures the
  // engine only.
  Workload w = workloadFor(a);
  a.series = static_cast<int>(w.keys.size());
  std::vector<std::pair<int, int>> ranges;
  for (int t = 0; t < a.threads; ++t) ranges.emplace_back(a.series * t / a.threads, a.series * (t + 1) / a.threads);
  std::vector<std::vector<double>> data(static_cast<size_t>(a.threads));
  for (int t = 0; t < a.threads; ++t) data[static_cast<size_t>(t)].reserve(static_cast<size_t>(ranges[t].second - ranges[t].first) * a.points);
  constexpr int kBlock = 3600;
  for (int p = 0; p < a.points; p += kBlock) {
    const int n = std::min(kBlock, a.points - p);
    const std::vector<double> block = w.next(n);
    for (int t = 0; t < a.threads; ++t)
      for (int q = 0; q < n; ++q)
        data[static_cast<size_t>(t)].insert(data[static_cast<size_t>(t)].end(),
                                            block.begin() + static_cast<ptrdiff_t>(q) * a.series + ranges[t].first,
                                            block.begin() + static_cast<ptrdiff_t>(q) * a.series + ranges[t].second);
  }
  const long rssBaseKb = statusKb("VmRSS:");

  tsdb::TsdbOptions o;
  o.dir = a.dir;
  o.fastMode = a.fast;
  auto store = tsdb::TsdbStore::open(o).orThrow().release();
  std::unique_ptr<tsdb::TsdbStore> owned(store);
  std::vector<SeriesId> ids;
  for (int s = 0; s < a.series; ++s) ids.push_back(store->resolveSeries(w.keys[static_cast<size_t>(s)], w.units[static_cast<size_t>(s)]).orThrow());

  std::atomic<uint64_t> accepted{0};
  const auto t0 = Clock::now();
  std::vector<std::thread> writers;
  for (int t = 0; t < a.threads; ++t)
    writers.emplace_back([&, t] {
      const auto [s0, s1] = ranges[static_cast<size_t>(t)];
      const size_t n = static_cast<size_t>(s1 - s0);
      const auto& v = data[static_cast<size_t>(t)];
      std::vector<SeriesId> sid;
      std::vector<int64_t> ts;
      for (int p = 0; p < a.points; p += a.batchSeconds) {
        const int p1 = std::min(a.points, p + a.batchSeconds);
        sid.clear();
        ts.clear();
        for (int q = p; q < p1; ++q)
          for (size_t s = 0; s < n; ++s) {
            sid.push_back(ids[s0 + s]);
            ts.push_back(kT0 + int64_t{q} * 1000);
          }
        const std::span<const double> vals(v.data() + static_cast<size_t>(p) * n, sid.size());
        accepted += store->writeColumns(ColumnBatch{sid, ts, vals, {}, {}, {}}).orThrow().accepted;
      }
    });
  for (auto& w : writers) w.join();
  const double ingestS = std::chrono::duration<double>(Clock::now() - t0).count();
  const auto tc = Clock::now();
  store->close().orThrow();
  const double closeS = std::chrono::duration<double>(Clock::now() - tc).count();
  owned.reset();
  data.clear();
  data.shrink_to_fit();
  const long peakIngestKb = statusKb("VmHWM:");

  // Reopen (clean) and query.
  o.fastMode = false;
  auto reopened = tsdb::TsdbStore::open(o).orThrow().release();
  owned.reset(reopened);
  const auto st = reopened->stats();
  const uint64_t total = static_cast<uint64_t>(a.series) * a.points;
  const SeriesId q = reopened->findSeries(w.keys[std::min<size_t>(17, w.keys.size() - 1)])->id;
  size_t rows = 0;
  const double rollupMs = medianMs(a.queryRuns, [&] {
    rows = reopened->queryRollup(q, Resolution::m1, kT0, kT0 + 86'400'000).orThrow().size();
  });
  size_t latestRows = 0;
  const double latestMs = medianMs(a.queryRuns, [&] { latestRows = reopened->latest("bench", std::nullopt).size(); });
  size_t rawRows = 0;
  const double rawMs = medianMs(std::max(5, a.queryRuns / 20), [&] {
    rawRows = reopened->queryRaw(q, RawQuery{kT0, kT0 + 86'400'000, SIZE_MAX, std::nullopt}).orThrow().size();
  });
  const double hourRawMs = medianMs(a.queryRuns, [&] {
    (void)reopened->queryRaw(q, RawQuery{kT0 + 3'600'000 * 12, kT0 + 3'600'000 * 13, SIZE_MAX, std::nullopt}).orThrow();
  });
  std::printf(
      "{\"workload\":\"%s\",\"mode\":\"%s\",\"series\":%d,\"points\":%llu,\"accepted\":%llu,\"threads\":%d,\"batch_points\":%d,"
      "\"ingest_s\":%.3f,\"ingest_points_per_s\":%.0f,\"close_s\":%.3f,"
      "\"raw_bytes\":%llu,\"raw_bytes_per_point\":%.4f,\"rollup_bytes\":%llu,\"data_dir_bytes\":%llu,"
      "\"rollup_1d_1m_ms\":%.4f,\"rollup_rows\":%zu,\"latest_1000_ms\":%.4f,\"latest_rows\":%zu,"
      "\"raw_1d_ms\":%.3f,\"raw_rows\":%zu,\"raw_1h_ms\":%.4f,"
      "\"rss_baseline_mb\":%.1f,\"peak_rss_mb\":%.1f,\"engine_rss_mb\":%.1f}\n",
      a.workload.c_str(), a.fast ? "fast" : "durable", a.series, static_cast<unsigned long long>(total),
      static_cast<unsigned long long>(accepted.load()), a.threads, a.batchSeconds * a.series / a.threads, ingestS,
      static_cast<double>(total) / ingestS, closeS, static_cast<unsigned long long>(st.tiers[0].bytesOnDisk),
      static_cast<double>(st.tiers[0].bytesOnDisk) / static_cast<double>(total),
      static_cast<unsigned long long>(st.tiers[1].bytesOnDisk + st.tiers[2].bytesOnDisk + st.tiers[3].bytesOnDisk +
                                      st.tiers[4].bytesOnDisk),
      static_cast<unsigned long long>(dirBytes(a.dir)), rollupMs, rows, latestMs, latestRows, rawMs, rawRows, hourRawMs,
      rssBaseKb / 1024.0, peakIngestKb / 1024.0, (peakIngestKb - rssBaseKb) / 1024.0);
  return 0;
}

int runRowBinary(Args a) {
  constexpr int kChunk = 3600;  // an hour at a time to bound memory
  Workload w = workloadFor(a);
  a.series = static_cast<int>(w.keys.size());
  std::vector<char> buf;
  for (int p = 0; p < a.points; p += kChunk) {
    const int n = std::min(kChunk, a.points - p);
    const std::vector<double> block = w.next(n);
    buf.clear();
    for (int t = 0; t < n; ++t)
      for (int s = 0; s < a.series; ++s) {
        const uint32_t sid = static_cast<uint32_t>(s);
        const uint64_t ts = static_cast<uint64_t>(kT0 + int64_t{p + t} * 1000);
        const double v = block[static_cast<size_t>(t) * a.series + s];
        const size_t at = buf.size();
        buf.resize(at + 22);
        std::memcpy(&buf[at], &sid, 4);
        std::memcpy(&buf[at + 4], &ts, 8);
        std::memcpy(&buf[at + 12], &v, 8);
        buf[at + 20] = 0;  // quality
        buf[at + 21] = 0;  // flags
      }
    if (std::fwrite(buf.data(), 1, buf.size(), stdout) != buf.size()) return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse(argc, argv);
  try {
    if (a.cmd == "engine" && !a.dir.empty()) return runEngine(a);
    if (a.cmd == "rowbinary") return runRowBinary(a);
    if (a.cmd == "tsv") return dcmms::bench::writeTsv(a.series, a.points);
    if (a.cmd == "lp-load" && a.lp.port > 0) {
      auto o = a.lp;
      o.series = a.series;
      o.points = a.points;
      return dcmms::bench::runLpLoad(o);
    }
    if (a.cmd == "soak" && a.lp.port > 0) {
      dcmms::bench::SoakOptions o;
      o.port = a.lp.port;
      o.apiKey = a.lp.apiKey;
      o.assetsFile = a.lp.assetsFile;
      o.series = a.series;
      o.connections = a.lp.connections;
      o.linesPerRequest = a.lp.linesPerRequest;
      o.phases = a.phases;
      return dcmms::bench::runSoak(o);
    }
    if (a.cmd == "mqtt-load" && a.mqttPort > 0 && a.lp.port > 0) {
      dcmms::bench::MqttLoadOptions o;
      o.mqttPort = a.mqttPort;
      o.httpPort = a.lp.port;
      o.apiKey = a.lp.apiKey;
      o.assetsFile = a.lp.assetsFile;
      o.series = a.series;
      o.points = a.points;
      o.pointsPerMessage = a.pointsPerMessage;
      o.t0Ms = a.lp.t0Ms;
      return dcmms::bench::runMqttLoad(o);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr,
               "usage: tsdb_bench engine --dir D [--fast] [options] | rowbinary [options] | tsv [options]\n"
               "       tsdb_bench lp-load --port P --api-key K --assets FILE --t0-ms T [--points M] [--connections C]\n"
               "       tsdb_bench mqtt-load --mqtt-port Q --port P --api-key K --assets FILE --t0-ms T [--points-per-message N]\n");
  return 2;
}
