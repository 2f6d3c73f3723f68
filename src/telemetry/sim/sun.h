// Sun position and clear-sky irradiance from latitude, longitude and UTC time (NOAA
// general solar position equations; Haurwitz clear-sky model).
#pragma once

#include <cstdint>

namespace dcmms::telemetry::sim {

struct SunPosition {
  double elevationDeg = 0;   // above the horizon; negative at night
  double declinationDeg = 0;
  double hourAngleDeg = 0;   // 0 at solar noon, negative in the morning
  double solarHour = 0;      // local apparent solar time, 0..24
  int dayOfYear = 1;         // 1..366
};

SunPosition sunPosition(int64_t utcMs, double latitudeDeg, double longitudeDeg);

// Global horizontal irradiance under a clear sky, W/m²; 0 when the sun is below the horizon.
double clearSkyGhi(double elevationDeg);

// Cosine of the angle of incidence on a fixed plane tilted by tiltDeg toward the equator.
double cosIncidenceEquatorFacing(const SunPosition& sun, double latitudeDeg, double tiltDeg);

}  // namespace dcmms::telemetry::sim
