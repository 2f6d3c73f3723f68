// WebSocket connections as the application sees them. No Beast here: the transport lives in
// src/http/ws_session.cpp behind WsConnection::Impl.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "http/http_types.h"

namespace dcmms::http {

// One upgraded connection. send() and close() are thread-safe and never block: messages go to a
// bounded outbound queue drained by the connection's io thread. When more than the queue limit
// (ServerOptions::wsMaxQueue) are waiting, the oldest queued text message is dropped and counted;
// a queued close is never dropped. After close() or the end of the connection, send() is a no-op.
class WsConnection {
 public:
  struct Impl;  // defined by the transport
  explicit WsConnection(std::unique_ptr<Impl> impl);
  ~WsConnection();
  WsConnection(const WsConnection&) = delete;
  WsConnection& operator=(const WsConnection&) = delete;

  void send(std::string text);
  void close(uint16_t code = 1000, std::string reason = {});

  const std::string& id() const;  // a UUID, unique per connection
  bool isOpen() const;            // false once close() was called or the socket ended
  uint64_t dropped() const;       // messages dropped by the queue bound
  size_t queued() const;          // messages waiting to be written

  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// Implemented by the application; every callback runs on the connection's io thread.
class WsHandler {
 public:
  virtual ~WsHandler() = default;
  // Called before the handshake is answered. Return false to refuse with 401 (throw ApiException
  // for another status); the connection is not upgraded. Messages sent here are queued and
  // delivered right after the handshake.
  virtual bool onOpen(Request& req, std::shared_ptr<WsConnection> conn) = 0;
  virtual void onMessage(const std::shared_ptr<WsConnection>& conn, std::string_view text) = 0;
  // Called exactly once for every connection whose onOpen returned true.
  virtual void onClose(const std::shared_ptr<WsConnection>& conn) = 0;
};

}  // namespace dcmms::http
