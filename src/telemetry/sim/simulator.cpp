#include "telemetry/sim/simulator.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "core/log.h"
#include "telemetry/sim/rng.h"

namespace dcmms::telemetry {

void sleepWallClock(int64_t ms) {
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

Simulator::Simulator(std::vector<SimPlant> plants, SimulatorOptions opts, Sink& sink, const Clock& clock, Sleeper sleep)
    : opts_(opts), sink_(sink), clock_(clock), sleep_(std::move(sleep)) {
  auto invalid = [](const char* field, const char* msg) { fail(Error::validation(field, "INVALID_VALUE", msg)); };
  if (plants.empty()) invalid("plants", "at least one plant is needed");
  if (opts_.stepMs <= 0) invalid("stepMs", "must be positive");
  if (opts_.batchPoints == 0) invalid("batchPoints", "must be positive");
  if (opts_.mode == RateMode::realTime && !(opts_.timeScale > 0)) invalid("timeScale", "must be positive");
  if (opts_.mode == RateMode::pointsPerSecond && !(opts_.pointsPerSecond > 0)) invalid("rate", "must be positive");
  models_.reserve(plants.size());
  for (size_t i = 0; i < plants.size(); ++i) models_.emplace_back(std::move(plants[i]), sim::Rng::mix(opts_.seed, i + 1));
}

Simulator::~Simulator() = default;

void Simulator::stop() { stop_.store(true); }

void Simulator::injectFault(const std::string& siteId, Fault fault) {
  for (auto& m : models_) {
    if (m.plant().siteId == siteId) {
      m.injectFault(std::move(fault));
      return;
    }
  }
  fail(Error::validation("siteId", "INVALID_VALUE", "unknown site '" + siteId + "'"));
}

bool Simulator::sendBuffered(SimStats& stats, bool all) {
  size_t sent = 0;
  while (buffer_.size() - sent >= (all ? 1 : opts_.batchPoints)) {
    const size_t n = std::min(opts_.batchPoints, buffer_.size() - sent);
    auto r = sink_.send(std::span<const Point>(buffer_.data() + sent, n));
    sent += n;
    if (r.ok()) {
      stats.points += n;
      stats.bytes += *r;
      ++stats.batches;
      consecutiveErrors_ = 0;
    } else {
      ++stats.errors;
      stats.lastError = r.error().message;
      log::warn("simulator batch failed", {{"sink", sink_.describe()}, {"error", r.error().message}});
      if (++consecutiveErrors_ >= opts_.maxConsecutiveErrors) {
        stats.stoppedByErrors = true;
        break;
      }
    }
  }
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(sent));
  return !stats.stoppedByErrors;
}

SimStats Simulator::run() {
  SimStats stats;
  const int64_t wallStart = clock_.nowMs();
  const int64_t simStart = opts_.startMs != 0 ? opts_.startMs : wallStart;
  const bool perTick = opts_.mode == RateMode::realTime;
  uint64_t generated = 0;
  int64_t simTs = simStart;
  buffer_.clear();
  auto cancelled = [&] { return stop_.load() || (opts_.cancel && opts_.cancel->load()); };

  while (!cancelled()) {
    if (opts_.maxSimulatedMs > 0 && simTs - simStart >= opts_.maxSimulatedMs) break;
    if (opts_.durationMs > 0 && clock_.nowMs() - wallStart >= opts_.durationMs) break;
    const size_t before = buffer_.size();
    for (auto& m : models_) m.sampleInto(simTs, buffer_);
    generated += buffer_.size() - before;
    bool lastTick = false;
    if (opts_.maxPoints > 0 && generated >= opts_.maxPoints) {
      buffer_.resize(buffer_.size() - static_cast<size_t>(generated - opts_.maxPoints));
      lastTick = true;
    }
    simTs += opts_.stepMs;
    if (!sendBuffered(stats, perTick || lastTick) || lastTick) break;

    // Pace: sleep until the wall clock catches up with the work done.
    int64_t dueWallMs = 0;
    if (opts_.mode == RateMode::realTime) {
      dueWallMs = static_cast<int64_t>(static_cast<double>(simTs - simStart) / opts_.timeScale);
    } else if (opts_.mode == RateMode::pointsPerSecond) {
      dueWallMs = static_cast<int64_t>(static_cast<double>(generated) * 1000.0 / opts_.pointsPerSecond);
    }
    if (opts_.mode != RateMode::unlimited) {
      int64_t wait = dueWallMs - (clock_.nowMs() - wallStart);
      if (opts_.durationMs > 0) wait = std::min(wait, opts_.durationMs - (clock_.nowMs() - wallStart));
      if (wait > 0) sleep_(wait);
    }
  }
  if (!stats.stoppedByErrors) sendBuffered(stats, true);
  if (!stats.stoppedByErrors) {
    auto r = sink_.flush();
    if (!r.ok()) {
      ++stats.errors;
      stats.lastError = r.error().message;
    }
  }
  stats.wallMs = clock_.nowMs() - wallStart;
  stats.simulatedMs = simTs - simStart;
  stats.pointsPerSecond = stats.wallMs > 0 ? static_cast<double>(stats.points) * 1000.0 / static_cast<double>(stats.wallMs) : 0;
  return stats;
}

}  // namespace dcmms::telemetry
