// The WebSocket hub at /ws?token=…: authenticates the socket, keeps per-connection
// subscriptions ({action:"subscribe", channel, filter{siteId, status[]}}), forwards domain
// events the subscriber may see, pings every 30 s of server-clock time and closes a socket
// that has not answered {"type":"pong"} for 60 s.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/app.h"
#include "http/ws.h"

namespace dcmms::api {

class WsHub : public http::WsHandler {
 public:
  explicit WsHub(App& app);
  ~WsHub() override;

  bool onOpen(http::Request& req, std::shared_ptr<http::WsConnection> conn) override;
  void onMessage(const std::shared_ptr<http::WsConnection>& conn, std::string_view text) override;
  void onClose(const std::shared_ptr<http::WsConnection>& conn) override;

  // Runs from the scheduler: pings live sockets, closes silent ones.
  void heartbeat(int64_t nowMs);
  // Publishes to subscribers of `channel` (used by the event bridge and by telemetry later).
  void publish(const std::string& tenantId, const std::string& siteId, const std::string& channel,
               const std::string& event, const boost::json::value& data, const std::string& status = {});
  size_t sessionCount() const;
  // Whether a socket of the tenant subscribes to live telemetry of the site.
  bool watchesTelemetry(const std::string& tenantId, const std::string& siteId) const;

 private:
  struct Subscription {
    std::string channel;
    std::string siteId;                 // empty: every site the user may see
    std::vector<std::string> statuses;  // empty: any
    std::string assetId;
  };
  struct Session {
    std::shared_ptr<http::WsConnection> conn;
    domain::RequestContext ctx;
    std::vector<Subscription> subs;
    int64_t lastPongMs = 0;
  };
  void onEvent(const DomainEvent& e);

  App& app_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Session> sessions_;
  int busSubscription_ = 0;
};

}  // namespace dcmms::api
