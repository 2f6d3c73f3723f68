// Battery plant: each PCS follows a daily schedule (charge around midday solar surplus,
// discharge in the evening peak, small regulation noise) and splits its power over its racks,
// whose state of charge integrates the power with charge/discharge efficiency and stays within
// 0–100 % (the PCS stops charging at 95 % and discharging at 5 %).
#include <algorithm>
#include <cmath>

#include "telemetry/sim/kind_models.h"

namespace dcmms::telemetry::sim {

namespace {

constexpr double kPcsKw = 2500.0;
constexpr double kRackKwh = 2500.0;
constexpr double kCellsInSeries = 384;
constexpr double kRackOhm = 0.05;
constexpr double kOneWayEfficiency = 0.96;
constexpr double kPcsEfficiency = 0.98;
constexpr double kPcsVac = 550.0;

// LFP open-circuit cell voltage against state of charge 0..1.
double cellOcv(double s) {
  s = std::clamp(s, 0.0, 1.0);
  return 3.05 + 0.3 * s + 0.1 * std::pow(s - 0.5, 3) - 0.25 * std::exp(-s / 0.04) + 0.15 * std::exp(-(1 - s) / 0.03);
}

double trapezoid(double h, double from, double to, double ramp) {
  return std::clamp(std::min(h - from, to - h) / ramp, 0.0, 1.0);
}

// Fraction of rated power by local solar hour: negative = charging.
double schedule(double solarHour) {
  return -0.8 * trapezoid(solarHour, 9.5, 14.5, 0.25) + 0.9 * trapezoid(solarHour, 17.5, 21.5, 0.25);
}

struct Rack {
  size_t asset = 0;
  double capacityKwh = kRackKwh;
  double ratedKw = kRackKwh / 4;
  double socPct = 50;
  double imbalance = 1;
  Lag cellTemp{1200.0};
  double powerKw = 0;  // DC, positive = discharge
};

struct Unit {
  size_t pcs = kNoParent;  // kNoParent: racks without a PCS asset
  double ratedKw = kPcsKw;
  std::vector<size_t> racks;  // indices into racks_
  Ar1 regulation{30.0};
  Lag temp{600.0};
  double acKw = 0;
};

class BatteryModel final : public KindModel {
 public:
  BatteryModel(const SimPlant& plant, const Topology& topo, Rng& rng)
      : plant_(plant), rng_(rng), climate_(plant.latitude, plant.gridHz), rackOf_(plant.assets.size(), kNoParent),
        unitOf_(plant.assets.size(), kNoParent) {
    const auto& assets = plant.assets;
    for (size_t i = 0; i < assets.size(); ++i) {
      if (assets[i].kind != AssetKind::pcs) continue;
      Unit u;
      u.pcs = i;
      u.ratedKw = assets[i].ratedKw > 0 ? assets[i].ratedKw : kPcsKw;
      unitOf_[i] = units_.size();
      units_.push_back(std::move(u));
    }
    for (size_t i = 0; i < assets.size(); ++i) {
      if (assets[i].kind != AssetKind::batteryRack) continue;
      Rack r;
      r.asset = i;
      r.capacityKwh = assets[i].capacityKwh > 0 ? assets[i].capacityKwh : kRackKwh;
      r.ratedKw = assets[i].ratedKw > 0 ? assets[i].ratedKw : r.capacityKwh / 4;
      r.socPct = rng_.uniform(45, 55);
      r.imbalance = rng_.uniform(0.98, 1.02);
      size_t parent = topo.parent[i];
      size_t unit = parent != kNoParent ? unitOf_[parent] : kNoParent;
      if (unit == kNoParent) {  // a rack on its own: its own schedule at its own rating
        Unit u;
        u.ratedKw = r.ratedKw;
        unit = units_.size();
        units_.push_back(std::move(u));
      }
      rackOf_[i] = racks_.size();
      units_[unit].racks.push_back(racks_.size());
      racks_.push_back(std::move(r));
    }
    for (Unit& u : units_) u.regulation.init(rng_);
    climate_.init(rng_);
  }

  size_t pointsPerSample() const override {
    size_t pcs = std::count_if(units_.begin(), units_.end(), [](const Unit& u) { return u.pcs != kNoParent; });
    return pcs * 5 + racks_.size() * 6;
  }

