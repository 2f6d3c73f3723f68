#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "load_util.h"
#include "lp_load.h"
#include "telemetry/mqtt/publisher.h"
#include "workload.h"

namespace dcmms::bench {
namespace {

using Message = std::pair<std::string, std::string>;  // topic, payload

// Time-major blocks of pointsPerMessage seconds; within a block one message per series.
std::vector<Message> encodeMessages(const MqttLoadOptions& o, const std::vector<Asset>& assets) {
  std::vector<Message> out;
  RandomWalks walks(o.series);
  for (int p = 0; p < o.points; p += o.pointsPerMessage) {
    const int n = std::min(o.pointsPerMessage, o.points - p);
    const std::vector<double> v = walks.next(n);
    for (int s = 0; s < o.series; ++s) {
      const Asset& a = assets[static_cast<size_t>(s) % assets.size()];
      std::string payload = "[";
      const std::string sensor = "{\"sensor_id\":\"rw" + std::to_string(s) + "\",\"timestamp\":";
      for (int t = 0; t < n; ++t) {
        if (t) payload += ',';
        payload += sensor;
        appendInt(payload, o.t0Ms + int64_t{p + t} * 1000);
        payload += ",\"value\":";
        appendDecimal(payload, v[static_cast<size_t>(t) * o.series + s]);
        payload += '}';
      }
      payload += ']';
      out.emplace_back("telemetry/" + a.site + "/" + a.asset + "/random_walk", std::move(payload));
    }
  }
  return out;
}

}  // namespace

int runMqttLoad(const MqttLoadOptions& o) {
  const auto assets = readAssets(o.assetsFile);
  const auto messages = encodeMessages(o, assets);
  size_t bytes = 0;
  for (const auto& m : messages) bytes += m.second.size();
  const int64_t before = storedPoints(o.host, o.httpPort, o.apiKey, assets[0].asset);
  const int64_t expected = int64_t{o.series} * o.points;

  telemetry::MqttPublisherOptions po;
  po.host = o.host;
  po.port = o.mqttPort;
  po.clientId = "tsdb-bench-mqtt-load";
  po.maxOutstanding = 2000;
  po.sendMaximum = 1000;
  telemetry::MqttPublisher pub(po);
  if (!pub.waitConnected(std::chrono::seconds(10))) throw std::runtime_error("cannot connect to the MQTT broker");

  const auto t0 = std::chrono::steady_clock::now();
  for (const auto& [topic, payload] : messages) pub.publish(topic, payload, 1).orThrow();
  if (!pub.waitForAcks(std::chrono::seconds(120))) throw std::runtime_error("broker did not acknowledge every message");
  const double publishS = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  int64_t stored = 0;
  auto last = std::chrono::steady_clock::now();
  for (int64_t previous = -1;;) {
    stored = storedPoints(o.host, o.httpPort, o.apiKey, assets[0].asset) - before;
    if (stored >= expected) break;
    if (stored != previous) last = std::chrono::steady_clock::now();
    if (std::chrono::steady_clock::now() - last > std::chrono::seconds(10)) break;  // stalled: report what arrived
    previous = stored;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("{\"points\":%lld,\"stored\":%lld,\"messages\":%zu,\"points_per_message\":%d,\"payload_bytes\":%zu,"
              "\"publish_s\":%.3f,\"seconds\":%.3f,\"points_per_s\":%.0f}\n",
              static_cast<long long>(expected), static_cast<long long>(stored), messages.size(), o.pointsPerMessage, bytes,
              publishS, seconds, static_cast<double>(stored) / seconds);
  return stored >= expected ? 0 : 1;
}

}  // namespace dcmms::bench
