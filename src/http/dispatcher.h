// Turns one parsed Request into a Response: routing, hooks, the handler, exception rendering and
// per-route metrics. Transport-free (no Beast), so it is shared by the HTTP session and tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "http/hooks.h"
#include "http/metrics.h"
#include "http/router.h"

namespace dcmms::http {

class Dispatcher {
 public:
  // shards: one metrics shard per io thread. Router and hooks must outlive the dispatcher.
  Dispatcher(const Router& router, const Hooks& hooks, const std::vector<std::string>& wsPaths, size_t shards);

  // Routes and answers one request; never throws. Sets the X-Request-ID response header.
  Response handle(Request& req, size_t shard) const;
  // Answers with an error raised by the transport (malformed, too large) through onException.
  Response fail(Request& req, const Error& error, size_t shard) const;
  // Renders an exception through onException (or the default) without routing or metrics.
  Response renderException(Request& req, const std::exception& e) const;
  // Runs the after hook and sets X-Request-ID; never throws.
  void finish(Request& req, Response& res) const;
  // Records a WebSocket upgrade attempt (101 or the refusal status) under its path.
  void recordWebSocket(size_t shard, std::string_view path, int status, int64_t micros) const;

  const Hooks& hooks() const { return hooks_; }
  const Router& router() const { return router_; }
  const HttpMetrics& metrics() const { return metrics_; }

 private:
  size_t unmatchedKey(std::string_view method) const;
  const Router& router_;
  const Hooks& hooks_;
  std::vector<std::string> wsPaths_;
  HttpMetrics metrics_;
};

}  // namespace dcmms::http