  void step(int64_t, double dtS, const SunPosition& sun, const ActiveFaults& f, Emitter& emit) override {
    climate_.step(rng_, dtS, sun);
    const double frac = schedule(sun.solarHour);
    for (Unit& u : units_) {
      const double setpoint = u.ratedKw * (frac + 0.03 * u.regulation.step(rng_, dtS));
      u.acKw = 0;
      if (u.racks.empty()) {
        u.acKw = setpoint;  // PCS without modelled racks: no energy limits
        continue;
      }
      for (size_t r : u.racks) {
        Rack& rack = racks_[r];
        double p = std::clamp(setpoint / static_cast<double>(u.racks.size()) * rack.imbalance, -rack.ratedKw, rack.ratedKw);
        if ((p > 0 && rack.socPct <= 5) || (p < 0 && rack.socPct >= 95)) p = 0;
        const double storedKwh = -p * dtS / 3600.0 * (p < 0 ? kOneWayEfficiency : 1 / kOneWayEfficiency);
        rack.socPct = std::clamp(rack.socPct + storedKwh / rack.capacityKwh * 100, 0.0, 100.0);
        rack.powerKw = p;
        u.acKw += p > 0 ? p * kPcsEfficiency : p / kPcsEfficiency;
      }
    }
    const double amb = climate_.ambientC();
    for (size_t i = 0; i < plant_.assets.size(); ++i) {
      if (plant_.assets[i].kind == AssetKind::pcs) {
        Unit& u = units_[unitOf_[i]];
        const double load = std::fabs(u.acKw) / u.ratedKw;
        const double q = std::clamp(-(climate_.voltagePu() - 1) * 5, -0.3, 0.3) * u.ratedKw;
        const double temp = u.temp.step(amb + 5 + 25 * load, dtS);
        const double n = rng_.normal();
        emit(i, "ac", "power", u.acKw * (1 + 0.001 * n), units::kW);
        emit(i, "ac", "reactive_power", q * (1 + 0.001 * n), units::kvar);
        emit(i, "ac", "ac_voltage", kPcsVac * climate_.voltagePu() * (1 + 0.002 * rng_.normal()), units::V, 1);
        emit(i, "ac", "frequency", climate_.gridHz() + 0.0002 * rng_.normal(), units::Hz, 3);
        emit(i, "thermal", "temperature", temp + f.overTempC[i] + 0.05 * rng_.normal(), units::degC);
      } else if (plant_.assets[i].kind == AssetKind::batteryRack) {
        Rack& r = racks_[rackOf_[i]];
        const double ocv = kCellsInSeries * cellOcv(r.socPct / 100);
        const double current = r.powerKw * 1000 / ocv;
        const double voltage = ocv - current * kRackOhm;
        const double cRate = std::fabs(r.powerKw) / r.capacityKwh;
        const double t = r.cellTemp.step(24 + 10 * cRate, dtS) + f.overTempC[i];
        emit(i, "bms", "state_of_charge", r.socPct, units::pct);
        emit(i, "bms", "dc_power", r.powerKw, units::kW);
        emit(i, "bms", "dc_voltage", voltage + 0.2 * rng_.normal(), units::V, 1);
        emit(i, "bms", "dc_current", current * (1 + 0.002 * rng_.normal()), units::A);
        emit(i, "bms", "cell_temperature_min", t - 0.8 - 2 * cRate + 0.05 * rng_.normal(), units::degC);
        emit(i, "bms", "cell_temperature_max", t + 1.2 + 8 * cRate + 0.05 * rng_.normal(), units::degC);
      }
    }
  }

 private:
  const SimPlant& plant_;
  Rng& rng_;
  Climate climate_;
  std::vector<Rack> racks_;
  std::vector<Unit> units_;
  std::vector<size_t> rackOf_;  // asset index → racks_ index
  std::vector<size_t> unitOf_;  // PCS asset index → units_ index
};

}  // namespace

std::unique_ptr<KindModel> makeBatteryModel(const SimPlant& plant, const Topology& topo, Rng& rng) {
  return std::make_unique<BatteryModel>(plant, topo, rng);
}

}  // namespace dcmms::telemetry::sim
