// PV plant: weather → irradiance on the modules → strings → combiner boxes → inverters
// (efficiency curve, AC clipping) → transformers.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "telemetry/sim/kind_models.h"

namespace dcmms::telemetry::sim {

namespace {

constexpr double kDeg = std::numbers::pi / 180.0;
constexpr double kStringKwp = 16.24;        // 28 modules × 580 Wp
constexpr double kStringVmpStc = 1160.0;    // V at 1000 W/m², 25 °C
constexpr double kCombinerKwp = 260.0;      // combiner box modelled without strings
constexpr double kInverterKw = 2500.0;
constexpr double kDcAcRatio = 1.25;         // inverter modelled without combiners/strings
constexpr double kTransformerKva = 5500.0;
constexpr double kGammaP = -0.0037;         // power temperature coefficient, 1/°C
constexpr double kBetaV = -0.0029;          // voltage temperature coefficient, 1/°C
constexpr double kInverterVac = 550.0;

double stringVmp(double poa, double tmod) {
  if (poa < 5) return 0;
  return kStringVmpStc * (1 + kBetaV * (tmod - 25)) * (1 + 0.02 * std::log(poa / 1000));
}

double dcPower(double kwp, double poa, double tmod) {
  if (poa < 5) return 0;
  return kwp * poa / 1000 * (1 + kGammaP * (tmod - 25)) * 0.98;  // 2 % wiring and mismatch
}

// Inverter losses: no-load 0.2 % of rating, 1 % linear, 1 % quadratic (≈ 97.8 % at full load,
// 89 % at 2 % load).
double inverterLoss(double pDc, double rated) { return 0.002 * rated + 0.01 * pDc + 0.01 * pDc * pDc / rated; }

class SolarModel final : public KindModel {
 public:
  SolarModel(const SimPlant& plant, const Topology& topo, Rng& rng)
      : plant_(plant), topo_(topo), rng_(rng), climate_(plant.latitude, plant.gridHz) {
    const size_t n = plant.assets.size();
    kwp_.assign(n, 0);
    mismatch_.assign(n, 1);
    inverterOf_.assign(n, kNoParent);
    pDc_.assign(n, 0);
    iDc_.assign(n, 0);
    vDc_.assign(n, 0);
    pAc_.assign(n, 0);
    scale_.assign(n, 1);
    energy_.assign(n, 0);
    invTemp_.assign(n, Lag(600));
    oilTemp_.assign(n, Lag(2700));
    windingTemp_.assign(n, Lag(300));
    tilt_ = std::min(std::fabs(plant.latitude), 30.0);
    for (size_t i = 0; i < n; ++i) {
      const SimAsset& a = plant.assets[i];
      switch (a.kind) {
        case AssetKind::string: kwp_[i] = a.ratedKw > 0 ? a.ratedKw : kStringKwp; break;
        case AssetKind::combiner: kwp_[i] = a.ratedKw > 0 ? a.ratedKw : kCombinerKwp; break;
        case AssetKind::inverter: kwp_[i] = a.ratedKw > 0 ? a.ratedKw : kInverterKw; break;
        case AssetKind::transformer: kwp_[i] = a.ratedKw > 0 ? a.ratedKw : kTransformerKva; break;
        default: break;
      }
      mismatch_[i] = rng_.uniform(0.97, 1.0);
      for (size_t p = i; p != kNoParent; p = topo.parent[p]) {
        if (plant.assets[p].kind == AssetKind::inverter) {
          inverterOf_[i] = p;
          break;
        }
      }
    }
    climate_.init(rng_);
    cloudSlow_.init(rng_);
    cloudFast_.init(rng_);
    wind_.init(rng_);
    humidity_.init(rng_);
  }

