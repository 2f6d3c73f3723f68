// Server configuration from a JSON file, then DCMMS_* environment variables, then flags
// (each later source overrides the earlier).
#pragma once

#include <string>

namespace dcmms::app {

struct Config {
  std::string dataDir = "./data";
  std::string listen = "127.0.0.1:8080";
  std::string db;  // "" = SQLite in the data dir, or postgresql://...
  int threads = 0;
  bool testClock = false;
  bool rateLimits = true;
  std::string portFile;
  std::string logLevel = "info";
  bool tsdbFastMode = false;
  std::string telemetryStore;  // "" embedded; clickhouse://host:port/db
  std::string mqttHost;
  int mqttPort = 1883;
  std::string mqttSharedGroup;
  double maxAgeHours = 0;       // 0: default (7 days)
  double maxFutureMinutes = 0;  // 0: default (60 min)
  // Optional deadband (off while both are 0): a good point within windowSeconds of the last kept
  // point of its series is dropped when it moved less than max(percent % of it, absolute).
  double deadbandPercent = 0;
  double deadbandAbsolute = 0;
  double deadbandWindowSeconds = 60;
  double ingestMemoryMb = 512;  // bytes held by ingest requests in flight; beyond it 503
};

// Applies a JSON config file (keys as the struct's members) — throws on unknown keys.
void applyConfigFile(Config& c, const std::string& path);
void applyEnvironment(Config& c);
// "host:port" → parts; throws std::invalid_argument.
std::pair<std::string, uint16_t> splitListen(const std::string& listen);

}  // namespace dcmms::app
