#include "telemetry/mqtt/publisher.h"

#include <mosquitto.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <string>
#include <unordered_set>

#include "core/log.h"

namespace dcmms::telemetry {

struct MqttPublisher::Impl {
  explicit Impl(MqttPublisherOptions o) : opts(std::move(o)) {}

  MqttPublisherOptions opts;
  mqtt::MosquittoLib lib;
  mqtt::MosquittoPtr mosq;
  std::unique_ptr<mqtt::InitialConnector> connector;
  mutable std::mutex mu;
  std::condition_variable cv;
  bool isConnected = false;
  std::unordered_set<int> pending;  // QoS>0 ids published, not yet acknowledged
  uint64_t acked = 0;               // QoS>0 messages acknowledged

  static Impl& self(void* userdata) { return *static_cast<Impl*>(userdata); }

  static void onConnect(mosquitto*, void* ud, int rc) {
    Impl& s = self(ud);
    if (rc != 0) log::warn("mqtt publisher connect refused", {{"reason", mosquitto_connack_string(rc)}});
    std::lock_guard lock(s.mu);
    s.isConnected = rc == 0;
    s.cv.notify_all();
  }
  static void onDisconnect(mosquitto*, void* ud, int) {
    Impl& s = self(ud);
    std::lock_guard lock(s.mu);
    s.isConnected = false;
    s.cv.notify_all();
  }
  static void onPublish(mosquitto*, void* ud, int mid) {
    Impl& s = self(ud);
    std::lock_guard lock(s.mu);
    if (s.pending.erase(mid) > 0) ++s.acked;
    s.cv.notify_all();
  }
};

MqttPublisher::MqttPublisher(MqttPublisherOptions opts) : impl_(std::make_unique<Impl>(std::move(opts))) {
  Impl& s = *impl_;
  s.mosq = mqtt::newClient(s.opts, true, &s);
  mosquitto_int_option(s.mosq.get(), MOSQ_OPT_SEND_MAXIMUM, std::clamp(s.opts.sendMaximum, 1, 65535));
  mosquitto_connect_callback_set(s.mosq.get(), &Impl::onConnect);
  mosquitto_disconnect_callback_set(s.mosq.get(), &Impl::onDisconnect);
  mosquitto_publish_callback_set(s.mosq.get(), &Impl::onPublish);
  int rc = mosquitto_loop_start(s.mosq.get());
  if (rc != MOSQ_ERR_SUCCESS) fail(Error::internal("MQTT loop start: " + mqtt::errorText(rc)));
  s.connector = std::make_unique<mqtt::InitialConnector>(s.mosq.get(), s.opts, "publisher");
}

MqttPublisher::~MqttPublisher() {
  impl_->connector.reset();
  mosquitto_disconnect(impl_->mosq.get());
  mosquitto_loop_stop(impl_->mosq.get(), false);
}

bool MqttPublisher::waitConnected(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mu);
  return impl_->cv.wait_for(lock, timeout, [&] { return impl_->isConnected; });
}

bool MqttPublisher::connected() const {
  std::lock_guard lock(impl_->mu);
  return impl_->isConnected;
}

Result<int> MqttPublisher::publish(std::string_view topic, std::string_view payload, int qos, bool retain,
                                   std::chrono::milliseconds timeout) {
  Impl& s = *impl_;
  const std::string t(topic);
  // The lock is held across mosquitto_publish so the acknowledgement callback (which takes it
  // too) always finds the id registered. libmosquitto's loop thread holds none of the locks
  // mosquitto_publish needs while it runs callbacks.
  std::unique_lock lock(s.mu);
  if (qos > 0 && !s.cv.wait_for(lock, timeout, [&] { return s.pending.size() < s.opts.maxOutstanding; })) {
    return Error{503, "MQTT_UNAVAILABLE", "MQTT broker did not acknowledge messages in time", {}};
  }
  int mid = 0;
  int rc = mosquitto_publish(s.mosq.get(), &mid, t.c_str(), static_cast<int>(payload.size()), payload.data(), qos, retain);
  // For QoS>0 a message published while disconnected stays queued and is sent on reconnect.
  const bool queued = rc == MOSQ_ERR_SUCCESS || (qos > 0 && rc == MOSQ_ERR_NO_CONN);
  if (!queued) {
    int status = rc == MOSQ_ERR_INVAL || rc == MOSQ_ERR_MALFORMED_UTF8 || rc == MOSQ_ERR_PAYLOAD_SIZE ? 400 : 503;
    return Error{status, status == 400 ? "VALIDATION_ERROR" : "MQTT_UNAVAILABLE", "MQTT publish: " + mqtt::errorText(rc), {}};
  }
  if (qos > 0) s.pending.insert(mid);
  return mid;
}

bool MqttPublisher::waitForAcks(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mu);
  return impl_->cv.wait_for(lock, timeout, [&] { return impl_->pending.empty(); });
}

size_t MqttPublisher::outstanding() const {
  std::lock_guard lock(impl_->mu);
  return impl_->pending.size();
}

uint64_t MqttPublisher::acknowledged() const {
  std::lock_guard lock(impl_->mu);
  return impl_->acked;
}

}  // namespace dcmms::telemetry
