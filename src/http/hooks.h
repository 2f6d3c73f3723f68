// The callbacks through which the API layer shapes what the transport answers: error envelopes,
// request-scoped middleware (request id, CORS, rate limits, auth) and the WebSocket handler.
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <optional>

#include "http/http_types.h"
#include "http/ws.h"

namespace dcmms::http {

struct Hooks {
  // Runs after routing (pathParams, routePattern and routeInfo are set; routeInfo is null when the
  // path or method did not match) and before the handler. Returning a Response answers the request
  // without the handler (CORS preflight, 429); throwing goes to onException (401, 403).
  std::function<std::optional<Response>(Request&)> before;
  // Runs on every response, including errors, 404/405 and before's short-circuits.
  std::function<void(Request&, Response&)> after;
  // No route for the path. Default: a small JSON 404.
  std::function<Response(Request&)> onNotFound;
  // The path matches but not the method; the server adds the Allow header. Default: JSON 405.
  std::function<Response(Request&)> onMethodNotAllowed;
  // Anything a handler or hook threw, and transport failures the server raises as ApiException:
  // 400 malformed request, 413 PAYLOAD_TOO_LARGE, 431 headers too large. Default: JSON from
  // ApiException's Error, 500 for anything else (logged only when this hook is absent).
  std::function<Response(Request&, const std::exception&)> onException;
  // Upgrades on ServerOptions::wsPaths go here; none → those paths are routed like any other.
  std::shared_ptr<WsHandler> webSocket;
};

}  // namespace dcmms::http
