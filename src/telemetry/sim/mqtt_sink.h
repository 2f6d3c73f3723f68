// Sink that publishes points as multi-metric MQTT messages (QoS 1) on
// telemetry/{siteId}/{assetId}/{sensorType}.
#pragma once

#include <chrono>
#include <memory>

#include "telemetry/mqtt/publisher.h"
#include "telemetry/sim/sink.h"

namespace dcmms::telemetry {

class MqttSink final : public Sink {
 public:
  explicit MqttSink(MqttPublisherOptions opts, std::chrono::milliseconds ackTimeout = std::chrono::seconds(30));
  Result<size_t> send(std::span<const Point> points) override;
  // Waits for every message to be acknowledged by the broker.
  Result<size_t> flush() override;
  std::string describe() const override;
  MqttPublisher& publisher() { return *publisher_; }

 private:
  std::string endpoint_;
  std::chrono::milliseconds ackTimeout_;
  std::unique_ptr<MqttPublisher> publisher_;
};

}  // namespace dcmms::telemetry
