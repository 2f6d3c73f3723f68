#include "telemetry/sim/sun.h"

#include <chrono>
#include <cmath>
#include <numbers>

namespace dcmms::telemetry::sim {

namespace {
constexpr double kDeg = std::numbers::pi / 180.0;
}

SunPosition sunPosition(int64_t utcMs, double latitudeDeg, double longitudeDeg) {
  using namespace std::chrono;
  const sys_days day = floor<days>(sys_time<milliseconds>(milliseconds(utcMs)));
  const year_month_day ymd(day);
  const int doy = static_cast<int>((day - sys_days(ymd.year() / January / 1)).count()) + 1;
  const double minutesUtc = static_cast<double>(utcMs - duration_cast<milliseconds>(day.time_since_epoch()).count()) / 60000.0;
  const double daysInYear = ymd.year().is_leap() ? 366.0 : 365.0;

  const double g = 2 * std::numbers::pi / daysInYear * (doy - 1 + (minutesUtc / 60.0 - 12) / 24);
  const double eqTimeMin = 229.18 * (0.000075 + 0.001868 * std::cos(g) - 0.032077 * std::sin(g) -
                                     0.014615 * std::cos(2 * g) - 0.040849 * std::sin(2 * g));
  const double decl = 0.006918 - 0.399912 * std::cos(g) + 0.070257 * std::sin(g) - 0.006758 * std::cos(2 * g) +
                      0.000907 * std::sin(2 * g) - 0.002697 * std::cos(3 * g) + 0.00148 * std::sin(3 * g);
  double trueSolarMin = std::fmod(minutesUtc + eqTimeMin + 4 * longitudeDeg, 1440.0);
  if (trueSolarMin < 0) trueSolarMin += 1440.0;
  const double hourAngle = trueSolarMin / 4 - 180;

  const double lat = latitudeDeg * kDeg;
  double cosZenith = std::sin(lat) * std::sin(decl) + std::cos(lat) * std::cos(decl) * std::cos(hourAngle * kDeg);
  cosZenith = std::fmax(-1.0, std::fmin(1.0, cosZenith));

  SunPosition s;
  s.elevationDeg = 90 - std::acos(cosZenith) / kDeg;
  s.declinationDeg = decl / kDeg;
  s.hourAngleDeg = hourAngle;
  s.solarHour = trueSolarMin / 60;
  s.dayOfYear = doy;
  return s;
}

double clearSkyGhi(double elevationDeg) {
  if (elevationDeg <= 0) return 0;
  double cosZ = std::sin(elevationDeg * kDeg);
  return 1098.0 * cosZ * std::exp(-0.057 / cosZ);
}

double cosIncidenceEquatorFacing(const SunPosition& sun, double latitudeDeg, double tiltDeg) {
  // Mirror the southern hemisphere onto the northern one: the plane faces the equator.
  double lat = std::fabs(latitudeDeg) * kDeg;
  double decl = (latitudeDeg >= 0 ? sun.declinationDeg : -sun.declinationDeg) * kDeg;
  double tilt = tiltDeg * kDeg;
  return std::sin(decl) * std::sin(lat - tilt) + std::cos(decl) * std::cos(lat - tilt) * std::cos(sun.hourAngleDeg * kDeg);
}

}  // namespace dcmms::telemetry::sim
