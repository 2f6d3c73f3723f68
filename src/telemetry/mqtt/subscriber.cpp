#include "telemetry/mqtt/subscriber.h"

#include <mosquitto.h>

#include <algorithm>
#include <condition_variable>
#include <vector>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "core/log.h"

namespace dcmms::telemetry {

namespace {
// Delivers a batch; returns how many of its messages failed.
using Deliver = std::function<uint64_t(std::span<const MqttMessage>)>;

Deliver perMessage(MqttMessageHandler h) {
  if (!h) return nullptr;
  return [h = std::move(h)](std::span<const MqttMessage> batch) {
    uint64_t errors = 0;
    for (const MqttMessage& m : batch) {
      try {
        h(m.topic, m.payload);
      } catch (const std::exception& e) {
        ++errors;
        log::error("mqtt message handler failed", {{"topic", m.topic}, {"error", e.what()}});
      }
    }
    return errors;
  };
}

Deliver wholeBatch(MqttBatchHandler h) {
  if (!h) return nullptr;
  return [h = std::move(h)](std::span<const MqttMessage> batch) -> uint64_t {
    try {
      h(batch);
      return 0;
    } catch (const std::exception& e) {
      log::error("mqtt batch handler failed", {{"messages", std::to_string(batch.size())}, {"error", e.what()}});
      return batch.size();
    }
  };
}
}  // namespace

struct MqttSubscriber::Impl {
  Impl(MqttSubscriberOptions o, Deliver d) : opts(std::move(o)), handler(std::move(d)) {}

  MqttSubscriberOptions opts;
  Deliver handler;
  std::string filter;
  mqtt::MosquittoLib lib;
  mqtt::MosquittoPtr mosq;
  std::unique_ptr<mqtt::InitialConnector> connector;

  mutable std::mutex mu;
  std::condition_variable spaceCv;  // network thread waits for queue space
  std::condition_variable workCv;   // dispatcher waits for messages
  std::condition_variable stateCv;  // waitSubscribed
  std::vector<MqttMessage> queue;
  bool networkStopping = false;     // unblocks a network thread waiting for space
  bool dispatcherStopping = false;
  bool isSubscribed = false;
  int subscribeMid = -1;
  Stats counters;
  std::thread dispatcher;

  static Impl& self(void* ud) { return *static_cast<Impl*>(ud); }

  static void onConnect(mosquitto* m, void* ud, int rc) {
    Impl& s = self(ud);
    if (rc != 0) {
      log::warn("mqtt subscriber connect refused", {{"reason", mosquitto_connack_string(rc)}});
      return;
    }
    int mid = 0;
    int src = mosquitto_subscribe(m, &mid, s.filter.c_str(), s.opts.qos);
    std::lock_guard lock(s.mu);
    ++s.counters.connects;
    s.subscribeMid = mid;
    if (src != MOSQ_ERR_SUCCESS) {
      log::error("mqtt subscribe failed", {{"filter", s.filter}, {"error", mqtt::errorText(src)}});
    }
  }

  static void onSubscribe(mosquitto*, void* ud, int mid, int count, const int* granted) {
    Impl& s = self(ud);
    const bool ok = count > 0 && granted[0] >= 0 && granted[0] <= 2;
    if (!ok) log::error("mqtt subscription rejected by broker", {{"filter", s.filter}});
    std::lock_guard lock(s.mu);
    if (mid == s.subscribeMid) s.isSubscribed = ok;
    s.stateCv.notify_all();
  }

  static void onDisconnect(mosquitto*, void* ud, int rc) {
    Impl& s = self(ud);
    if (rc != 0) log::warn("mqtt subscriber disconnected; reconnecting", {{"rc", std::to_string(rc)}});
    std::lock_guard lock(s.mu);
    s.isSubscribed = false;
    s.stateCv.notify_all();
  }

  static void onMessage(mosquitto*, void* ud, const mosquitto_message* msg) {
    Impl& s = self(ud);
    std::unique_lock lock(s.mu);
    // Back-pressure: hold the network thread until the dispatcher makes room.
    s.spaceCv.wait(lock, [&] { return s.queue.size() < s.opts.maxQueued || s.networkStopping; });
    if (s.networkStopping && s.queue.size() >= s.opts.maxQueued) return;
    s.queue.push_back(MqttMessage{msg->topic ? msg->topic : "",
                                  std::string(static_cast<const char*>(msg->payload), static_cast<size_t>(msg->payloadlen))});
    ++s.counters.received;
    if (s.queue.size() == 1) s.workCv.notify_one();  // a busy dispatcher takes the rest when done
  }

