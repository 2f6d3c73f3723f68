#include "telemetry/sim/plant_model.h"

#include <unordered_set>

#include "core/error.h"
#include "telemetry/sim/kind_models.h"

namespace dcmms::telemetry {

namespace {

void checkTopology(const SimPlant& plant, const sim::Topology& topo) {
  std::unordered_set<std::string> seen;
  for (const auto& a : plant.assets) {
    if (a.assetId.empty()) fail(Error::validation("assets", "INVALID_VALUE", "assetId must not be empty"));
    if (!seen.insert(a.assetId).second) {
      fail(Error::validation("assets", "INVALID_VALUE", "duplicate assetId '" + a.assetId + "'"));
    }
    if (!a.parentId.empty() && topo.indexOf(a.parentId) == sim::kNoParent) {
      fail(Error::validation("assets", "INVALID_VALUE", "asset '" + a.assetId + "' has unknown parentId '" + a.parentId + "'"));
    }
  }
  for (size_t i = 0; i < topo.parent.size(); ++i) {
    size_t p = topo.parent[i];
    for (size_t steps = 0; p != sim::kNoParent; ++steps, p = topo.parent[p]) {
      if (steps > topo.parent.size()) {
        fail(Error::validation("assets", "INVALID_VALUE", "parent cycle through '" + plant.assets[i].assetId + "'"));
      }
    }
  }
}

bool faultFits(FaultType type, AssetKind kind) {
  switch (type) {
    case FaultType::yawMisalignment: return kind == AssetKind::turbine;
    case FaultType::stringOutage:
    case FaultType::soiling:
      return kind == AssetKind::string || kind == AssetKind::combiner || kind == AssetKind::inverter;
    case FaultType::overTemperature: return kind != AssetKind::string && kind != AssetKind::combiner;
    case FaultType::commLoss: return true;
  }
  return false;
}

}  // namespace

struct PlantModel::Impl {
  Impl(SimPlant p, uint64_t seed) : plant(std::move(p)), topo(plant), rng(seed) {
    checkTopology(plant, topo);
    switch (plant.kind) {
      case PlantKind::solar: model = sim::makeSolarModel(plant, topo, rng); break;
      case PlantKind::wind: model = sim::makeWindModel(plant, topo, rng); break;
      case PlantKind::battery: model = sim::makeBatteryModel(plant, topo, rng); break;
    }
  }

  SimPlant plant;
  sim::Topology topo;
  sim::Rng rng;
  sim::FaultBook faults;
  std::unique_ptr<sim::KindModel> model;
  int64_t lastTsMs = 0;
  bool started = false;
};

PlantModel::PlantModel(SimPlant plant, uint64_t seed) : impl_(std::make_unique<Impl>(std::move(plant), seed)) {}
PlantModel::~PlantModel() = default;
PlantModel::PlantModel(PlantModel&&) noexcept = default;
PlantModel& PlantModel::operator=(PlantModel&&) noexcept = default;

const SimPlant& PlantModel::plant() const { return impl_->plant; }

std::vector<Point> PlantModel::sample(int64_t tsMs) {
  std::vector<Point> out;
  out.reserve(pointsPerSample());
  sampleInto(tsMs, out);
  return out;
}

void PlantModel::sampleInto(int64_t tsMs, std::vector<Point>& out) {
  Impl& m = *impl_;
  double dtS = 0;
  if (m.started && tsMs > m.lastTsMs) dtS = std::min(3600.0, static_cast<double>(tsMs - m.lastTsMs) / 1000.0);
  if (!m.started || tsMs > m.lastTsMs) m.lastTsMs = tsMs;
  m.started = true;
  const sim::SunPosition sun = sim::sunPosition(tsMs, m.plant.latitude, m.plant.longitude);
  const sim::ActiveFaults faults = m.faults.at(tsMs, m.topo);
  sim::Emitter emit(m.plant, faults, tsMs, out);
  m.model->step(tsMs, dtS, sun, faults, emit);
}

void PlantModel::injectFault(Fault fault) {
  size_t idx = impl_->topo.indexOf(fault.assetId);
  if (idx == sim::kNoParent) fail(Error::validation("assetId", "INVALID_VALUE", "unknown asset '" + fault.assetId + "'"));
  if (fault.endMs <= fault.startMs) fail(Error::validation("endMs", "INVALID_VALUE", "endMs must be after startMs"));
  if (!(fault.severity >= 0 && fault.severity <= 1)) {
    fail(Error::validation("severity", "INVALID_VALUE", "severity must be within 0..1"));
  }
  const AssetKind kind = impl_->plant.assets[idx].kind;
  if (!faultFits(fault.type, kind)) {
    fail(Error::validation("type", "INVALID_VALUE",
                           std::string(toString(fault.type)) + " does not apply to a " + std::string(toString(kind))));
  }
  impl_->faults.add(std::move(fault), idx);
}

void PlantModel::clearFaults() { impl_->faults.clear(); }

size_t PlantModel::pointsPerSample() const { return impl_->model->pointsPerSample(); }

}  // namespace dcmms::telemetry
