// The HTTP face of the App: the route table, hooks (error envelope, CORS, rate-limit and
// request-id headers), the WebSocket hub, and the transport server.
#pragma once

#include <memory>

#include "api/app.h"
#include "api/ws_hub.h"
#include "http/router.h"
#include "http/server.h"

namespace dcmms::api {

class ApiServer {
 public:
  ApiServer(App& app, http::ServerOptions options);
  ~ApiServer();
  void start();
  uint16_t port() const;
  void stop(std::chrono::milliseconds drain);
  WsHub& hub() { return *hub_; }
  const http::Router& router() const { return router_; }

 private:
  App& app_;
  http::Router router_;
  std::shared_ptr<WsHub> hub_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace dcmms::api
