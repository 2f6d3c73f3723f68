// MQTT subscriber for device telemetry over libmosquitto's threaded loop.
// - Subscribes to `telemetry/+/+/+` (QoS 1) on every (re)connect; with a sharedGroup it
//   subscribes `$share/<group>/<filter>` over MQTT 5 so several dCMMS nodes split the load.
// - Reconnects with exponential backoff (reconnectMinS..reconnectMaxS).
// - Flow control: messages pass through a bounded queue to a dispatcher thread that calls the
//   handler. When the queue is full the network thread waits, so the client stops reading and
//   acknowledging and the broker holds further messages (MQTT 5: at most receiveMaximum
//   unacknowledged in flight). Nothing is dropped while running; messages still queued at
//   destruction are delivered before the destructor returns.
// The handler runs on the dispatcher thread, one message at a time, in arrival order.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "telemetry/mqtt/mosquitto_lib.h"

namespace dcmms::telemetry {

struct MqttSubscriberOptions : mqtt::MqttClientOptions {
  std::string topicFilter = "telemetry/+/+/+";
  int qos = 1;
  std::string sharedGroup;    // non-empty: shared subscription, forces MQTT 5
  size_t maxQueued = 10000;   // bound of the queue between network and dispatcher threads
  int receiveMaximum = 100;   // MQTT 5 receive maximum
  bool cleanSession = true;   // false keeps the broker session (MQTT 3.1.1; needs a clientId)
};

using MqttMessageHandler = std::function<void(std::string_view topic, std::string_view payload)>;

class MqttSubscriber {
 public:
  // Starts connecting in the background. Throws ApiException (400/500) on invalid options.
  MqttSubscriber(MqttSubscriberOptions opts, MqttMessageHandler handler);
  ~MqttSubscriber();
  MqttSubscriber(const MqttSubscriber&) = delete;
  MqttSubscriber& operator=(const MqttSubscriber&) = delete;

  // True once the broker acknowledged the subscription on the current connection.
  bool waitSubscribed(std::chrono::milliseconds timeout);
  bool subscribed() const;

  // The filter actually subscribed, e.g. "$share/ingest/telemetry/+/+/+".
  const std::string& subscription() const;

  struct Stats {
    uint64_t received = 0;   // messages taken from the network
    uint64_t delivered = 0;  // handler calls completed
    uint64_t connects = 0;   // successful connections (1 + reconnects)
    uint64_t handlerErrors = 0;
    size_t queued = 0;
  };
  Stats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dcmms::telemetry
