#include "core/scheduler.h"

#include "core/log.h"

namespace dcmms {

Scheduler::~Scheduler() { stop(); }

void Scheduler::every(std::string name, int64_t intervalMs, Job job) {
  std::lock_guard lock(mu_);
  entries_.push_back({std::move(name), intervalMs, clock_.nowMs() + intervalMs, std::move(job)});
}

int Scheduler::tick() {
  std::lock_guard tickLock(tickMu_);
  const int64_t now = clock_.nowMs();
  std::vector<std::pair<std::string, Job>> due;
  {
    std::lock_guard lock(mu_);
    for (auto& e : entries_) {
      if (e.nextRunMs <= now) {
        due.emplace_back(e.name, e.job);
        // After a big clock jump a job runs once, not once per missed interval.
        e.nextRunMs = now + e.intervalMs;
      }
    }
  }
  for (auto& [name, job] : due) {
    try {
      job(now);
    } catch (const std::exception& ex) {
      log::error("scheduled job failed", {{"job", name}, {"error", ex.what()}});
    }
  }
  return static_cast<int>(due.size());
}

void Scheduler::start(int64_t pollMs) {
  stopping_ = false;
  thread_ = std::thread([this, pollMs] {
    std::unique_lock lock(stopMu_);
    while (!stopping_) {
      lock.unlock();
      tick();
      lock.lock();
      stopCv_.wait_for(lock, std::chrono::milliseconds(pollMs), [this] { return stopping_; });
    }
  });
}

void Scheduler::stop() {
  {
    std::lock_guard lock(stopMu_);
    stopping_ = true;
  }
  stopCv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace dcmms
