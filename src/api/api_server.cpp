#include "api/api_server.h"

#include "api/routes.h"
#include "core/log.h"
#include "store/sql_error.h"

namespace dcmms::api {

namespace {

http::Hooks makeHooks(App& app, std::shared_ptr<WsHub> hub) {
  http::Hooks h;
  h.before = [](http::Request& req) -> std::optional<http::Response> {
    if (req.method == "OPTIONS") {  // CORS preflight
      http::Response r;
      r.status = 204;
      r.contentType.clear();
      r.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
      r.setHeader("Access-Control-Allow-Headers",
                  "Authorization, Content-Type, If-Match, Idempotency-Key, X-API-Key, X-Request-ID, Accept-Language, X-Timezone");
      r.setHeader("Access-Control-Max-Age", "600");
      return r;
    }
    return std::nullopt;
  };
  h.after = [](http::Request& req, http::Response& resp) {
    for (auto& [k, v] : req.extraResponseHeaders) resp.setHeader(k, v);
    resp.setHeader("Access-Control-Allow-Origin", "*");
    resp.setHeader("Access-Control-Expose-Headers", "ETag, X-Request-ID, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, Location");
  };
  h.onNotFound = [&app](http::Request& req) {
    return errorResponse(req, app.clock.nowMs(), Error{404, "RESOURCE_NOT_FOUND", "No route for " + req.method + " " + req.path, {}});
  };
  h.onMethodNotAllowed = [&app](http::Request& req) {
    return errorResponse(req, app.clock.nowMs(), Error{405, "METHOD_NOT_ALLOWED", req.method + " is not allowed on " + req.path, {}});
  };
  h.onException = [&app](http::Request& req, const std::exception& ex) {
    if (const auto* api = dynamic_cast<const ApiException*>(&ex)) {
      http::Response r = errorResponse(req, app.clock.nowMs(), api->error());
      if (api->error().httpStatus == 503) r.setHeader("Retry-After", "1");  // overload or store unavailable
      return r;
    }
    if (dynamic_cast<const store::UniqueViolation*>(&ex))
      return errorResponse(req, app.clock.nowMs(), Error{409, "RESOURCE_CONFLICT", "A conflicting record exists", {}});
    if (dynamic_cast<const boost::system::system_error*>(&ex))
      return errorResponse(req, app.clock.nowMs(), Error{400, "INVALID_JSON", "Malformed JSON in stored or sent data", {}});
    log::error("unhandled error", {{"requestId", req.requestId}, {"route", req.routePattern}, {"error", ex.what()}});
    return errorResponse(req, app.clock.nowMs(), Error{500, "INTERNAL_SERVER_ERROR", "Internal error; quote the request id", {}});
  };
  h.webSocket = std::move(hub);
  return h;
}

}  // namespace

ApiServer::ApiServer(App& app, http::ServerOptions options) : app_(app), hub_(std::make_shared<WsHub>(app)) {
  ApiRoutes routes(app, router_);
  registerAuthRoutes(routes);
  registerCatalogRoutes(routes);
  registerWorkOrderRoutes(routes);
  registerAdminRoutes(routes);
  registerTelemetryRoutes(routes);
  auto metricsFn = [this]() { return server_ ? server_->metrics().renderPrometheus() : std::string(); };
  registerSystemRoutes(routes, router_, metricsFn);
  server_ = std::make_unique<http::Server>(std::move(options), router_, makeHooks(app, hub_));
  server_->metrics().gaugeFn("dcmms_ws_sessions", "Open WebSocket sessions", [hub = hub_] { return static_cast<double>(hub->sessionCount()); });
  app_.scheduler.every("ws-heartbeat", 30'000, [hub = hub_](int64_t now) { hub->heartbeat(now); });
}

ApiServer::~ApiServer() { stop(std::chrono::milliseconds(0)); }

void ApiServer::start() { server_->start(); }
uint16_t ApiServer::port() const { return server_->port(); }
void ApiServer::stop(std::chrono::milliseconds drain) {
  if (server_) server_->stop(drain);
}

}  // namespace dcmms::api