  void dispatch() {
    std::vector<MqttMessage> batch;
    for (;;) {
      {
        std::unique_lock lock(mu);
        workCv.wait(lock, [&] { return !queue.empty() || dispatcherStopping; });
        if (queue.empty()) return;  // stopping and drained
        batch.swap(queue);
        spaceCv.notify_all();
      }
      const uint64_t errors = handler(batch);
      std::lock_guard lock(mu);
      counters.delivered += batch.size();
      counters.handlerErrors += errors;
      batch.clear();
    }
  }
};

MqttSubscriber::MqttSubscriber(MqttSubscriberOptions opts, MqttMessageHandler handler)
    : MqttSubscriber(std::move(opts), perMessage(std::move(handler)), 0) {}

MqttSubscriber::MqttSubscriber(MqttSubscriberOptions opts, MqttBatchHandler handler)
    : MqttSubscriber(std::move(opts), wholeBatch(std::move(handler)), 0) {}

MqttSubscriber::MqttSubscriber(MqttSubscriberOptions opts, std::function<uint64_t(std::span<const MqttMessage>)> deliver, int)
    : impl_(std::make_unique<Impl>(std::move(opts), std::move(deliver))) {
  Impl& s = *impl_;
  if (!s.handler) fail(Error::validation("handler", "INVALID_VALUE", "a message handler is required"));
  if (s.opts.qos < 0 || s.opts.qos > 2) fail(Error::validation("qos", "INVALID_VALUE", "qos must be 0, 1 or 2"));
  if (s.opts.maxQueued == 0) s.opts.maxQueued = 1;
  if (!s.opts.sharedGroup.empty()) {
    if (s.opts.sharedGroup.find_first_of("/+#") != std::string::npos) {
      fail(Error::validation("sharedGroup", "INVALID_VALUE", "shared group must not contain '/', '+' or '#'"));
    }
    s.opts.mqtt5 = true;
    s.filter = "$share/" + s.opts.sharedGroup + "/" + s.opts.topicFilter;
  } else {
    s.filter = s.opts.topicFilter;
  }
  if (mosquitto_sub_topic_check(s.filter.c_str()) != MOSQ_ERR_SUCCESS) {
    fail(Error::validation("topicFilter", "INVALID_VALUE", "invalid MQTT topic filter '" + s.filter + "'"));
  }
  if (!s.opts.cleanSession && s.opts.clientId.empty()) {
    fail(Error::validation("clientId", "INVALID_VALUE", "a persistent session needs a fixed clientId"));
  }
  s.mosq = mqtt::newClient(s.opts, s.opts.cleanSession, &s);
  if (s.opts.mqtt5) mosquitto_int_option(s.mosq.get(), MOSQ_OPT_RECEIVE_MAXIMUM, std::clamp(s.opts.receiveMaximum, 1, 65535));
  mosquitto_connect_callback_set(s.mosq.get(), &Impl::onConnect);
  mosquitto_disconnect_callback_set(s.mosq.get(), &Impl::onDisconnect);
  mosquitto_subscribe_callback_set(s.mosq.get(), &Impl::onSubscribe);
  mosquitto_message_callback_set(s.mosq.get(), &Impl::onMessage);
  s.dispatcher = std::thread([&s] { s.dispatch(); });
  int rc = mosquitto_loop_start(s.mosq.get());
  if (rc != MOSQ_ERR_SUCCESS) {
    {
      std::lock_guard lock(s.mu);
      s.dispatcherStopping = true;
      s.workCv.notify_all();
    }
    s.dispatcher.join();
    fail(Error::internal("MQTT loop start: " + mqtt::errorText(rc)));
  }
  s.connector = std::make_unique<mqtt::InitialConnector>(s.mosq.get(), s.opts, "subscriber");
}

MqttSubscriber::~MqttSubscriber() {
  Impl& s = *impl_;
  // Stop the network side first; the dispatcher keeps draining, so a network thread waiting
  // for queue space gets it and can see the disconnect.
  s.connector.reset();
  mosquitto_disconnect(s.mosq.get());
  mosquitto_loop_stop(s.mosq.get(), false);
  {
    std::lock_guard lock(s.mu);
    s.networkStopping = true;
    s.dispatcherStopping = true;
    s.spaceCv.notify_all();
    s.workCv.notify_all();
  }
  s.dispatcher.join();
}

bool MqttSubscriber::waitSubscribed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mu);
  return impl_->stateCv.wait_for(lock, timeout, [&] { return impl_->isSubscribed; });
}

bool MqttSubscriber::subscribed() const {
  std::lock_guard lock(impl_->mu);
  return impl_->isSubscribed;
}

const std::string& MqttSubscriber::subscription() const { return impl_->filter; }

MqttSubscriber::Stats MqttSubscriber::stats() const {
  std::lock_guard lock(impl_->mu);
  Stats s = impl_->counters;
  s.queued = impl_->queue.size();
  return s;
}

}  // namespace dcmms::telemetry
