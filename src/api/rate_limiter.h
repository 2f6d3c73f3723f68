// Fixed-window rate limits of 01 §3: per user per hour by role class, per IP for login and
// anonymous calls. Windows follow the injectable clock. In-process: with several nodes each
// enforces its own share (a Redis-backed limiter is the scale-out adapter's job).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace dcmms::api {

struct RateLimitConfig {
  int64_t userPerHour = 1000;
  int64_t servicePerHour = 5000;   // API keys
  int64_t adminPerHour = 10000;
  int64_t anonymousPerHour = 100;
  int64_t loginPerHourPerIp = 10;
  int64_t telemetryPerHour = 10000;
};

struct RateDecision {
  bool allowed = true;
  int64_t limit = 0;
  int64_t remaining = 0;
  int64_t resetEpochSec = 0;
  int64_t retryAfterSec = 0;
};

class RateLimiter {
 public:
  explicit RateLimiter(bool enabled) : enabled_(enabled) {}
  // Counts one hit against `key` in the current hour window.
  RateDecision hit(const std::string& key, int64_t limit, int64_t nowMs);
  bool enabled() const { return enabled_; }

 private:
  struct Window {
    int64_t start = 0;
    int64_t count = 0;
  };
  bool enabled_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace dcmms::api
