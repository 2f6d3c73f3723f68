// Small pieces shared by the HTTP and MQTT load clients of bench/tsdb.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "telemetry/sim/encoders.h"

namespace dcmms::bench {

struct Asset {
  std::string site, asset;
};

// Lines "siteId assetId"; throws when the file holds none.
std::vector<Asset> readAssets(const std::string& path);
// Number text as the simulator's encoders write it.
using telemetry::appendDecimal;
using telemetry::appendInt;

// Blocking loopback HTTP/1.1: enough for a load client that sends prepared requests.
int connectTo(const std::string& host, int port);
void sendAll(int fd, const std::string& data);
// Reads one response (headers + Content-Length body); returns the status code.
int readResponse(int fd, std::string& buf, std::string& body);
// The store's point count from GET /api/v1/telemetry/stats.
int64_t storedPoints(const std::string& host, int port, const std::string& apiKey, const std::string& assetId);

}  // namespace dcmms::bench
