#include "solar_day.h"

#include <stdexcept>

#include "telemetry/sim/plant.h"
#include "telemetry/sim/plant_model.h"
#include "workload.h"

namespace dcmms::bench {

struct SolarDay::Model {
  telemetry::PlantModel plant;
};

SolarDay::SolarDay(int inverters, uint64_t seed) : nextMs_(kT0) {
  telemetry::SolarLayout layout;
  layout.inverters = inverters;
  model_ = std::make_unique<Model>(Model{telemetry::PlantModel(telemetry::demoSolarPlant("SOLAR-BENCH", layout), seed)});
  // The first sample fixes the series order; later samples list the same points in that order.
  model_->plant.sampleInto(nextMs_, sample_);
  for (auto& p : sample_) {
    keys_.push_back(p.key);
    units_.push_back(p.unit);
  }
}

SolarDay::~SolarDay() = default;

std::vector<double> SolarDay::next(int points) {
  const size_t n = keys_.size();
  std::vector<double> block(n * static_cast<size_t>(points));
  for (int t = 0; t < points; ++t) {
    if (sample_.empty() || sample_.front().timestampMs != nextMs_) {
      sample_.clear();
      model_->plant.sampleInto(nextMs_, sample_);
    }
    if (sample_.size() != n) throw std::runtime_error("solar sample changed shape");
    for (size_t s = 0; s < n; ++s) block[static_cast<size_t>(t) * n + s] = sample_[s].value;
    sample_.clear();
    nextMs_ += 1000;
  }
  return block;
}

}  // namespace dcmms::bench
