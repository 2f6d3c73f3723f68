#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/error.h"
#include "mosquitto_broker.h"
#include "sim_test_util.h"
#include "telemetry/mqtt/publisher.h"
#include "telemetry/mqtt/subscriber.h"
#include "telemetry/sim/encoders.h"
#include "telemetry/sim/mqtt_sink.h"
#include "telemetry/sim/plant_model.h"

namespace dcmms::telemetry {
namespace {

using namespace std::chrono_literals;
using testutil::MosquittoBroker;

// Collects delivered messages; waitFor() blocks (bounded) until n have arrived.
class Inbox {
 public:
  MqttMessageHandler handler() {
    return [this](std::string_view topic, std::string_view payload) {
      std::lock_guard lock(mu_);
      messages_.emplace_back(std::string(topic), std::string(payload));
      cv_.notify_all();
    };
  }
  bool waitFor(size_t n, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return messages_.size() >= n; });
  }
  std::vector<std::pair<std::string, std::string>> messages() const {
    std::lock_guard lock(mu_);
    return messages_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<std::string, std::string>> messages_;
};

class MqttTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (MosquittoBroker::binary().empty()) GTEST_SKIP() << "mosquitto is not installed (apt-get install mosquitto)";
    ASSERT_TRUE(broker_.start()) << broker_.logText();
  }

  template <typename Options>
  Options options() const {
    Options o;
    o.host = "127.0.0.1";
    o.port = broker_.port();
    o.reconnectMinS = 1;
    o.reconnectMaxS = 1;
    return o;
  }

  MosquittoBroker broker_;
};

TEST_F(MqttTest, PublishedMessagesArriveWithQos1) {
  Inbox inbox;
  MqttSubscriber sub(options<MqttSubscriberOptions>(), inbox.handler());
  ASSERT_TRUE(sub.waitSubscribed(5s));
  EXPECT_EQ(sub.subscription(), "telemetry/+/+/+");
  MqttPublisher pub(options<MqttPublisherOptions>());
  ASSERT_TRUE(pub.waitConnected(5s));
  for (int i = 0; i < 200; ++i) {
    auto r = pub.publish("telemetry/S1/INV-01/ac", "{\"n\":" + std::to_string(i) + "}");
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  EXPECT_FALSE(pub.publish("telemetry/+/x", "{}").ok());  // wildcards are not publishable
  ASSERT_TRUE(pub.waitForAcks(5s));
  EXPECT_EQ(pub.acknowledged(), 200u);
  ASSERT_TRUE(inbox.waitFor(200));
  auto got = inbox.messages();
  ASSERT_EQ(got.size(), 200u);
  for (int i = 0; i < 200; ++i) {  // one publisher, one subscriber: order is kept
    EXPECT_EQ(got[i].first, "telemetry/S1/INV-01/ac");
    EXPECT_EQ(got[i].second, "{\"n\":" + std::to_string(i) + "}");
  }
  // Topics outside the filter are not delivered.
  ASSERT_TRUE(pub.publish("other/S1/INV-01/ac", "x").ok());
  ASSERT_TRUE(pub.publish("telemetry/S1/INV-01/ac", "last").ok());
  ASSERT_TRUE(inbox.waitFor(201));
  EXPECT_EQ(inbox.messages().back().second, "last");
  EXPECT_EQ(sub.stats().received, 201u);
}

// A batch handler gets what queued while it last ran: in order, nothing twice, and batches grow
// while the handler is slow (how the server amortises one store write over many messages).
TEST_F(MqttTest, BatchHandlerGetsEverythingThatQueuedWhileItRan) {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<size_t> sizes;
  std::vector<std::string> payloads;
  bool failNext = false;
  MqttSubscriber sub(options<MqttSubscriberOptions>(), MqttBatchHandler([&](std::span<const MqttMessage> batch) {
                       std::this_thread::sleep_for(20ms);  // a store write
                       std::lock_guard lock(mu);
                       if (failNext) {
                         failNext = false;
                         throw std::runtime_error("store unavailable");
                       }
                       sizes.push_back(batch.size());
                       for (const auto& m : batch) payloads.push_back(m.payload);
                       cv.notify_all();
                     }));
  ASSERT_TRUE(sub.waitSubscribed(5s));
  MqttPublisher pub(options<MqttPublisherOptions>());
  ASSERT_TRUE(pub.waitConnected(5s));
  constexpr int kCount = 500;
  for (int i = 0; i < kCount; ++i) ASSERT_TRUE(pub.publish("telemetry/S1/INV-01/ac", std::to_string(i)).ok());
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, 10s, [&] { return payloads.size() >= kCount; }));
    for (int i = 0; i < kCount; ++i) ASSERT_EQ(payloads[i], std::to_string(i));
    EXPECT_LT(sizes.size(), static_cast<size_t>(kCount));  // some batch held several messages
    failNext = true;
  }
  ASSERT_TRUE(pub.publish("telemetry/S1/INV-01/ac", "lost").ok());
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (sub.stats().handlerErrors == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(sub.stats().handlerErrors, 1u);
  EXPECT_EQ(sub.stats().delivered, static_cast<uint64_t>(kCount) + 1);
}

