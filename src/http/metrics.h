// Prometheus metrics: a small registry of named counters and gauges that modules register into
// (owned by the Server, passed by reference — no globals), and the per-route HTTP metrics the
// server records around every handler.
//
// Thread safety: registration takes a lock; Counter/Gauge updates and HttpMetrics::record are
// lock-free (relaxed atomics, one shard per io thread); rendering may run concurrently.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dcmms::http {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(uint64_t n = 1) noexcept { v_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const noexcept { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

class Gauge {
 public:
  void set(double v) noexcept { v_.store(v, std::memory_order_relaxed); }
  void add(double d) noexcept;
  double value() const noexcept { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0};
};

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // The same name + labels returns the same instance; references stay valid for the registry's
  // lifetime. Throws std::invalid_argument for an invalid name or a name reused with another type.
  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
  // A gauge computed at scrape time (queue depths, open connections).
  void gaugeFn(std::string_view name, std::string_view help, std::function<double()> fn,
               const Labels& labels = {});
  // Appends complete metric families in the text format at scrape time.
  using Collector = std::function<void(std::string& out)>;
  void addCollector(Collector collector);

  // Prometheus text exposition format 0.0.4.
  std::string renderPrometheus() const;

 private:
  struct Family;
  Family& family(std::string_view name, std::string_view help, std::string_view type);
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Family>> families_;
  std::vector<Collector> collectors_;
};

// Per route pattern (never per raw path): request counts by status class and a latency histogram.
class HttpMetrics {
 public:
  static constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,    0.25,  0.5,    1,     2.5,   5,     10};
  static constexpr std::array<std::string_view, 14> kBucketLabels = {
      "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10"};
  struct Key {
    std::string method;
    std::string route;
  };
  // shards: one per io thread, so writers never share a cache line.
  HttpMetrics(std::vector<Key> keys, size_t shards);
  ~HttpMetrics();

  void record(size_t shard, size_t key, int status, int64_t micros) const noexcept;
  // Appends dcmms_http_requests_total and dcmms_http_request_duration_seconds; series that have
  // seen no request are left out.
  void render(std::string& out) const;
  size_t keyCount() const { return keys_.size(); }

 private:
  struct alignas(64) Cell {
    std::array<std::atomic<uint64_t>, 5> byClass{};  // 1xx … 5xx
    std::array<std::atomic<uint64_t>, kBuckets.size()> buckets{};  // non-cumulative
    std::atomic<uint64_t> sumMicros{0};
  };
  std::vector<Key> keys_;
  size_t shards_;
  std::unique_ptr<Cell[]> cells_;  // shards_ × keys_.size()
};

// Escapes a label value for the text format (backslash, quote, newline).
void appendLabelValue(std::string& out, std::string_view v);

}  // namespace dcmms::http
