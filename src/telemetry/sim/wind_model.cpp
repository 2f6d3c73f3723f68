// Wind farm: a site wind process (Weibull k = 2, c = 8 m/s marginal; two AR(1) components,
// 3 h and 10 min) and a
// wind direction random walk; per turbine turbulence, wake loss, yaw error, power curve,
// storm shutdown with hysteresis, rotor/pitch control and drive-train temperatures.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "telemetry/sim/kind_models.h"

namespace dcmms::telemetry::sim {

double turbinePowerKw(double windMs, double ratedKw) {
  if (windMs < kCutInMs || windMs > kCutOutMs) return 0;
  if (windMs >= kRatedWindMs) return ratedKw;
  const double lo = kCutInMs * kCutInMs * kCutInMs;
  const double hi = kRatedWindMs * kRatedWindMs * kRatedWindMs;
  return ratedKw * (windMs * windMs * windMs - lo) / (hi - lo);
}

namespace {

constexpr double kDeg = std::numbers::pi / 180.0;
constexpr double kTurbineKw = 3000.0;
constexpr double kWeibullK = 2.0;
constexpr double kWeibullC = 8.0;
constexpr double kRestartMs = 20.0;      // storm shutdown hysteresis
constexpr double kRatedRotorRpm = 14.8;
constexpr double kGearRatio = 101.0;
constexpr double kPrevailingDeg = 240.0;

double wrap360(double d) {
  d = std::fmod(d, 360.0);
  return d < 0 ? d + 360.0 : d;
}

struct Turbine {
  size_t asset = 0;
  double ratedKw = kTurbineKw;
  double wake = 1;
  bool running = true;
  Ar1 turbulence{20.0};
  Ar1 yaw{90.0};
  Lag rotor{10.0};
  Lag gearboxOil{1800.0};
  Lag bearing{1200.0};
  Lag generator{900.0};
  double energyKwh = 0;
};

class WindModel final : public KindModel {
 public:
  WindModel(const SimPlant& plant, const Topology& topo, Rng& rng)
      : plant_(plant), rng_(rng), climate_(plant.latitude, plant.gridHz) {
    (void)topo;
    for (size_t i = 0; i < plant.assets.size(); ++i) {
      const SimAsset& a = plant.assets[i];
      if (a.kind != AssetKind::turbine) continue;
      Turbine t;
      t.asset = i;
      t.ratedKw = a.ratedKw > 0 ? a.ratedKw : kTurbineKw;
      t.wake = rng_.uniform(0.88, 1.0);
      t.turbulence.init(rng_);
      t.yaw.init(rng_);
      turbines_.push_back(std::move(t));
    }
    climate_.init(rng_);
    synoptic_.init(rng_);
    wind_.init(rng_);
    direction_.init(rng_);
  }

  size_t pointsPerSample() const override { return turbines_.size() * 14; }

