// Internal to src/http: the Beast/Asio side shared by server.cpp, http_session.cpp and
// ws_session.cpp. Never include this from a header that src/api sees.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "http/dispatcher.h"
#include "http/server.h"
#include "http/ws.h"

namespace dcmms::http::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using SteadyTime = std::chrono::steady_clock::time_point;

// What every connection needs from the server; outlives all connections.
struct Shared {
  Shared(const ServerOptions& o, const Dispatcher& d) : options(o), dispatcher(d) {}
  const ServerOptions& options;
  const Dispatcher& dispatcher;
  Counter* wsDropped = nullptr;
  std::atomic<bool> stopping{false};  // draining: answer in-flight requests with Connection: close
  std::atomic<bool> closing{false};   // final phase: start nothing new
  std::atomic<size_t> live{0};        // HTTP + WebSocket connections
  std::atomic<size_t> wsOpen{0};
  std::mutex drainMu;
  std::condition_variable drainCv;    // notified when live reaches 0 while stopping
};

struct Worker;

// A connection registered with its worker (intrusive list, touched only on the worker's thread)
// so the sweep timer and stop() can reach it.
class Connection {
 public:
  Connection(Shared& shared, Worker& worker);
  virtual ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  virtual void sweep(SteadyTime now) = 0;  // close when stuck longer than the idle timeout
  virtual void shutdown() = 0;             // graceful: finish what is in flight, then close
  virtual void abort() = 0;                // close the socket now

  Connection* prev = nullptr;
  Connection* next = nullptr;

 protected:
  Shared& shared_;
  Worker& worker_;
};

struct Worker {
  explicit Worker(size_t i) : index(i) {}
  size_t index;
  net::io_context ioc{1};
  Connection* head = nullptr;

  template <typename F>
  void forEach(F&& f) {
    for (Connection* c = head; c;) {
      Connection* next = c->next;  // f may destroy c
      f(*c);
      c = next;
    }
  }
};

// Serves HTTP on an accepted socket (runs on the worker's thread).
void startHttpSession(Shared& shared, Worker& worker, tcp::socket socket);

class WsSession;

}  // namespace dcmms::http::detail

namespace dcmms::http {

// The queue and state shared between the application (any thread) and the session (io thread).
struct WsConnection::Impl {
  struct Outbound {
    std::string text;
    bool close = false;
    uint16_t code = 1000;
  };
  Impl(std::string id, detail::net::any_io_executor executor, size_t maxQueue, Counter* droppedCounter)
      : id(std::move(id)), executor(std::move(executor)), maxQueue(maxQueue), droppedCounter(droppedCounter) {}

  const std::string id;
  const detail::net::any_io_executor executor;
  const size_t maxQueue;
  Counter* const droppedCounter;
  std::atomic<uint64_t> dropped{0};

  mutable std::mutex mu;
  std::deque<Outbound> queue;        // guarded by mu
  bool open = true;                  // guarded by mu; false after close() or the end
  bool ended = false;                // guarded by mu; the session is gone: post nothing
  bool kickPending = false;          // guarded by mu
  std::weak_ptr<detail::WsSession> session;  // guarded by mu; set once the handshake starts

  void kickLocked();
};

}  // namespace dcmms::http

namespace dcmms::http::detail {

// Takes over an upgraded socket whose WsHandler::onOpen accepted it.
void startWebSocket(Shared& shared, Worker& worker, tcp::socket socket,
                    bhttp::request<bhttp::string_body> upgrade, std::shared_ptr<WsConnection> conn,
                    std::string requestId);

}  // namespace dcmms::http::detail
