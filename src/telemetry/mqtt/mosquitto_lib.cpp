#include "telemetry/mqtt/mosquitto_lib.h"

#include <mosquitto.h>

#include <algorithm>
#include <mutex>

#include "core/error.h"
#include "core/ids.h"
#include "core/log.h"

namespace dcmms::telemetry::mqtt {

namespace {

// mosquitto_lib_init/cleanup are not thread-safe; count users under one lock.
struct LibState {
  std::mutex mu;
  int users = 0;
};
LibState& libState() {
  static LibState state;
  return state;
}

}  // namespace

MosquittoLib::MosquittoLib() {
  LibState& s = libState();
  std::lock_guard lock(s.mu);
  if (s.users++ == 0) mosquitto_lib_init();
}

MosquittoLib::~MosquittoLib() {
  LibState& s = libState();
  std::lock_guard lock(s.mu);
  if (--s.users == 0) mosquitto_lib_cleanup();
}

void MosquittoDeleter::operator()(mosquitto* m) const { mosquitto_destroy(m); }

std::string errorText(int rc) {
  return std::string(mosquitto_strerror(rc)) + " (" + std::to_string(rc) + ")";
}

MosquittoPtr newClient(const MqttClientOptions& opts, bool cleanSession, void* userdata) {
  std::string id = opts.clientId.empty() ? "dcmms-" + newUuid().substr(0, 18) : opts.clientId;
  MosquittoPtr m(mosquitto_new(id.c_str(), cleanSession, userdata));
  if (!m) fail(Error::internal("mosquitto_new failed for client id '" + id + "'"));
  auto check = [&](int rc, const char* what) {
    if (rc != MOSQ_ERR_SUCCESS) fail(Error::internal(std::string("MQTT ") + what + ": " + errorText(rc)));
  };
  check(mosquitto_int_option(m.get(), MOSQ_OPT_PROTOCOL_VERSION, opts.mqtt5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311),
        "protocol version");
  if (!opts.username.empty()) {
    check(mosquitto_username_pw_set(m.get(), opts.username.c_str(), opts.password.empty() ? nullptr : opts.password.c_str()),
          "credentials");
  }
  const unsigned minS = static_cast<unsigned>(std::max(1, opts.reconnectMinS));
  const unsigned maxS = static_cast<unsigned>(std::max(opts.reconnectMinS, opts.reconnectMaxS));
  check(mosquitto_reconnect_delay_set(m.get(), minS, maxS, true), "reconnect delay");
  return m;
}

InitialConnector::InitialConnector(mosquitto* m, const MqttClientOptions& opts, std::string role)
    : m_(m), opts_(opts), role_(std::move(role)) {
  if (attempt()) return;
  thread_ = std::thread([this] {
    int delayS = std::max(1, opts_.reconnectMinS);
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::seconds(delayS), [&] { return stop_; })) {
      lock.unlock();
      const bool ok = attempt();
      lock.lock();
      if (ok) return;
      delayS = std::min(delayS * 2, std::max(delayS, opts_.reconnectMaxS));
    }
  });
}

InitialConnector::~InitialConnector() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool InitialConnector::attempt() {
  int rc = mosquitto_connect_async(m_, opts_.host.c_str(), opts_.port, std::max(5, opts_.keepaliveS));
  if (rc == MOSQ_ERR_SUCCESS) return true;
  log::warn("mqtt connect failed; retrying",
            {{"client", role_}, {"host", opts_.host}, {"port", std::to_string(opts_.port)}, {"error", errorText(rc)}});
  return false;
}

}  // namespace dcmms::telemetry::mqtt