TEST_F(MqttTest, SharedSubscriptionSplitsMessagesWithoutLossOrDuplicates) {
  Inbox a, b;
  auto o = options<MqttSubscriberOptions>();
  o.sharedGroup = "ingest";
  MqttSubscriber subA(o, a.handler());
  MqttSubscriber subB(o, b.handler());
  EXPECT_EQ(subA.subscription(), "$share/ingest/telemetry/+/+/+");
  ASSERT_TRUE(subA.waitSubscribed(5s));
  ASSERT_TRUE(subB.waitSubscribed(5s));
  MqttPublisher pub(options<MqttPublisherOptions>());
  ASSERT_TRUE(pub.waitConnected(5s));
  constexpr int kCount = 400;
  for (int i = 0; i < kCount; ++i) {
    ASSERT_TRUE(pub.publish("telemetry/S1/WTG-" + std::to_string(i % 7) + "/rotor", std::to_string(i)).ok());
  }
  ASSERT_TRUE(pub.waitForAcks(5s));
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (a.messages().size() + b.messages().size() < kCount && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  std::multiset<std::string> all;
  for (const auto& m : a.messages()) all.insert(m.second);
  for (const auto& m : b.messages()) all.insert(m.second);
  ASSERT_EQ(all.size(), static_cast<size_t>(kCount));
  for (int i = 0; i < kCount; ++i) EXPECT_EQ(all.count(std::to_string(i)), 1u) << i;
  EXPECT_GT(a.messages().size(), 0u);
  EXPECT_GT(b.messages().size(), 0u);
}

TEST_F(MqttTest, ReconnectsAndResubscribesAfterBrokerRestart) {
  Inbox inbox;
  MqttSubscriber sub(options<MqttSubscriberOptions>(), inbox.handler());
  ASSERT_TRUE(sub.waitSubscribed(5s));
  {
    MqttPublisher pub(options<MqttPublisherOptions>());
    ASSERT_TRUE(pub.waitConnected(5s));
    ASSERT_TRUE(pub.publish("telemetry/S/A/dc", "before").ok());
    ASSERT_TRUE(inbox.waitFor(1));
  }
  broker_.stop();
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  while (sub.subscribed() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(sub.subscribed());
  ASSERT_TRUE(broker_.start()) << broker_.logText();
  ASSERT_TRUE(sub.waitSubscribed(5s));
  EXPECT_EQ(sub.stats().connects, 2u);
  MqttPublisher pub(options<MqttPublisherOptions>());
  ASSERT_TRUE(pub.waitConnected(5s));
  ASSERT_TRUE(pub.publish("telemetry/S/A/dc", "after").ok());
  ASSERT_TRUE(inbox.waitFor(2));
  EXPECT_EQ(inbox.messages().back().second, "after");
}

TEST_F(MqttTest, SlowConsumerIsThrottledNotDropped) {
  std::mutex mu;
  size_t maxQueued = 0, delivered = 0;
  std::condition_variable cv;
  auto o = options<MqttSubscriberOptions>();
  o.maxQueued = 4;
  MqttSubscriber* self = nullptr;
  MqttSubscriber sub(o, [&](std::string_view, std::string_view) {
    std::this_thread::sleep_for(1ms);  // a slow consumer
    std::lock_guard lock(mu);
    if (self) maxQueued = std::max(maxQueued, self->stats().queued);
    ++delivered;
    cv.notify_all();
  });
  self = &sub;
  ASSERT_TRUE(sub.waitSubscribed(5s));
  MqttPublisher pub(options<MqttPublisherOptions>());
  ASSERT_TRUE(pub.waitConnected(5s));
  constexpr size_t kCount = 500;
  for (size_t i = 0; i < kCount; ++i) ASSERT_TRUE(pub.publish("telemetry/S/A/dc", std::to_string(i)).ok());
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 8s, [&] { return delivered == kCount; })) << delivered;
  EXPECT_LE(maxQueued, 4u);
  EXPECT_EQ(sub.stats().received, kCount);
}

