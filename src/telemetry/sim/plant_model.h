// Deterministic physical model of one plant: given a seed, the same sequence of sample() calls
// gives the same points. Solar: sun position, clear-sky irradiance, an AR(1) cloud process,
// module temperature, string/combiner/inverter DC power, inverter efficiency and clipping,
// transformer loading and temperatures. Wind: Weibull wind with AR(1) correlation, power curve,
// rotor, pitch, yaw and drive-train temperatures. Battery: a daily charge/discharge schedule
// integrated into state of charge, rack voltage, current and cell temperatures.
// The sensors and metrics each asset kind emits are listed in sim/README.md.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "telemetry/point.h"
#include "telemetry/sim/fault.h"
#include "telemetry/sim/plant.h"

namespace dcmms::telemetry {

class PlantModel {
 public:
  // Throws ApiException (400) on an inconsistent plant (duplicate ids, unknown parents).
  PlantModel(SimPlant plant, uint64_t seed);
  ~PlantModel();
  PlantModel(PlantModel&&) noexcept;
  PlantModel& operator=(PlantModel&&) noexcept;

  const SimPlant& plant() const;

  // One sample of every sensor of every asset at tsMs (UTC epoch ms). Time should move forward;
  // a timestamp at or before the previous one advances no state (dt = 0).
  std::vector<Point> sample(int64_t tsMs);
  // Same, appending to out.
  void sampleInto(int64_t tsMs, std::vector<Point>& out);

  // Safe to call from another thread while sampling. Throws ApiException (400) for an unknown
  // asset, an empty window or a severity outside 0..1.
  void injectFault(Fault fault);
  void clearFaults();

  // Points in one sample with no comm-loss fault active.
  size_t pointsPerSample() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dcmms::telemetry
