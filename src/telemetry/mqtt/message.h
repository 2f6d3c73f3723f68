#pragma once

#include <string>

namespace dcmms::telemetry {

// One MQTT message as the subscriber hands it on.
struct MqttMessage {
  std::string topic;
  std::string payload;
};

}  // namespace dcmms::telemetry