  size_t pointsPerSample() const override {
    size_t n = 0;
    for (const auto& a : plant_.assets) {
      switch (a.kind) {
        case AssetKind::weatherStation: n += 6; break;
        case AssetKind::string: n += 1; break;
        case AssetKind::combiner: n += 3; break;
        case AssetKind::inverter: n += 10; break;
        case AssetKind::transformer: n += 4; break;
        default: break;
      }
    }
    return n;
  }

  void step(int64_t tsMs, double dtS, const SunPosition& sun, const ActiveFaults& faults, Emitter& emit) override {
    climate_.step(rng_, dtS, sun);
    weather(dtS, sun);
    const int64_t day = localDay(tsMs, plant_.longitude);
    if (day != day_) {
      std::fill(energy_.begin(), energy_.end(), 0.0);
      day_ = day;
    }
    computeDc(faults);
    computeInverters(dtS);
    emitAll(faults, emit, dtS);
  }

 private:
  using Kind = AssetKind;

  void weather(double dtS, const SunPosition& sun) {
    double c = 0, flicker = 1;
    const double slow = cloudSlow_.step(rng_, dtS);
    const double fast = cloudFast_.step(rng_, dtS);
    if (plant_.cloudCover > 0) {
      c = std::clamp(plant_.cloudCover + 0.35 * slow, 0.0, 1.0);
      flicker = 1 + 0.25 * c * fast;
    }
    const double kt = std::clamp((1 - 0.75 * std::pow(c, 3.4)) * flicker, 0.05, 1.1);  // Kasten–Czeplak
    ghi_ = clearSkyGhi(sun.elevationDeg) * kt;
    double dhi = ghi_ * std::min(1.0, 0.12 + 0.8 * c);
    double dni = 0;
    if (sun.elevationDeg > 2) {
      dni = std::min(1100.0, (ghi_ - dhi) / std::sin(sun.elevationDeg * kDeg));
    } else {
      dhi = ghi_;
    }
    const double cosTilt = std::cos(tilt_ * kDeg);
    const double ci = std::max(0.0, cosIncidenceEquatorFacing(sun, plant_.latitude, tilt_));
    poa_ = std::max(0.0, dni * ci + dhi * (1 + cosTilt) / 2 + ghi_ * 0.2 * (1 - cosTilt) / 2);
    windMs_ = weibullFromNormal(wind_.step(rng_, dtS), 2.0, 4.0);
    tmod_ = moduleTemp_.step(climate_.ambientC() + poa_ * 0.032 / (1 + 0.08 * windMs_), dtS);
    humidityPct_ = std::clamp(55 - 2.5 * (climate_.ambientC() - climate_.meanC()) + 25 * c + 6 * humidity_.step(rng_, dtS),
                              5.0, 100.0);
  }

  double irradianceFor(size_t i, const ActiveFaults& f) const { return poa_ * (1 - f.soilingLoss[i]); }

  bool hasChildren(size_t i, Kind kind) const {
    return std::any_of(topo_.children[i].begin(), topo_.children[i].end(),
                       [&](size_t c) { return plant_.assets[c].kind == kind; });
  }

  // Sums DC power and current of the children of the given kind into asset i.
  void sumChildren(size_t i, Kind kind) {
    pDc_[i] = 0;
    iDc_[i] = 0;
    for (size_t c : topo_.children[i]) {
      if (plant_.assets[c].kind != kind) continue;
      pDc_[i] += pDc_[c];
      iDc_[i] += iDc_[c];
    }
  }

  void ownDc(size_t i, double kwp, const ActiveFaults& f) {
    const double g = irradianceFor(i, f);
    vDc_[i] = stringVmp(g, tmod_);
    pDc_[i] = f.outage[i] ? 0 : dcPower(kwp * mismatch_[i], g, tmod_);
    iDc_[i] = vDc_[i] > 0 ? pDc_[i] * 1000 / vDc_[i] : 0;
  }

