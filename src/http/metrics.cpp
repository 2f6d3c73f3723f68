#include "http/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <variant>

namespace dcmms::http {
namespace {

bool validName(std::string_view n) {
  if (n.empty()) return false;
  for (size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

void appendDouble(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, ec == std::errc{} ? end : buf);
  }
}

void appendUint(std::string& out, uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void appendLabels(std::string& out, const Labels& labels) {
  if (labels.empty()) return;
  out += '{';
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ',';
    out += labels[i].first;
    out += "=\"";
    appendLabelValue(out, labels[i].second);
    out += '"';
  }
  out += '}';
}

}  // namespace

void appendLabelValue(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void Gauge::add(double d) noexcept {
  double cur = v_.load(std::memory_order_relaxed);
  while (!v_.compare_exchange_weak(cur, cur + d, std::memory_order_relaxed)) {
  }
}

struct MetricsRegistry::Family {
  struct Series {
    Labels labels;
    std::variant<std::unique_ptr<Counter>, std::unique_ptr<Gauge>, std::function<double()>> value;
  };
  std::string name, help, type;
  std::vector<Series> series;

  Series* find(const Labels& labels) {
    for (auto& s : series) {
      if (s.labels == labels) return &s;
    }
    return nullptr;
  }
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Family& MetricsRegistry::family(std::string_view name, std::string_view help,
                                                 std::string_view type) {
  if (!validName(name)) throw std::invalid_argument("invalid metric name: " + std::string(name));
  for (auto& f : families_) {
    if (f->name != name) continue;
    if (f->type != type) throw std::invalid_argument("metric registered with another type: " + f->name);
    return *f;
  }
  auto f = std::make_unique<Family>();
  f->name = name;
  f->help = help;
  f->type = type;
  families_.push_back(std::move(f));
  return *families_.back();
}

Counter& MetricsRegistry::counter(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(mu_);
  Family& f = family(name, help, "counter");
  if (auto* s = f.find(labels)) return *std::get<0>(s->value);
  f.series.push_back({labels, std::make_unique<Counter>()});
  return *std::get<0>(f.series.back().value);
}

Gauge& MetricsRegistry::gauge(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(mu_);
  Family& f = family(name, help, "gauge");
  if (auto* s = f.find(labels)) {
    if (s->value.index() != 1) throw std::invalid_argument("gauge already computed: " + f.name);
    return *std::get<1>(s->value);
  }
  f.series.push_back({labels, std::make_unique<Gauge>()});
  return *std::get<1>(f.series.back().value);
}

void MetricsRegistry::gaugeFn(std::string_view name, std::string_view help, std::function<double()> fn,
                              const Labels& labels) {
  std::lock_guard lock(mu_);
  Family& f = family(name, help, "gauge");
  if (auto* s = f.find(labels)) {
    s->value = std::move(fn);
    return;
  }
  f.series.push_back({labels, std::move(fn)});
}

void MetricsRegistry::addCollector(Collector collector) {
  std::lock_guard lock(mu_);
  collectors_.push_back(std::move(collector));
}

std::string MetricsRegistry::renderPrometheus() const {
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& f : families_) {
    out += "# HELP " + f->name + ' ' + f->help + "\n# TYPE " + f->name + ' ' + f->type + '\n';
    for (const auto& s : f->series) {
      out += f->name;
      appendLabels(out, s.labels);
      out += ' ';
      switch (s.value.index()) {
        case 0: appendUint(out, std::get<0>(s.value)->value()); break;
        case 1: appendDouble(out, std::get<1>(s.value)->value()); break;
        default: appendDouble(out, std::get<2>(s.value)()); break;
      }
      out += '\n';
    }
  }
  for (const auto& c : collectors_) c(out);
  return out;
}

HttpMetrics::HttpMetrics(std::vector<Key> keys, size_t shards)
    : keys_(std::move(keys)), shards_(shards == 0 ? 1 : shards),
      cells_(std::make_unique<Cell[]>(shards_ * keys_.size())) {}

HttpMetrics::~HttpMetrics() = default;

void HttpMetrics::record(size_t shard, size_t key, int status, int64_t micros) const noexcept {
  if (key >= keys_.size()) return;
  Cell& c = cells_[(shard % shards_) * keys_.size() + key];
  const int cls = status / 100;
  c.byClass[static_cast<size_t>(cls < 1 ? 0 : cls > 5 ? 4 : cls - 1)].fetch_add(1, std::memory_order_relaxed);
  if (micros < 0) micros = 0;
  const double seconds = static_cast<double>(micros) / 1e6;
  for (size_t b = 0; b < kBuckets.size(); ++b) {
    if (seconds <= kBuckets[b]) {
      c.buckets[b].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  c.sumMicros.fetch_add(static_cast<uint64_t>(micros), std::memory_order_relaxed);
}

void HttpMetrics::render(std::string& out) const {
  struct Merged {
    std::array<uint64_t, 5> byClass{};
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t sumMicros = 0;
    uint64_t total = 0;
  };
  std::vector<Merged> merged(keys_.size());
  for (size_t s = 0; s < shards_; ++s) {
    for (size_t k = 0; k < keys_.size(); ++k) {
      const Cell& c = cells_[s * keys_.size() + k];
      Merged& m = merged[k];
      for (size_t i = 0; i < 5; ++i) m.byClass[i] += c.byClass[i].load(std::memory_order_relaxed);
      for (size_t i = 0; i < kBuckets.size(); ++i) m.buckets[i] += c.buckets[i].load(std::memory_order_relaxed);
      m.sumMicros += c.sumMicros.load(std::memory_order_relaxed);
    }
  }
  for (auto& m : merged) {
    for (uint64_t n : m.byClass) m.total += n;
  }
  auto routeLabels = [&](size_t k) {
    out += "route=\"";
    appendLabelValue(out, keys_[k].route);
    out += "\",method=\"";
    appendLabelValue(out, keys_[k].method);
    out += '"';
  };
  out += "# HELP dcmms_http_requests_total HTTP requests by route pattern, method and status class.\n";
  out += "# TYPE dcmms_http_requests_total counter\n";
  for (size_t k = 0; k < keys_.size(); ++k) {
    for (size_t i = 0; i < 5; ++i) {
      if (merged[k].byClass[i] == 0) continue;
      out += "dcmms_http_requests_total{";
      routeLabels(k);
      out += ",status=\"";
      out += static_cast<char>('1' + i);
      out += "xx\"} ";
      appendUint(out, merged[k].byClass[i]);
      out += '\n';
    }
  }
  out += "# HELP dcmms_http_request_duration_seconds Time from a complete request to its response.\n";
  out += "# TYPE dcmms_http_request_duration_seconds histogram\n";
  for (size_t k = 0; k < keys_.size(); ++k) {
    const Merged& m = merged[k];
    if (m.total == 0) continue;
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBuckets.size(); ++b) {
      out += "dcmms_http_request_duration_seconds_bucket{";
      routeLabels(k);
      out += ",le=\"";
      if (b < kBuckets.size()) {
        cumulative += m.buckets[b];
        out += kBucketLabels[b];
      } else {
        // Records above 10 s only count here; max() because shards are read while being written.
        cumulative = std::max(cumulative, m.total);
        out += "+Inf";
      }
      out += "\"} ";
      appendUint(out, cumulative);
      out += '\n';
    }
    out += "dcmms_http_request_duration_seconds_sum{";
    routeLabels(k);
    out += "} ";
    appendDouble(out, static_cast<double>(m.sumMicros) / 1e6);
    out += "\ndcmms_http_request_duration_seconds_count{";
    routeLabels(k);
    out += "} ";
    appendUint(out, m.total);
    out += '\n';
  }
}

}  // namespace dcmms::http
