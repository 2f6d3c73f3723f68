#include "soak.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "load_util.h"

namespace dcmms::bench {
namespace {

using Clock = std::chrono::steady_clock;

int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Batch {
  std::string request;
  size_t points = 0;
  Clock::time_point due;  // when its points were generated: latency runs from here
};

// Batches waiting for a connection; bounded only by the run's length (the client's memory).
class Queue {
 public:
  void push(Batch b) {
    std::lock_guard lock(mu_);
    q_.push_back(std::move(b));
    cv_.notify_one();
  }
  bool pop(Batch& out) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !q_.empty() || closed_; });
    if (q_.empty()) return false;
    out = std::move(q_.front());
    q_.pop_front();
    return true;
  }
  void close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    cv_.notify_all();
  }
  size_t size() const {
    std::lock_guard lock(mu_);
    return q_.size();
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> q_;
  bool closed_ = false;
};

std::vector<SoakPhase> parsePhases(const std::string& text) {
  std::vector<SoakPhase> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto x = item.find('x');
    if (x == std::string::npos) throw std::invalid_argument("phase '" + item + "' is not RATExSECONDS");
    out.push_back(SoakPhase{std::stol(item.substr(0, x)), std::stoi(item.substr(x + 1))});
  }
  if (out.empty()) throw std::invalid_argument("no phases");
  return out;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int runSoak(const SoakOptions& o) {
  const auto assets = readAssets(o.assetsFile);
  const auto phases = parsePhases(o.phases);
  std::vector<std::string> prefixes;
  for (int s = 0; s < o.series; ++s) {
    const Asset& a = assets[static_cast<size_t>(s) % assets.size()];
    prefixes.push_back("soak,site=" + a.site + ",asset=" + a.asset + ",sensor=soak" + std::to_string(s) + " value=");
  }
  const int64_t before = storedPoints(o.host, o.port, o.apiKey, assets[0].asset);

  Queue queue;
  std::mutex statsMu;
  std::vector<double> latencyMs;
  uint64_t acknowledged = 0, throttled = 0, failed = 0;
  std::string firstFailure;
  std::vector<std::thread> senders;
  for (int c = 0; c < o.connections; ++c)
    senders.emplace_back([&] {
      int fd = connectTo(o.host, o.port);
      std::string buf, body;
      Batch b;
      while (queue.pop(b)) {
        for (;;) {
          sendAll(fd, b.request);
          const int status = readResponse(fd, buf, body);
          if (status == 429 || status == 503) {  // throttled: wait as told, send again
            {
              std::lock_guard lock(statsMu);
              ++throttled;
            }
            std::this_thread::sleep_for(std::chrono::seconds(1));
            continue;
          }
          const double ms = std::chrono::duration<double, std::milli>(Clock::now() - b.due).count();
          std::lock_guard lock(statsMu);
          if (status == 204) {
            acknowledged += b.points;
            latencyMs.push_back(ms);
          } else {
            ++failed;
            if (firstFailure.empty()) firstFailure = std::to_string(status) + " " + body.substr(0, 300);
          }
          break;
        }
      }
      ::close(fd);
    });

  // Producer: every tick (100 ms) the points of that tick, stamped with the wall clock.
  constexpr int kTicksPerSecond = 10;
  uint64_t sent = 0;
  size_t maxBacklog = 0;
  const auto start = Clock::now();
  auto tick = start;
  int series = 0;
  int64_t lastTs = 0;
  for (const SoakPhase& phase : phases) {
    const long perTick = phase.eventsPerSecond / kTicksPerSecond;
    for (int t = 0; t < phase.seconds * kTicksPerSecond; ++t) {
      std::this_thread::sleep_until(tick);
      const int64_t now = std::max(wallMs(), lastTs + 1);
      std::string body;
      size_t inBody = 0;
      auto flush = [&] {
        if (!inBody) return;
        Batch b;
        b.request = "POST /api/v1/write?precision=ms HTTP/1.1\r\nHost: " + o.host + "\r\nX-API-Key: " + o.apiKey +
                    "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        b.points = inBody;
        b.due = tick;
        sent += inBody;
        queue.push(std::move(b));
        body.clear();
        inBody = 0;
      };
      for (long i = 0; i < perTick; ++i) {
        // Each series gets distinct millisecond timestamps within the tick.
        const int64_t ts = now + i / o.series;
        lastTs = std::max(lastTs, ts);
        body += prefixes[static_cast<size_t>(series)];
        appendDecimal(body, static_cast<double>((sent + inBody) % 1000) / 10);
        body += ' ';
        appendInt(body, ts);
        body += '\n';
        series = (series + 1) % o.series;
        if (++inBody == static_cast<size_t>(o.linesPerRequest)) flush();
      }
      flush();
      maxBacklog = std::max(maxBacklog, queue.size());
      tick += std::chrono::milliseconds(1000 / kTicksPerSecond);
    }
  }
  const double produceS = std::chrono::duration<double>(Clock::now() - start).count();
  queue.close();
  for (auto& s : senders) s.join();
  const double drainS = std::chrono::duration<double>(Clock::now() - start).count();
  const int64_t stored = storedPoints(o.host, o.port, o.apiKey, assets[0].asset) - before;
  std::printf("{\"phases\":\"%s\",\"sent\":%llu,\"acknowledged\":%llu,\"stored\":%lld,\"stored_ratio\":%.6f,"
              "\"throttled_responses\":%llu,\"failed_requests\":%llu,\"produce_s\":%.1f,\"drained_s\":%.1f,"
              "\"max_backlog_batches\":%zu,\"latency_ms\":{\"p50\":%.1f,\"p95\":%.1f,\"p99\":%.1f,\"max\":%.1f}}\n",
              o.phases.c_str(), static_cast<unsigned long long>(sent), static_cast<unsigned long long>(acknowledged),
              static_cast<long long>(stored), sent ? static_cast<double>(stored) / static_cast<double>(sent) : 0.0,
              static_cast<unsigned long long>(throttled), static_cast<unsigned long long>(failed), produceS, drainS,
              maxBacklog, percentile(latencyMs, 0.50), percentile(latencyMs, 0.95), percentile(latencyMs, 0.99),
              percentile(latencyMs, 1.0));
  if (!firstFailure.empty()) std::fprintf(stderr, "first failure: %s\n", firstFailure.c_str());
  return failed == 0 && static_cast<uint64_t>(stored) == sent ? 0 : 1;
}

}  // namespace dcmms::bench
