// The demo portfolio's sites, zones and assets. Asset ids and the electrical hierarchy come
// from the telemetry simulator's demo plants (telemetry/sim/plant.h), so simulated telemetry
// lands on seeded assets; the seeder adds what the simulator does not model (wind-turbine
// components, substations, container HVAC and fire suppression).
#pragma once

#include <string>

#include "app/demo_world.h"

namespace dcmms::app {

inline constexpr const char* kSolarSite = "SOLAR-01";
inline constexpr const char* kWindSite = "WIND-01";
inline constexpr const char* kBatterySite = "BESS-01";

struct PlantCounts {
  int sites = 0;
  int zones = 0;
  int assets = 0;
};

// Creates the three sites, their zones and assets as the system administrator.
PlantCounts seedPlants(DemoWorld& world);

}  // namespace dcmms::app