  void step(int64_t tsMs, double dtS, const SunPosition& sun, const ActiveFaults& f, Emitter& emit) override {
    climate_.step(rng_, dtS, sun);
    // Weather-system persistence (hours) plus 10-minute variability; the weights keep unit
    // variance so the marginal stays exactly Weibull.
    const double z = 0.85 * synoptic_.step(rng_, dtS) + 0.5268 * wind_.step(rng_, dtS);
    const double siteWind = weibullFromNormal(z, kWeibullK, kWeibullC);
    const double dir = wrap360(kPrevailingDeg + 35 * direction_.step(rng_, dtS));
    const int64_t day = localDay(tsMs, plant_.longitude);
    const bool newDay = day != day_;
    day_ = day;
    const double amb = climate_.ambientC();
    for (Turbine& t : turbines_) {
      if (newDay) t.energyKwh = 0;
      const size_t i = t.asset;
      const double v = std::max(0.0, siteWind * t.wake * (1 + 0.1 * t.turbulence.step(rng_, dtS)));
      if (t.running && v > kCutOutMs) t.running = false;
      if (!t.running && v < kRestartMs) t.running = true;
      const double yawErr = 4 * t.yaw.step(rng_, dtS) + f.yawOffsetDeg[i];
      const double cosYaw = std::cos(yawErr * kDeg);
      double power = t.running ? turbinePowerKw(v, t.ratedKw) * cosYaw * cosYaw : 0;

      double pitch, rotorTarget;
      if (!t.running) {
        pitch = 88;
        rotorTarget = 0;
      } else if (v < kCutInMs) {
        pitch = 12;
        rotorTarget = 1.5;  // idling
      } else if (v < kRatedWindMs) {
        pitch = 0.5;
        rotorTarget = std::min(kRatedRotorRpm, 6 + (kRatedRotorRpm - 6) * (v - kCutInMs) / 7.5);
      } else {
        pitch = 0.5 + 3.2 * std::pow(v - kRatedWindMs, 0.75);
        rotorTarget = kRatedRotorRpm;
      }
      const double rotor = std::max(0.0, t.rotor.step(rotorTarget, dtS) + 0.02 * rng_.normal());
      const double load = power / t.ratedKw;
      const double oil = t.gearboxOil.step(amb + 12 + 38 * load, dtS);
      const double bearing = t.bearing.step(amb + 8 + 32 * load, dtS);
      const double gen = t.generator.step(amb + 15 + 65 * load * load, dtS);
      const double q = power > 0 ? std::clamp(-(climate_.voltagePu() - 1) * 5, -0.3, 0.3) * t.ratedKw : 0;

      const double nPower = rng_.normal();
      power = power > 0 ? std::clamp(power * (1 + 0.01 * nPower), 0.0, t.ratedKw) : 0;
      t.energyKwh += power * dtS / 3600.0;
      const double over = f.overTempC[i];

      emit(i, "nacelle", "wind_speed", v * (1 + 0.01 * rng_.normal()), units::ms);
      emit(i, "nacelle", "wind_direction", wrap360(dir + 2 * rng_.normal()), units::deg, 1);
      emit(i, "nacelle", "nacelle_position", wrap360(dir - yawErr), units::deg, 1);
      emit(i, "nacelle", "yaw_error", yawErr, units::deg);
      emit(i, "nacelle", "ambient_temperature", amb + 0.05 * rng_.normal(), units::degC);
      emit(i, "rotor", "rotor_speed", rotor, units::rpm);
      emit(i, "rotor", "pitch_angle", pitch + 0.05 * rng_.normal(), units::deg);
      emit(i, "generator", "power", power, units::kW);
      emit(i, "generator", "reactive_power", q * (1 + 0.01 * nPower), units::kvar);
      emit(i, "generator", "generator_speed", std::max(0.0, rotor * kGearRatio + 0.3 * rng_.normal()), units::rpm, 1);
      emit(i, "generator", "generator_temperature", gen + over + 0.05 * rng_.normal(), units::degC);
      emit(i, "generator", "energy", t.energyKwh, units::kWh);
      emit(i, "gearbox", "oil_temperature", oil + over + 0.05 * rng_.normal(), units::degC);
      emit(i, "gearbox", "bearing_temperature", bearing + over + 0.05 * rng_.normal(), units::degC);
    }
  }

 private:
  const SimPlant& plant_;
  Rng& rng_;
  Climate climate_;
  Ar1 synoptic_{3 * 3600.0};
  Ar1 wind_{600.0};
  Ar1 direction_{3600.0};
  int64_t day_ = INT64_MIN;
  std::vector<Turbine> turbines_;
};

}  // namespace

std::unique_ptr<KindModel> makeWindModel(const SimPlant& plant, const Topology& topo, Rng& rng) {
  return std::make_unique<WindModel>(plant, topo, rng);
}

}  // namespace dcmms::telemetry::sim
