// Injectable time source. Every timer, expiry and scheduled job reads time from a Clock so
// tests move time with ManualClock instead of waiting on the wall clock.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace dcmms {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch, UTC.
  virtual int64_t nowMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t nowMs() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
};

// A clock that only moves when told to. Starts at the wall-clock time of its creation.
class ManualClock final : public Clock {
 public:
  ManualClock() : now_(SystemClock().nowMs()) {}
  explicit ManualClock(int64_t startMs) : now_(startMs) {}
  int64_t nowMs() const override { return now_.load(std::memory_order_relaxed); }
  void set(int64_t ms) { now_.store(ms, std::memory_order_relaxed); }
  void advance(int64_t ms) { now_.fetch_add(ms, std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace dcmms
