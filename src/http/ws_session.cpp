// An upgraded WebSocket connection: a read loop feeding WsHandler::onMessage and a write loop
// draining WsConnection's bounded queue, both on the connection's io thread.
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "core/log.h"
#include "http/transport.h"

namespace dcmms::http {

WsConnection::WsConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WsConnection::~WsConnection() = default;

void WsConnection::send(std::string text) {
  Impl& s = *impl_;
  std::lock_guard lock(s.mu);
  if (!s.open) return;
  s.queue.push_back({std::move(text)});
  // While open the queue holds only text messages (a close is always last), so the front is
  // the oldest droppable one.
  if (s.queue.size() > s.maxQueue) {
    s.queue.pop_front();
    s.dropped.fetch_add(1, std::memory_order_relaxed);
    if (s.droppedCounter) s.droppedCounter->inc();
  }
  s.kickLocked();
}

void WsConnection::close(uint16_t code, std::string reason) {
  Impl& s = *impl_;
  std::lock_guard lock(s.mu);
  if (!s.open) return;
  s.open = false;
  s.queue.push_back({std::move(reason), true, code});
  s.kickLocked();
}

const std::string& WsConnection::id() const { return impl_->id; }

bool WsConnection::isOpen() const {
  std::lock_guard lock(impl_->mu);
  return impl_->open;
}

uint64_t WsConnection::dropped() const { return impl_->dropped.load(std::memory_order_relaxed); }

size_t WsConnection::queued() const {
  std::lock_guard lock(impl_->mu);
  return impl_->queue.size();
}

namespace detail {

namespace websocket = boost::beast::websocket;

class WsSession final : public Connection, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(Shared& shared, Worker& worker, tcp::socket socket, std::shared_ptr<WsConnection> conn)
      : Connection(shared, worker), ws_(std::move(socket)), conn_(std::move(conn)),
        handler_(shared.dispatcher.hooks().webSocket) {
    ++shared_.wsOpen;
  }

  ~WsSession() override {
    markEnded();
    --shared_.wsOpen;
  }

  void start(bhttp::request<bhttp::string_body> upgrade, std::string requestId) {
    {
      std::lock_guard lock(conn_->impl().mu);
      conn_->impl().session = weak_from_this();
    }
    websocket::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::seconds(30);
    t.idle_timeout = shared_.options.wsIdleTimeoutSec > 0 ? std::chrono::seconds(shared_.options.wsIdleTimeoutSec)
                                                          : websocket::stream_base::none();
    t.keep_alive_pings = false;  // liveness is the application's ping/pong
    ws_.set_option(t);
    ws_.set_option(websocket::stream_base::decorator(
        [id = std::move(requestId)](websocket::response_type& res) { res.set("X-Request-ID", id); }));
    ws_.read_message_max(shared_.options.wsMaxMessageBytes);
    upgrade_ = std::move(upgrade);
    ws_.async_accept(upgrade_, [self = shared_from_this()](beast::error_code ec) { self->onAccept(ec); });
  }

  void onKick() {
    {
      std::lock_guard lock(conn_->impl().mu);
      conn_->impl().kickPending = false;
    }
    flush();
  }

  void sweep(SteadyTime) override {}  // Beast's idle timeout covers WebSockets
  void shutdown() override { conn_->close(1001, "server shutting down"); }
  void abort() override {
    beast::error_code ec;
    beast::get_lowest_layer(ws_).close(ec);
  }

 private:
  void onAccept(beast::error_code ec) {
    upgrade_ = {};
    if (ec) return end();
    accepted_ = true;
    doRead();
    flush();
  }

  void doRead() {
    if (shared_.closing) return end();
    ws_.async_read(rbuf_, [self = shared_from_this()](beast::error_code ec, size_t) { self->onRead(ec); });
  }

  void onRead(beast::error_code ec) {
    if (ec) return end();
    const auto data = rbuf_.data();
    try {
      handler_->onMessage(conn_, std::string_view(static_cast<const char*>(data.data()), data.size()));
    } catch (const std::exception& e) {
      log::error("websocket onMessage threw", {{"connection", conn_->id()}, {"error", e.what()}});
    }
    rbuf_.consume(rbuf_.size());
    doRead();
  }

  // One write at a time; the completion pulls the next message.
  void flush() {
    if (!accepted_ || writing_ || ended_) return;
    WsConnection::Impl::Outbound next;
    {
      std::lock_guard lock(conn_->impl().mu);
      auto& q = conn_->impl().queue;
      if (q.empty()) return;
      next = std::move(q.front());
      q.pop_front();
    }
    writing_ = true;
    if (next.close) {
      websocket::close_reason reason;
      reason.code = next.code;
      reason.reason = next.text;
      ws_.async_close(reason,
                      [self = shared_from_this()](beast::error_code ec) {
                        self->writing_ = false;
                        if (ec) self->abort();  // the read loop ends and reports the close
                      });
      return;
    }
    current_ = std::move(next.text);
    ws_.text(true);
    ws_.async_write(net::buffer(current_), [self = shared_from_this()](beast::error_code ec, size_t) {
      self->writing_ = false;
      if (ec) return self->abort();
      self->flush();
    });
  }

  void markEnded() {
    std::lock_guard lock(conn_->impl().mu);
    conn_->impl().open = false;
    conn_->impl().ended = true;
    conn_->impl().queue.clear();
  }

  void end() {
    if (ended_) return;
    ended_ = true;
    markEnded();
    abort();
    try {
      handler_->onClose(conn_);
    } catch (const std::exception& e) {
      log::error("websocket onClose threw", {{"connection", conn_->id()}, {"error", e.what()}});
    }
  }

  websocket::stream<tcp::socket> ws_;
  std::shared_ptr<WsConnection> conn_;
  std::shared_ptr<WsHandler> handler_;
  bhttp::request<bhttp::string_body> upgrade_;
  beast::flat_buffer rbuf_;
  std::string current_;
  bool accepted_ = false;
  bool writing_ = false;
  bool ended_ = false;
};

}  // namespace detail

void WsConnection::Impl::kickLocked() {
  if (ended || kickPending) return;
  auto s = session;  // copy the weak pointer; never lock it off the io thread
  if (s.expired()) return;  // not started yet: the session flushes after the handshake
  kickPending = true;
  detail::net::post(executor, [s = std::move(s)] {
    if (auto self = s.lock()) self->onKick();
  });
}


void detail::startWebSocket(Shared& shared, Worker& worker, tcp::socket socket,
                            bhttp::request<bhttp::string_body> upgrade, std::shared_ptr<WsConnection> conn,
                            std::string requestId) {
  std::make_shared<WsSession>(shared, worker, std::move(socket), std::move(conn))
      ->start(std::move(upgrade), std::move(requestId));
}

}  // namespace dcmms::http
