// Factories for the per-kind plant models (solar_model.cpp, wind_model.cpp, battery_model.cpp).
// The plant, topology and random source must outlive the model.
#pragma once

#include <memory>

#include "telemetry/sim/model_common.h"

namespace dcmms::telemetry::sim {

std::unique_ptr<KindModel> makeSolarModel(const SimPlant& plant, const Topology& topo, Rng& rng);
std::unique_ptr<KindModel> makeWindModel(const SimPlant& plant, const Topology& topo, Rng& rng);
std::unique_ptr<KindModel> makeBatteryModel(const SimPlant& plant, const Topology& topo, Rng& rng);

}  // namespace dcmms::telemetry::sim

namespace dcmms::telemetry::sim {

// Turbine power curve: 0 below cut-in (3 m/s) and above cut-out (25 m/s), cubic rise to the
// rating at 12 m/s, flat at the rating up to cut-out.
inline constexpr double kCutInMs = 3.0;
inline constexpr double kRatedWindMs = 12.0;
inline constexpr double kCutOutMs = 25.0;
double turbinePowerKw(double windMs, double ratedKw);

}  // namespace dcmms::telemetry::sim