  void computeDc(const ActiveFaults& f) {
    const auto& assets = plant_.assets;
    for (size_t i = 0; i < assets.size(); ++i) {
      if (assets[i].kind == Kind::string) ownDc(i, kwp_[i], f);
    }
    for (size_t i = 0; i < assets.size(); ++i) {
      if (assets[i].kind != Kind::combiner) continue;
      if (hasChildren(i, Kind::string)) {
        sumChildren(i, Kind::string);
        vDc_[i] = stringVmp(irradianceFor(i, f), tmod_);
      } else {
        ownDc(i, kwp_[i], f);
      }
    }
    for (size_t i = 0; i < assets.size(); ++i) {
      if (assets[i].kind != Kind::inverter) continue;
      if (hasChildren(i, Kind::combiner)) {
        sumChildren(i, Kind::combiner);
      } else if (hasChildren(i, Kind::string)) {
        sumChildren(i, Kind::string);
      } else {
        ownDc(i, kwp_[i] * kDcAcRatio, f);
        continue;
      }
      vDc_[i] = stringVmp(irradianceFor(i, f), tmod_);
    }
  }

  void computeInverters(double dtS) {
    const auto& assets = plant_.assets;
    for (size_t i = 0; i < assets.size(); ++i) {
      if (assets[i].kind != Kind::inverter) continue;
      const double rated = kwp_[i];
      scale_[i] = 1;
      double p = pDc_[i];
      if (p <= inverterLoss(0, rated) * 1.05) {
        pAc_[i] = 0;  // standby: not enough DC power to cover no-load losses
      } else {
        double ac = p - inverterLoss(p, rated);
        if (ac > rated) {
          // Clipping: the inverter moves off the maximum power point until AC = rated.
          double clipped = rated;
          for (int k = 0; k < 4; ++k) clipped = rated + inverterLoss(clipped, rated);
          scale_[i] = clipped / p;
          pDc_[i] = clipped;
          iDc_[i] *= scale_[i];
          ac = rated;
        }
        pAc_[i] = ac;
      }
      energy_[i] += pAc_[i] * dtS / 3600.0;
    }
    for (size_t i = 0; i < assets.size(); ++i) {
      if (assets[i].kind != Kind::transformer) continue;
      double p = 0;
      for (size_t c : topo_.children[i]) {
        if (assets[c].kind == Kind::inverter) p += pAc_[c];
      }
      pAc_[i] = p * 0.99;
    }
  }

  double noise(double sigma) { return sigma * rng_.normal(); }

  void emitAll(const ActiveFaults& f, Emitter& emit, double dtS) {
    const auto& assets = plant_.assets;
    const double amb = climate_.ambientC();
    for (size_t i = 0; i < assets.size(); ++i) {
      const double scale = inverterOf_[i] != kNoParent ? scale_[inverterOf_[i]] : 1.0;
      switch (assets[i].kind) {
        case Kind::weatherStation:
          emit(i, "weather", "irradiance", ghi_ * (1 + noise(0.003)), units::wm2, 1);
          emit(i, "weather", "poa_irradiance", poa_ * (1 + noise(0.003)), units::wm2, 1);
          emit(i, "weather", "ambient_temperature", amb + noise(0.05), units::degC);
          emit(i, "weather", "module_temperature", tmod_ + f.overTempC[i] + noise(0.05), units::degC);
          emit(i, "weather", "wind_speed", std::max(0.0, windMs_ * (1 + noise(0.02))), units::ms);
          emit(i, "weather", "humidity", std::clamp(humidityPct_ + noise(0.2), 0.0, 100.0), units::pct, 1);
          break;
        case Kind::string:
          emit(i, "dc", "dc_current", iDc_[i] * scale * (1 + noise(0.002)), units::A);
          break;
        case Kind::combiner: {
          const double n1 = noise(0.002), n2 = noise(0.5);
          const double current = iDc_[i] * scale * (1 + n1);
          emit(i, "dc", "dc_current", current, units::A);
          emit(i, "dc", "dc_voltage", vDc_[i] > 0 ? vDc_[i] + n2 : 0, units::V, 1);
          emit(i, "dc", "dc_power", pDc_[i] * scale * (1 + n1), units::kW);
          break;
        }
        case Kind::inverter:
          emitInverter(i, f, emit, amb, dtS);
          break;
        case Kind::transformer: {
          const double load = pAc_[i] / kwp_[i];
          const double oil = oilTemp_[i].step(amb + 8 + 40 * load * load, dtS);
          const double winding = windingTemp_[i].step(oil + 18 * std::pow(load, 1.6), dtS);
          const double n1 = noise(0.001);
          emit(i, "electrical", "power", pAc_[i] * (1 + n1), units::kW);
          emit(i, "electrical", "load", load * 100 * (1 + n1), units::pct);
          emit(i, "thermal", "oil_temperature", oil + f.overTempC[i] + noise(0.05), units::degC);
          emit(i, "thermal", "winding_temperature", winding + f.overTempC[i] + noise(0.05), units::degC);
          break;
        }
        default:
          break;
      }
    }
  }

