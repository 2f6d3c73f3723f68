// One scheduler for every background job, driven by an injectable Clock.
// Jobs are periodic (every intervalMs of clock time). tick() runs whatever is due; the
// server calls it from a real timer thread, and PUT /api/v1/test/clock calls it after moving
// a ManualClock, so tests never wait on wall-clock time.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"

namespace dcmms {

class Scheduler {
 public:
  using Job = std::function<void(int64_t nowMs)>;
  explicit Scheduler(const Clock& clock) : clock_(clock) {}
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void every(std::string name, int64_t intervalMs, Job job);
  // Runs every job whose next run time is ≤ now; returns how many ran.
  int tick();
  // Starts a thread calling tick() every pollMs of wall time; stop() joins it.
  void start(int64_t pollMs = 250);
  void stop();

 private:
  struct Entry {
    std::string name;
    int64_t intervalMs;
    int64_t nextRunMs;
    Job job;
  };
  const Clock& clock_;
  std::mutex mu_;        // guards entries_
  std::mutex tickMu_;    // one tick at a time
  std::vector<Entry> entries_;
  std::thread thread_;
  std::mutex stopMu_;
  std::condition_variable stopCv_;
  bool stopping_ = false;
};

}  // namespace dcmms
