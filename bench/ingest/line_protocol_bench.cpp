// Line-protocol parse rate, single thread: a 5,000-line batch over 1,000 series (one point per
// line, Telegraf-style sorted tags, ns timestamps), parsed into a ParsedBatch with validation.
// Baselines in the same process: the physical floor (memchr over the same bytes, finding line
// ends only) and the same points sent as a TelemetryEvent JSON array through simdjson.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "telemetry/ingest/json_events.h"
#include "telemetry/ingest/line_protocol.h"

using namespace dcmms::telemetry;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kLines = 5000;
constexpr int kSeries = 1000;
constexpr int64_t kNow = 1764118923456;

std::string lineBody() {
  std::string body;
  char buf[256];
  for (int i = 0; i < kLines; ++i) {
    const int s = i % kSeries;
    const int64_t tsNs = (kNow - 60000 + i) * 1000000;
    std::snprintf(buf, sizeof buf, "power,asset=INV-%03d,sensor=P1,site=SITE-%02d,unit=kW value=%d.%03d %lld\n", s % 100,
                  s / 100, 100 + i % 900, i % 1000, static_cast<long long>(tsNs));
    body += buf;
  }
  return body;
}

std::string jsonBody() {
  std::string body = "[";
  char buf[320];
  for (int i = 0; i < kLines; ++i) {
    const int s = i % kSeries;
    std::snprintf(buf, sizeof buf,
                  "%s{\"timestamp\":%lld,\"site_id\":\"SITE-%02d\",\"asset_id\":\"INV-%03d\",\"sensor_id\":\"P1\","
                  "\"sensor_type\":\"POWER\",\"value\":%d.%03d,\"unit\":\"kW\"}",
                  i ? "," : "", static_cast<long long>(kNow - 60000 + i), s / 100, s % 100, 100 + i % 900, i % 1000);
    body += buf;
  }
  return body + "]";
}

// Runs fn repeatedly for about `seconds`; returns the best per-call time in seconds.
template <typename Fn>
double bestSeconds(Fn&& fn, double seconds = 1.5) {
  double best = 1e9;
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  do {
    const auto t0 = Clock::now();
    fn();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count());
  } while (Clock::now() < end);
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const bool profileOnly = argc > 1 && std::strcmp(argv[1], "--profile") == 0;  // parser only, for perf
  IngestContext ctx;
  ctx.tenantId = "t1";
  ctx.nowMs = kNow;
  const std::string lp = lineBody();
  const std::string json = jsonBody();

  size_t accepted = 0, series = 0;
  const double lpSec = bestSeconds(
      [&] {
        ParsedBatch b = parseLineProtocol(lp, Precision::ns, ctx);
        accepted = b.accepted();
        series = b.series().size();
      },
      profileOnly ? 5.0 : 1.5);
  if (profileOnly) return 0;
  if (accepted != kLines || series != kSeries) {
    std::fprintf(stderr, "unexpected batch: %zu points, %zu series\n", accepted, series);
    return 1;
  }

  volatile size_t sink = 0;
  const double scanSec = bestSeconds([&] {
    size_t n = 0;
    for (const char* p = lp.data(); (p = static_cast<const char*>(std::memchr(p, '\n', lp.data() + lp.size() - p)));
         ++p) {
      ++n;
    }
    sink = n;
  });

  JsonIngestParser parser;
  size_t jsonAccepted = 0;
  const double jsonSec = bestSeconds([&] { jsonAccepted = parser.telemetryEvents(json, ctx).accepted(); });
  if (jsonAccepted != kLines) {
    std::fprintf(stderr, "unexpected JSON batch: %zu points\n", jsonAccepted);
    return 1;
  }

  const double lpRate = kLines / lpSec;
  std::printf("line protocol: %d lines, %d series, %.0f bytes/line\n", kLines, kSeries,
              static_cast<double>(lp.size()) / kLines);
  std::printf("  parse+validate      %10.2f M points/s  %7.1f MB/s  (%.1f us/batch)\n", lpRate / 1e6,
              lp.size() / lpSec / 1e6, lpSec * 1e6);
  std::printf("  baseline memchr     %10.2f M lines/s   %7.1f MB/s  -> parser at %.1f%% of the scan floor\n",
              kLines / scanSec / 1e6, lp.size() / scanSec / 1e6, 100 * scanSec / lpSec);
  std::printf("  baseline JSON events%10.2f M points/s  %7.1f MB/s  -> line protocol %.1fx faster\n",
              kLines / jsonSec / 1e6, json.size() / jsonSec / 1e6, jsonSec / lpSec);
  return sink == 0;
}
