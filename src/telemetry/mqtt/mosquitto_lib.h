// Small RAII pieces over libmosquitto shared by the publisher and the subscriber.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

struct mosquitto;

namespace dcmms::telemetry::mqtt {

// Holds one reference on libmosquitto's process-wide initialisation: the first live object
// calls mosquitto_lib_init, the last one mosquitto_lib_cleanup. Every client object owns one,
// so no global object is needed and the library is initialised exactly while it is in use.
class MosquittoLib {
 public:
  MosquittoLib();
  ~MosquittoLib();
  MosquittoLib(const MosquittoLib&) = delete;
  MosquittoLib& operator=(const MosquittoLib&) = delete;
};

struct MosquittoDeleter {
  void operator()(mosquitto* m) const;
};
using MosquittoPtr = std::unique_ptr<mosquitto, MosquittoDeleter>;

// Options common to every MQTT client.
struct MqttClientOptions {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string clientId;  // empty: "dcmms-" plus a random suffix
  std::string username;  // empty: anonymous
  std::string password;
  int keepaliveS = 30;
  bool mqtt5 = false;     // MQTT 5.0 instead of 3.1.1
  int reconnectMinS = 1;  // reconnect delay doubles from min to max after each failure
  int reconnectMaxS = 30;
};

// Creates a client with the given options applied (protocol, credentials, reconnect backoff).
// Throws ApiException (500) when libmosquitto refuses them.
MosquittoPtr newClient(const MqttClientOptions& opts, bool cleanSession, void* userdata);

std::string errorText(int rc);

// Makes the first connection attempt. libmosquitto's loop thread reconnects by itself only
// after one connect call has succeeded; while the broker is unreachable from the start, this
// object keeps calling mosquitto_connect_async with the same backoff until one succeeds.
// Destroy it (stops and joins its thread) before disconnecting the client.
class InitialConnector {
 public:
  InitialConnector(mosquitto* m, const MqttClientOptions& opts, std::string role);
  ~InitialConnector();
  InitialConnector(const InitialConnector&) = delete;
  InitialConnector& operator=(const InitialConnector&) = delete;

 private:
  bool attempt();

  mosquitto* m_;
  MqttClientOptions opts_;
  std::string role_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace dcmms::telemetry::mqtt
