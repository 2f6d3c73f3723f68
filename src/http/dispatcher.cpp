#include "http/dispatcher.h"

#include <array>
#include <chrono>
#include <filesystem>

#include "core/ids.h"
#include "core/json_util.h"
#include "core/log.h"
#include "http/url.h"

namespace dcmms::http {
namespace {

// Unmatched requests are counted per method from a fixed list so a scanner cannot grow the
// metric cardinality.
constexpr std::array<std::string_view, 8> kUnmatchedMethods = {"GET",  "HEAD",    "POST",  "PUT",
                                                               "PATCH", "DELETE", "OPTIONS", "OTHER"};
constexpr std::string_view kUnmatchedRoute = "<unmatched>";

std::vector<HttpMetrics::Key> metricKeys(const Router& router, const std::vector<std::string>& wsPaths) {
  std::vector<HttpMetrics::Key> keys;
  for (const auto& r : router.routes()) keys.push_back({r.method, r.pattern});
  for (auto m : kUnmatchedMethods) keys.push_back({std::string(m), std::string(kUnmatchedRoute)});
  for (const auto& p : wsPaths) keys.push_back({"GET", p});
  return keys;
}

Response jsonError(int status, std::string_view code, std::string_view message) {
  Response res;
  res.status = status;
  res.body = "{\"error\":{\"code\":";
  appendJsonString(res.body, code);
  res.body += ",\"message\":";
  appendJsonString(res.body, message);
  res.body += "}}";
  return res;
}

int64_t microsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

Dispatcher::Dispatcher(const Router& router, const Hooks& hooks, const std::vector<std::string>& wsPaths,
                       size_t shards)
    : router_(router), hooks_(hooks), wsPaths_(wsPaths), metrics_(metricKeys(router, wsPaths), shards) {}

size_t Dispatcher::unmatchedKey(std::string_view method) const {
  size_t i = 0;
  while (i + 1 < kUnmatchedMethods.size() && kUnmatchedMethods[i] != method) ++i;
  return router_.routes().size() + i;
}

Response Dispatcher::renderException(Request& req, const std::exception& e) const {
  const auto* api = dynamic_cast<const ApiException*>(&e);
  // With a hook installed, logging unexpected errors is the hook's call (it knows which
  // exception types are expected).
  if (!api && !hooks_.onException) log::error("unhandled exception", {{"requestId", req.requestId}, {"error", e.what()}});
  if (hooks_.onException) {
    try {
      return hooks_.onException(req, e);
    } catch (const std::exception& inner) {
      log::error("onException hook threw", {{"requestId", req.requestId}, {"error", inner.what()}});
    }
  }
  if (api) return jsonError(api->error().httpStatus, api->error().code, api->error().message);
  return jsonError(500, "INTERNAL_SERVER_ERROR", "Internal server error");
}

void Dispatcher::finish(Request& req, Response& res) const {
  if (hooks_.after) {
    try {
      hooks_.after(req, res);
    } catch (const std::exception& e) {
      log::error("after hook threw", {{"requestId", req.requestId}, {"error", e.what()}});
    }
  }
  res.setHeader("X-Request-ID", req.requestId);
}

Response Dispatcher::handle(Request& req, size_t shard) const {
  const auto t0 = std::chrono::steady_clock::now();
  if (req.requestId.empty()) req.requestId = newUuid();
  const std::string_view target = req.target;
  const MatchResult m = router_.match(req.method, target.substr(0, target.find('?')));
  size_t key = unmatchedKey(req.method);
  if (m.found()) {
    key = m.routeIndex;
    req.routePattern = m.route->pattern;
    req.routeInfo = &m.route->info;
    req.pathParams.clear();
    for (size_t i = 0; i < m.paramCount; ++i) {
      req.pathParams.emplace_back(std::string(m.params[i].first), percentDecode(m.params[i].second));
    }
  }
  Response res;
  try {
    std::optional<Response> early;
    if (hooks_.before) early = hooks_.before(req);
    if (early) {
      res = std::move(*early);
    } else if (m.found()) {
      res = m.route->handler(req);
      std::error_code ec;
      if (!res.filePath.empty() && !std::filesystem::is_regular_file(res.filePath, ec)) {
        throw ApiException(Error::notFound("File"));
      }
    } else if (m.kind == MatchResult::Kind::methodNotAllowed) {
      res = hooks_.onMethodNotAllowed ? hooks_.onMethodNotAllowed(req)
                                      : jsonError(405, "METHOD_NOT_ALLOWED", "Method not allowed");
      res.setHeader("Allow", m.allow);
    } else {
      res = hooks_.onNotFound ? hooks_.onNotFound(req) : jsonError(404, "RESOURCE_NOT_FOUND", "No such route");
    }
  } catch (const std::exception& e) {
    res = renderException(req, e);
  } catch (...) {
    res = renderException(req, std::runtime_error("non-standard exception"));
  }
  finish(req, res);
  metrics_.record(shard, key, res.status, microsSince(t0));
  return res;
}

Response Dispatcher::fail(Request& req, const Error& error, size_t shard) const {
  const auto t0 = std::chrono::steady_clock::now();
  if (req.requestId.empty()) req.requestId = newUuid();
  Response res = renderException(req, ApiException(error));
  finish(req, res);
  const std::string_view target = req.target;
  const MatchResult m = router_.match(req.method, target.substr(0, target.find('?')));
  metrics_.record(shard, m.found() ? m.routeIndex : unmatchedKey(req.method), res.status, microsSince(t0));
  return res;
}

void Dispatcher::recordWebSocket(size_t shard, std::string_view path, int status, int64_t micros) const {
  for (size_t i = 0; i < wsPaths_.size(); ++i) {
    if (wsPaths_[i] == path) {
      metrics_.record(shard, router_.routes().size() + kUnmatchedMethods.size() + i, status, micros);
      return;
    }
  }
}

}  // namespace dcmms::http
