#include "api/rate_limiter.h"

namespace dcmms::api {

RateDecision RateLimiter::hit(const std::string& key, int64_t limit, int64_t nowMs) {
  constexpr int64_t kWindowMs = 3600'000;
  const int64_t start = nowMs - (nowMs % kWindowMs);
  RateDecision d;
  d.limit = limit;
  d.resetEpochSec = (start + kWindowMs) / 1000;
  if (!enabled_) {
    d.remaining = limit;
    return d;
  }
  std::lock_guard lock(mu_);
  if (windows_.size() > 200'000) windows_.clear();  // bounded memory under address scans
  Window& w = windows_[key];
  if (w.start != start) w = {start, 0};
  if (w.count >= limit) {
    d.allowed = false;
    d.remaining = 0;
    d.retryAfterSec = (start + kWindowMs - nowMs + 999) / 1000;
    return d;
  }
  ++w.count;
  d.remaining = limit - w.count;
  return d;
}

}  // namespace dcmms::api
