// Entry point of `dcmms simulate`: builds the plants (a JSON spec file or the built-in demo
// portfolio), the sink (HTTP line protocol / JSON, or MQTT) and runs the Simulator, printing
// what it does and the achieved rate.
#pragma once

#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "telemetry/sim/fault.h"
#include "telemetry/sim/plant.h"

namespace dcmms::telemetry {

struct SimulateOptions {
  std::string format = "lp";   // lp | json | mqtt
  // HTTP target for lp/json. A bare base URL (no path) gets /api/v1/write?precision=<p> (lp)
  // or /api/v1/telemetry (json) appended.
  std::string url = "http://127.0.0.1:8080";
  std::string apiKey;          // X-API-Key
  bool gzip = false;
  std::string precision = "ms";  // lp timestamps: ms | ns
  std::string mqttHost = "127.0.0.1";
  int mqttPort = 1883;
  std::string mqttUsername;
  std::string mqttPassword;

  double rate = 0;             // points/s; 0 = real time (1 Hz per sensor); < 0 = unlimited
  double timeScale = 1;        // real-time mode acceleration (60 = one simulated minute per second)
  double durationS = 0;        // wall-clock bound; 0 = none
  uint64_t maxPoints = 0;      // 0 = none
  int64_t startMs = 0;         // simulated start; 0 = now
  size_t batchPoints = 5000;
  uint64_t seed = 1;

  std::string plantSpecPath;   // JSON plants (see sim/README.md); empty = demo portfolio
  std::string solarSiteId = "SITE-SOLAR-01";
  std::string windSiteId = "SITE-WIND-01";
  std::string batterySiteId = "SITE-BESS-01";
  // "[siteId/]assetId:type:startOffsetS:durationS[:severity]", offsets from the simulated start.
  std::vector<std::string> faults;
  bool printPlants = false;    // print the plants as JSON and exit (for seeding the demo data)
  const std::atomic<bool>* cancel = nullptr;
};

// Exit codes: 0 done, 1 the sink failed, 2 invalid options.
int runSimulateCommand(const SimulateOptions& opts);
int runSimulateCommand(const SimulateOptions& opts, std::ostream& out, std::ostream& err);

// The built-in demo portfolio: demoSolarPlant, demoWindFarm and demoBattery with the given ids.
std::vector<SimPlant> demoPortfolio(const std::string& solarSiteId, const std::string& windSiteId,
                                    const std::string& batterySiteId);

struct FaultSpec {
  std::string siteId;  // empty: the plant that has the asset
  Fault fault;
};
// Parses "[siteId/]assetId:type:startOffsetS:durationS[:severity]" relative to startMs.
std::optional<FaultSpec> parseFaultSpec(const std::string& text, int64_t startMs);

}  // namespace dcmms::telemetry
