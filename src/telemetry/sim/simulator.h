// Runs plant models and pushes their points to a Sink at a chosen rate:
//  - real time: every plant is sampled once per simulated stepMs (1 Hz per sensor by default),
//    with simulated time running timeScale × faster than the wall clock (1 = real time);
//  - points per second: samples are generated back to back (simulated time still advancing by
//    stepMs per sample) and sent so that the point rate matches the target;
//  - unlimited: as fast as the sink accepts.
// Bounded by wall time, point count and/or simulated time. Wall time comes from the injected
// Clock and pacing goes through the injected Sleeper, so tests run on a ManualClock.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "telemetry/sim/plant_model.h"
#include "telemetry/sim/sink.h"

namespace dcmms::telemetry {

enum class RateMode { realTime, pointsPerSecond, unlimited };

struct SimulatorOptions {
  RateMode mode = RateMode::realTime;
  int64_t startMs = 0;           // simulated time of the first sample; 0 = the clock's now
  int64_t stepMs = 1000;         // simulated time between two samples of a sensor
  double timeScale = 1.0;        // real-time mode: simulated ms per wall ms
  double pointsPerSecond = 0;    // pointsPerSecond mode: target rate
  int64_t durationMs = 0;        // wall-clock bound (0 = none)
  uint64_t maxPoints = 0;        // exact bound on points sent (0 = none)
  int64_t maxSimulatedMs = 0;    // simulated-time bound (0 = none)
  size_t batchPoints = 5000;     // points per Sink::send
  uint64_t seed = 1;             // plant i uses a seed derived from (seed, i)
  int maxConsecutiveErrors = 5;  // stop after this many failed sends in a row
  const std::atomic<bool>* cancel = nullptr;  // e.g. set by a SIGINT handler
};

struct SimStats {
  uint64_t points = 0;
  uint64_t batches = 0;
  uint64_t bytes = 0;
  uint64_t errors = 0;
  int64_t wallMs = 0;
  int64_t simulatedMs = 0;
  double pointsPerSecond = 0;  // achieved
  std::string lastError;
  bool stoppedByErrors = false;
};

// Waits the given wall-clock milliseconds.
using Sleeper = std::function<void(int64_t ms)>;
void sleepWallClock(int64_t ms);

class Simulator {
 public:
  // Throws ApiException (400) for invalid options or plants.
  Simulator(std::vector<SimPlant> plants, SimulatorOptions opts, Sink& sink, const Clock& clock,
            Sleeper sleep = sleepWallClock);
  ~Simulator();

  SimStats run();
  void stop();  // thread-safe; run() returns after the current tick

  // Thread-safe; throws ApiException (400) for an unknown site or an invalid fault.
  void injectFault(const std::string& siteId, Fault fault);
  const std::vector<PlantModel>& plants() const { return models_; }

 private:
  bool sendBuffered(SimStats& stats, bool all);

  std::vector<PlantModel> models_;
  SimulatorOptions opts_;
  Sink& sink_;
  const Clock& clock_;
  Sleeper sleep_;
  std::atomic<bool> stop_{false};
  std::vector<Point> buffer_;
  int consecutiveErrors_ = 0;
};

}  // namespace dcmms::telemetry
