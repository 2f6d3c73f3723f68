#include "app/config.h"

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace dcmms::app {

namespace json = boost::json;

void applyConfigFile(Config& c, const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument("cannot read config file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  json::value v = json::parse(ss.str());
  for (const auto& kv : v.as_object()) {
    const std::string_view k = kv.key();
    const json::value& val = kv.value();
    if (k == "dataDir") c.dataDir = val.as_string().c_str();
    else if (k == "listen") c.listen = val.as_string().c_str();
    else if (k == "db") c.db = val.as_string().c_str();
    else if (k == "threads") c.threads = static_cast<int>(val.to_number<int64_t>());
    else if (k == "testClock") c.testClock = val.as_bool();
    else if (k == "rateLimits") c.rateLimits = val.as_bool();
    else if (k == "logLevel") c.logLevel = val.as_string().c_str();
    else if (k == "tsdbFastMode") c.tsdbFastMode = val.as_bool();
    else if (k == "telemetryStore") c.telemetryStore = val.as_string().c_str();
    else if (k == "mqttHost") c.mqttHost = val.as_string().c_str();
    else if (k == "mqttPort") c.mqttPort = static_cast<int>(val.to_number<int64_t>());
    else if (k == "mqttSharedGroup") c.mqttSharedGroup = val.as_string().c_str();
    else if (k == "telemetryMaxAgeHours") c.maxAgeHours = val.to_number<double>();
    else if (k == "telemetryMaxFutureMinutes") c.maxFutureMinutes = val.to_number<double>();
    else if (k == "telemetryDeadbandPercent") c.deadbandPercent = val.to_number<double>();
    else if (k == "telemetryDeadbandAbsolute") c.deadbandAbsolute = val.to_number<double>();
    else if (k == "telemetryDeadbandWindowSeconds") c.deadbandWindowSeconds = val.to_number<double>();
    else if (k == "ingestMemoryMb") c.ingestMemoryMb = val.to_number<double>();
    else throw std::invalid_argument("unknown config key '" + std::string(k) + "' in " + path);
  }
}

void applyEnvironment(Config& c) {
  if (const char* v = std::getenv("DCMMS_DATA_DIR")) c.dataDir = v;
  if (const char* v = std::getenv("DCMMS_LISTEN")) c.listen = v;
  if (const char* v = std::getenv("DCMMS_DB")) c.db = v;
  if (const char* v = std::getenv("DCMMS_THREADS")) c.threads = std::atoi(v);
  if (const char* v = std::getenv("DCMMS_RATE_LIMITS")) c.rateLimits = std::string(v) != "off";
  if (const char* v = std::getenv("DCMMS_LOG_LEVEL")) c.logLevel = v;
  if (const char* v = std::getenv("DCMMS_MQTT_HOST")) c.mqttHost = v;
  if (const char* v = std::getenv("DCMMS_TELEMETRY_STORE")) c.telemetryStore = v;
  if (const char* v = std::getenv("DCMMS_MQTT_PORT")) c.mqttPort = std::atoi(v);
  if (const char* v = std::getenv("DCMMS_TELEMETRY_DEADBAND_PERCENT")) c.deadbandPercent = std::atof(v);
}

std::pair<std::string, uint16_t> splitListen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("--listen must be HOST:PORT");
  int port = std::stoi(listen.substr(colon + 1));
  if (port < 0 || port > 65535) throw std::invalid_argument("port out of range");
  return {listen.substr(0, colon), static_cast<uint16_t>(port)};
}

}  // namespace dcmms::app
