#pragma once

#include <cstdint>
#include <string>

namespace dcmms::bench {

struct LpLoadOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string apiKey;
  std::string assetsFile;  // lines "siteId assetId": series s belongs to line s % count
  int series = 1000;
  int points = 14'400;
  int linesPerRequest = 10'000;
  int connections = 4;
  int64_t t0Ms = 0;  // timestamp of the first point (epoch ms)
};

// Posts the reference workload to POST /api/v1/write as line protocol (precision=ms) over
// `connections` keep-alive connections; the bodies are encoded before the clock starts, so the
// timed section is the server's (plus loopback). Prints one JSON object; returns non-zero if any
// request failed.
int runLpLoad(const LpLoadOptions& o);

struct MqttLoadOptions {
  std::string host = "127.0.0.1";
  int mqttPort = 0;
  int httpPort = 0;  // the server, to read its stored point count
  std::string apiKey;
  std::string assetsFile;
  int series = 1000;
  int points = 3'600;
  int pointsPerMessage = 100;  // one series' consecutive seconds per message (a device's buffer)
  int64_t t0Ms = 0;
};

// Publishes the reference workload (QoS 1) to telemetry/{site}/{asset}/random_walk as JSON arrays
// of {sensor_id, timestamp, value}, then waits until the server has stored every point. The
// figure is points stored per second from the first publish. Prints one JSON object.
int runMqttLoad(const MqttLoadOptions& o);

// The same rows as ClickHouse TabSeparated text (series, ts, value, quality, flags) on stdout.
int writeTsv(int series, int points);

}  // namespace dcmms::bench
