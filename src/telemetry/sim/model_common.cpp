#include "telemetry/sim/model_common.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace dcmms::telemetry {

std::string_view toString(FaultType t) {
  switch (t) {
    case FaultType::overTemperature: return "over-temperature";
    case FaultType::stringOutage: return "string-outage";
    case FaultType::soiling: return "soiling";
    case FaultType::yawMisalignment: return "yaw-misalignment";
    case FaultType::commLoss: return "comm-loss";
  }
  return "comm-loss";
}

std::optional<FaultType> parseFaultType(std::string_view s) {
  for (FaultType t : {FaultType::overTemperature, FaultType::stringOutage, FaultType::soiling,
                      FaultType::yawMisalignment, FaultType::commLoss}) {
    if (toString(t) == s) return t;
  }
  return std::nullopt;
}

}  // namespace dcmms::telemetry

namespace dcmms::telemetry::sim {

Topology::Topology(const SimPlant& plant) : parent(plant.assets.size(), kNoParent), children(plant.assets.size()) {
  for (size_t i = 0; i < plant.assets.size(); ++i) byId.emplace(plant.assets[i].assetId, i);
  for (size_t i = 0; i < plant.assets.size(); ++i) {
    size_t p = indexOf(plant.assets[i].parentId);
    if (p != kNoParent && p != i) {
      parent[i] = p;
      children[p].push_back(i);
    }
  }
}

size_t Topology::indexOf(const std::string& assetId) const {
  auto it = byId.find(assetId);
  return it == byId.end() ? kNoParent : it->second;
}

void FaultBook::add(Fault f, size_t assetIndex) {
  std::lock_guard lock(mu_);
  faults_.emplace_back(std::move(f), assetIndex);
}

void FaultBook::clear() {
  std::lock_guard lock(mu_);
  faults_.clear();
}

ActiveFaults FaultBook::at(int64_t tsMs, const Topology& topo) const {
  const size_t n = topo.parent.size();
  ActiveFaults a{std::vector<double>(n, 0), std::vector<double>(n, 0), std::vector<double>(n, 0),
                 std::vector<uint8_t>(n, 0), std::vector<uint8_t>(n, 0)};
  std::lock_guard lock(mu_);
  if (faults_.empty()) return a;
  // Applies fn to the asset and every asset below it.
  auto subtree = [&](size_t root, auto&& fn) {
    std::vector<size_t> stack{root};
    while (!stack.empty()) {
      size_t i = stack.back();
      stack.pop_back();
      fn(i);
      for (size_t c : topo.children[i]) stack.push_back(c);
    }
  };
  for (const auto& [f, idx] : faults_) {
    if (tsMs < f.startMs || tsMs >= f.endMs) continue;
    const double sev = std::clamp(f.severity, 0.0, 1.0);
    switch (f.type) {
      case FaultType::overTemperature: {
        double ramp = std::min(1.0, static_cast<double>(tsMs - f.startMs) / 300000.0);
        a.overTempC[idx] += 40.0 * sev * ramp;
        break;
      }
      case FaultType::stringOutage:
        subtree(idx, [&](size_t i) { a.outage[i] = 1; });
        break;
      case FaultType::soiling:
        subtree(idx, [&](size_t i) { a.soilingLoss[i] = std::min(1.0, a.soilingLoss[i] + 0.3 * sev); });
        break;
      case FaultType::yawMisalignment:
        a.yawOffsetDeg[idx] += 30.0 * sev;
        break;
      case FaultType::commLoss:
        a.silent[idx] = 1;
        break;
    }
  }
  return a;
}

void Climate::init(Rng& rng) {
  weather_.init(rng);
  freq_.init(rng);
  volt_.init(rng);
}

void Climate::step(Rng& rng, double dtS, const SunPosition& sun) {
  constexpr double kTwoPi = 2 * std::numbers::pi;
  const double hemisphere = latitude_ >= 0 ? 1.0 : -1.0;
  const double seasonal = std::cos(kTwoPi * (sun.dayOfYear - 196) / 365.0) * hemisphere;
  meanC_ = 32.0 - 0.35 * std::fabs(latitude_) + 8.0 * seasonal;
  const double diurnal = 6.0 * std::cos(kTwoPi * (sun.solarHour - 15.0) / 24.0);
  ambientC_ = meanC_ + diurnal + 2.0 * weather_.step(rng, dtS);
  hz_ = gridHz_ + 0.02 * freq_.step(rng, dtS);
  vpu_ = 1.0 + 0.01 * volt_.step(rng, dtS);
}

void Emitter::operator()(size_t asset, std::string_view sensor, std::string_view metric, double value,
                         std::string_view unit, int decimals) {
  if (faults_.silent[asset]) return;
  Point& p = out_.emplace_back();
  p.key.siteId = plant_.siteId;
  p.key.assetId = plant_.assets[asset].assetId;
  p.key.sensorId = sensor;
  p.key.metric = metric;
  p.timestampMs = ts_;
  p.value = roundTo(value, decimals);
  p.unit = unit;
  ++emitted_;
}

}  // namespace dcmms::telemetry::sim
