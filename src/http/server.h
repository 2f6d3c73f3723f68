// The HTTP/1.1 + WebSocket server. One io_context per thread; a single acceptor hands accepted
// sockets round-robin to the threads. Handlers run synchronously on the io thread (they are
// short: SQLite calls). No Beast in this header (pimpl).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "http/hooks.h"
#include "http/metrics.h"
#include "http/router.h"

namespace dcmms::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;                         // 0: an ephemeral port, see Server::port()
  int threads = 0;                           // 0: std::thread::hardware_concurrency()
  size_t maxBodyBytes = 1u << 20;            // larger → 413
  size_t maxUploadBytes = 55u << 20;         // for routes with Route::upload
  size_t maxHeaderBytes = 16u << 10;         // larger → 431
  int idleTimeoutSec = 60;                   // keep-alive idle, slow request or stalled write
  int backlog = 4096;                        // listen backlog (capped by net.core.somaxconn)
  std::vector<std::string> wsPaths = {"/ws"};  // upgrade paths, served by Hooks::webSocket
  size_t wsMaxQueue = 256;                   // outbound messages per connection before dropping
  size_t wsMaxMessageBytes = 1u << 20;       // inbound message limit
  int wsIdleTimeoutSec = 300;                // no frame received for this long → close; 0: never
};

class Server {
 public:
  // The router and hooks' handlers must stay valid until stop() returns; routes may still be
  // added to the router until start().
  Server(ServerOptions options, const Router& router, Hooks hooks);
  ~Server();  // stops with no drain time if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the io threads. Raises RLIMIT_NOFILE to its hard limit. Throws
  // std::system_error when the address cannot be bound.
  void start();
  uint16_t port() const;
  // Stops accepting, closes idle keep-alive connections, lets in-flight requests finish and
  // answers them with "Connection: close", sends WebSocket close 1001, then after at most
  // `drain` closes whatever is left and joins the threads. Idempotent; callable from any thread
  // except an io thread (e.g. a signal-handling thread).
  void stop(std::chrono::milliseconds drain = std::chrono::seconds(5));

  // Registry for every module's metrics; already holds the HTTP ones.
  MetricsRegistry& metrics();
  size_t openConnections() const;  // HTTP and WebSocket, across threads

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dcmms::http
