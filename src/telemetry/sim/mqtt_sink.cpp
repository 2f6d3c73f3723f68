#include "telemetry/sim/mqtt_sink.h"

#include "telemetry/sim/encoders.h"

namespace dcmms::telemetry {

MqttSink::MqttSink(MqttPublisherOptions opts, std::chrono::milliseconds ackTimeout)
    : endpoint_(opts.host + ":" + std::to_string(opts.port)),
      ackTimeout_(ackTimeout),
      publisher_(std::make_unique<MqttPublisher>(std::move(opts))) {}

Result<size_t> MqttSink::send(std::span<const Point> points) {
  size_t bytes = 0;
  for (const MqttMessage& m : encodeMqttMessages(points)) {
    auto r = publisher_->publish(m.topic, m.payload, 1, false, ackTimeout_);
    if (!r.ok()) return r.error();
    bytes += m.topic.size() + m.payload.size();
  }
  return bytes;
}

Result<size_t> MqttSink::flush() {
  if (!publisher_->waitForAcks(ackTimeout_)) {
    return Error{503, "MQTT_UNAVAILABLE",
                 std::to_string(publisher_->outstanding()) + " MQTT messages not acknowledged by " + endpoint_, {}};
  }
  return size_t{0};
}

std::string MqttSink::describe() const { return "MQTT " + endpoint_ + " (telemetry/{site}/{asset}/{sensor}, QoS 1)"; }

}  // namespace dcmms::telemetry
