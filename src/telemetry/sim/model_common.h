// Internals shared by the solar, wind and battery models: plant topology, the fault book,
// site climate and the point emitter.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "telemetry/point.h"
#include "telemetry/sim/fault.h"
#include "telemetry/sim/plant.h"
#include "telemetry/sim/processes.h"
#include "telemetry/sim/rng.h"
#include "telemetry/sim/sun.h"

namespace dcmms::telemetry::sim {

constexpr size_t kNoParent = static_cast<size_t>(-1);

struct Topology {
  explicit Topology(const SimPlant& plant);
  size_t indexOf(const std::string& assetId) const;  // kNoParent when unknown
  std::vector<size_t> parent;                        // per asset
  std::vector<std::vector<size_t>> children;         // per asset
  std::unordered_map<std::string, size_t> byId;
};

// Per-asset fault effects at one instant, already propagated down the electrical tree.
struct ActiveFaults {
  std::vector<double> overTempC;    // added to the asset's equipment temperatures
  std::vector<double> soilingLoss;  // fraction of PV output lost
  std::vector<double> yawOffsetDeg;
  std::vector<uint8_t> outage;      // 1 = string current forced to 0
  std::vector<uint8_t> silent;      // 1 = comm loss, emit nothing
};

class FaultBook {
 public:
  void add(Fault f, size_t assetIndex);
  void clear();
  ActiveFaults at(int64_t tsMs, const Topology& topo) const;

 private:
  mutable std::mutex mu_;
  std::vector<std::pair<Fault, size_t>> faults_;
};

// Ambient temperature, grid frequency and voltage shared by the assets of one site.
class Climate {
 public:
  Climate(double latitude, double gridHz) : latitude_(latitude), gridHz_(gridHz) {}
  void init(Rng& rng);
  void step(Rng& rng, double dtS, const SunPosition& sun);
  double ambientC() const { return ambientC_; }
  double meanC() const { return meanC_; }
  double gridHz() const { return hz_; }
  double voltagePu() const { return vpu_; }

 private:
  double latitude_;
  double gridHz_;
  Ar1 weather_{3 * 3600.0};
  Ar1 freq_{30.0};
  Ar1 volt_{300.0};
  double ambientC_ = 20, meanC_ = 20, hz_ = 50, vpu_ = 1;
};

// Builds the points of one sample, dropping those of silenced assets.
class Emitter {
 public:
  Emitter(const SimPlant& plant, const ActiveFaults& faults, int64_t tsMs, std::vector<Point>& out)
      : plant_(plant), faults_(faults), ts_(tsMs), out_(out) {}
  void operator()(size_t asset, std::string_view sensor, std::string_view metric, double value,
                  std::string_view unit, int decimals = 2);
  size_t emitted() const { return emitted_; }

 private:
  const SimPlant& plant_;
  const ActiveFaults& faults_;
  int64_t ts_;
  std::vector<Point>& out_;
  size_t emitted_ = 0;
};

// Local mean solar day number: energy counters reset at local midnight.
inline int64_t localDay(int64_t tsMs, double longitude) {
  int64_t local = tsMs + static_cast<int64_t>(longitude * 240000.0);
  return local >= 0 ? local / 86400000 : (local - 86399999) / 86400000;
}

// One kind of plant (solar, wind, battery) stepping its state and emitting its points.
class KindModel {
 public:
  virtual ~KindModel() = default;
  virtual void step(int64_t tsMs, double dtS, const SunPosition& sun, const ActiveFaults& faults,
                    Emitter& emit) = 0;
  virtual size_t pointsPerSample() const = 0;
};

namespace units {
inline constexpr std::string_view kW = "kW";
inline constexpr std::string_view kvar = "kvar";
inline constexpr std::string_view kWh = "kWh";
inline constexpr std::string_view V = "V";
inline constexpr std::string_view A = "A";
inline constexpr std::string_view Hz = "Hz";
inline constexpr std::string_view pct = "%";
inline constexpr std::string_view degC = "°C";
inline constexpr std::string_view wm2 = "W/m²";
inline constexpr std::string_view ms = "m/s";
inline constexpr std::string_view deg = "deg";
inline constexpr std::string_view rpm = "rpm";
}  // namespace units

}  // namespace dcmms::telemetry::sim
