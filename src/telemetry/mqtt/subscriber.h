// MQTT subscriber for device telemetry over libmosquitto's threaded loop.
// - Subscribes to `telemetry/+/+/+` (QoS 1) on every (re)connect; with a sharedGroup it
//   subscribes `$share/<group>/<filter>` over MQTT 5 so several dCMMS nodes split the load.
// - Reconnects with exponential backoff (reconnectMinS..reconnectMaxS).
// - Flow control: messages pass through a bounded queue to a dispatcher thread that calls the
//   handler. When the queue is full the network thread waits, so the client stops reading and
//   acknowledging and the broker holds further messages (MQTT 5: at most receiveMaximum
//   unacknowledged in flight). Nothing is dropped while running; messages still queued at
//   destruction are delivered before the destructor returns.
// Handlers run on the dispatcher thread in arrival order. A batch handler gets everything that
// queued while it last ran (one message when idle, up to maxQueued under load), so a store write
// per batch amortises its fsync without waiting for a batch to fill.
// libmosquitto acknowledges a QoS 1 message when it has read it, before the handler runs: a crash
// loses what is queued (at most maxQueued messages); devices that cannot lose data go through the
// edge gateway, whose store-and-forward replays after an outage.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <span>
#include <string_view>

#include "telemetry/mqtt/message.h"
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
using MqttBatchHandler = std::function<void(std::span<const MqttMessage> batch)>;

class MqttSubscriber {
 public:
  // Starts connecting in the background. Throws ApiException (400/500) on invalid options.
  MqttSubscriber(MqttSubscriberOptions opts, MqttMessageHandler handler);
  MqttSubscriber(MqttSubscriberOptions opts, MqttBatchHandler handler);
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
    uint64_t delivered = 0;  // messages handed to the handler
    uint64_t connects = 0;   // successful connections (1 + reconnects)
    uint64_t handlerErrors = 0;  // messages whose handler call threw
    size_t queued = 0;
  };
  Stats stats() const;

 private:
  MqttSubscriber(MqttSubscriberOptions opts, std::function<uint64_t(std::span<const MqttMessage>)> deliver, int);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dcmms::telemetry