TEST_F(MqttTest, PublisherQueuesWhileDisconnectedAndBoundsOutstanding) {
  broker_.stop();
  auto o = options<MqttPublisherOptions>();
  o.maxOutstanding = 3;
  MqttPublisher pub(o);
  EXPECT_FALSE(pub.connected());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(pub.publish("telemetry/S/A/dc", "queued").ok());
  auto full = pub.publish("telemetry/S/A/dc", "one too many", 1, false, 100ms);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, "MQTT_UNAVAILABLE");
  EXPECT_EQ(pub.outstanding(), 3u);
  ASSERT_TRUE(broker_.start()) << broker_.logText();
  ASSERT_TRUE(pub.waitConnected(5s));
  EXPECT_TRUE(pub.waitForAcks(5s));  // the queued messages went out after connecting
  EXPECT_EQ(pub.acknowledged(), 3u);
}

TEST_F(MqttTest, SimulatorSinkPublishesOneMessagePerSensor) {
  Inbox inbox;
  MqttSubscriber sub(options<MqttSubscriberOptions>(), inbox.handler());
  ASSERT_TRUE(sub.waitSubscribed(5s));
  MqttSink sink(options<MqttPublisherOptions>(), 5s);
  PlantModel model(testutil::smallSolar(), 4);
  auto pts = model.sample(testutil::utcMs(2025, 5, 1, 7));
  auto sent = sink.send(pts);
  ASSERT_TRUE(sent.ok()) << sent.error().message;
  ASSERT_TRUE(sink.flush().ok());
  const size_t expectedMessages = encodeMqttMessages(pts).size();
  ASSERT_TRUE(inbox.waitFor(expectedMessages));
  size_t metrics = 0;
  for (const auto& [topic, payload] : inbox.messages()) {
    EXPECT_EQ(topic.rfind("telemetry/SITE-SOLAR-T/", 0), 0u) << topic;
    metrics += boost::json::parse(payload).at("metrics").as_object().size();
  }
  EXPECT_EQ(metrics, pts.size());
}

TEST(MqttOptions, InvalidOptionsAreRejected) {
  auto handler = [](std::string_view, std::string_view) {};
  MqttSubscriberOptions bad;
  bad.sharedGroup = "a/b";
  EXPECT_THROW(MqttSubscriber(bad, handler), ApiException);
  MqttSubscriberOptions badFilter;
  badFilter.topicFilter = "telemetry/#/x";
  EXPECT_THROW(MqttSubscriber(badFilter, handler), ApiException);
  MqttSubscriberOptions persistent;
  persistent.cleanSession = false;
  EXPECT_THROW(MqttSubscriber(persistent, handler), ApiException);
}

}  // namespace
}  // namespace dcmms::telemetry