  void emitInverter(size_t i, const ActiveFaults& f, Emitter& emit, double amb, double dtS) {
    const double rated = kwp_[i];
    const double load = pAc_[i] / rated;
    const double on = pAc_[i] > 0 ? 1.0 : 0.0;
    // Volt-var droop: reactive power against grid voltage deviation, ±30 % of rating.
    const double q = on * std::clamp(-(climate_.voltagePu() - 1) * 5, -0.3, 0.3) * rated;
    const double temp = invTemp_[i].step(amb + 2 + 6 * on + 22 * load, dtS);
    const double n1 = noise(0.001);
    const double n2 = noise(0.3);
    const double n3 = noise(0.002);
    const double n4 = noise(0.05);
    emit(i, "dc", "dc_power", pDc_[i] * (1 + n1), units::kW);
    emit(i, "dc", "dc_voltage", vDc_[i] > 0 ? vDc_[i] + n2 : 0, units::V, 1);
    emit(i, "dc", "dc_current", iDc_[i] * (1 + n1), units::A);
    emit(i, "ac", "power", pAc_[i] * (1 + n1), units::kW);
    emit(i, "ac", "reactive_power", q * (1 + n1), units::kvar);
    emit(i, "ac", "ac_voltage", kInverterVac * (climate_.voltagePu() + 0.01 * load) * (1 + n3), units::V, 1);
    emit(i, "ac", "frequency", climate_.gridHz() + 0.1 * n3, units::Hz, 3);
    emit(i, "ac", "efficiency", pDc_[i] > 0 && on > 0 ? pAc_[i] / pDc_[i] * 100 : 0, units::pct);
    emit(i, "ac", "energy", energy_[i], units::kWh);
    emit(i, "thermal", "temperature", temp + f.overTempC[i] + n4, units::degC);
  }

  const SimPlant& plant_;
  const Topology& topo_;
  Rng& rng_;
  Climate climate_;
  double tilt_ = 0;
  Ar1 cloudSlow_{1200.0}, cloudFast_{90.0}, wind_{600.0}, humidity_{1800.0};
  Lag moduleTemp_{420.0};
  double ghi_ = 0, poa_ = 0, windMs_ = 0, tmod_ = 0, humidityPct_ = 50;
  int64_t day_ = INT64_MIN;
  std::vector<double> kwp_, mismatch_, pDc_, iDc_, vDc_, pAc_, scale_, energy_;
  std::vector<size_t> inverterOf_;
  std::vector<Lag> invTemp_, oilTemp_, windingTemp_;
};

}  // namespace

std::unique_ptr<KindModel> makeSolarModel(const SimPlant& plant, const Topology& topo, Rng& rng) {
  return std::make_unique<SolarModel>(plant, topo, rng);
}

}  // namespace dcmms::telemetry::sim
