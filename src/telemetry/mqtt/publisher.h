// MQTT publisher over libmosquitto's threaded loop: connects in the background, reconnects with
// exponential backoff, and bounds the messages awaiting acknowledgement (publish() blocks when
// the bound is reached instead of growing memory without limit). QoS 1 messages queued while
// disconnected are sent after reconnecting (at-least-once).
// Thread safety: publish() may be called from several threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>

#include "core/error.h"
#include "telemetry/mqtt/mosquitto_lib.h"

namespace dcmms::telemetry {

struct MqttPublisherOptions : mqtt::MqttClientOptions {
  size_t maxOutstanding = 1000;  // QoS>0 messages not yet acknowledged by the broker
  int sendMaximum = 100;         // messages in flight on the wire (libmosquitto inflight window)
};

class MqttPublisher {
 public:
  // Starts connecting in the background. Throws ApiException (500) on invalid options.
  explicit MqttPublisher(MqttPublisherOptions opts);
  ~MqttPublisher();
  MqttPublisher(const MqttPublisher&) = delete;
  MqttPublisher& operator=(const MqttPublisher&) = delete;

  bool waitConnected(std::chrono::milliseconds timeout);
  bool connected() const;

  // Queues one message and returns its message id. Blocks while maxOutstanding messages await
  // acknowledgement; fails with 503 MQTT_UNAVAILABLE after timeout, or 400 on a bad topic.
  Result<int> publish(std::string_view topic, std::string_view payload, int qos = 1, bool retain = false,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Waits until every QoS>0 message published so far is acknowledged.
  bool waitForAcks(std::chrono::milliseconds timeout);
  size_t outstanding() const;
  uint64_t acknowledged() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dcmms::telemetry
