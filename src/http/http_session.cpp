// One HTTP/1.1 connection: read header → pick the body limit from the route → read body →
// dispatch on this io thread → write → keep alive. Also hands WebSocket upgrades over.
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <algorithm>
#include <optional>
#include <strings.h>

#include "core/ids.h"
#include "core/log.h"
#include "http/transport.h"
#include "http/url.h"

namespace dcmms::http::detail {
namespace {

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr auto kLingerLimit = std::chrono::seconds(2);  // reading the rest of a refused upload

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

class HttpSession final : public Connection, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(Shared& shared, Worker& worker, tcp::socket socket)
      : Connection(shared, worker), socket_(std::move(socket)) {
    beast::error_code ec;
    const auto ep = socket_.remote_endpoint(ec);
    if (!ec) remoteIp_ = ep.address().to_string();
  }

  void start() { doRead(); }

  void sweep(SteadyTime now) override {
    const auto limit = state_ == State::lingering ? std::chrono::duration_cast<std::chrono::seconds>(kLingerLimit)
                                                  : std::chrono::seconds(shared_.options.idleTimeoutSec);
    if (state_ != State::done && now - since_ > limit) abort();
  }

  void shutdown() override {
    closeAfterWrite_ = true;
    // Idle keep-alive: nothing of a next request has arrived, so nobody is waiting for us.
    const bool idle = state_ == State::reading && buffer_.size() == 0 && !(parser_ && parser_->got_some());
    if (idle || state_ == State::lingering) abort();
  }

  void abort() override {
    beast::error_code ec;
    socket_.close(ec);
  }

 private:
  enum class State { reading, writing, lingering, done };
  using Parser = bhttp::request_parser<bhttp::string_body>;

  void doRead() {
    if (shared_.closing || closeAfterWrite_) return finish();
    state_ = State::reading;
    since_ = std::chrono::steady_clock::now();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(shared_.options.maxHeaderBytes));
    limit_ = std::max(shared_.options.maxBodyBytes, shared_.options.maxUploadBytes);
    parser_->body_limit(limit_);
    bhttp::async_read_header(socket_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, size_t) { self->onHeader(ec); });
  }

  void onHeader(beast::error_code ec) {
    if (ec) return onReadError(ec);
    auto& msg = parser_->get();
    // The body limit depends on the route: multipart upload routes get maxUploadBytes.
    size_t limit = shared_.options.maxBodyBytes;
    if (!parser_->is_done()) {
      const std::string_view target = msg.target();
      const MatchResult m = shared_.dispatcher.router().match(msg.method_string(), target.substr(0, target.find('?')));
      if (m.found() && m.route->upload) limit = shared_.options.maxUploadBytes;
    }
    limit_ = limit;
    if (const auto len = parser_->content_length(); len && *len > limit) return tooLarge(limit);
    parser_->body_limit(limit);
    if (parser_->is_done()) return onRequest();
    if (iequals(msg[bhttp::field::expect], "100-continue")) {
      net::async_write(socket_, net::buffer(kContinue.data(), kContinue.size()),
                       [self = shared_from_this()](beast::error_code ec, size_t) {
                         if (ec) return self->finish();
                         self->readBody();
                       });
      return;
    }
    readBody();
  }

  void readBody() {
    bhttp::async_read(socket_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->onReadError(ec);
      self->onRequest();
    });
  }

  void onReadError(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) return tooLarge(limit_);
    if (ec == bhttp::error::header_limit) {
      return failAndClose(Error{431, "REQUEST_HEADERS_TOO_LARGE", "Request headers are too large", {}});
    }
    // Socket errors (EOF, reset, closed by the sweep or stop) and a message cut short by the
    // client leave nobody to answer; any other parser error is a malformed request.
    const bool parseError = ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
    if (!parseError || ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) return finish();
    failAndClose(Error{400, "MALFORMED_REQUEST", "Malformed HTTP request", {}});
  }

  void tooLarge(size_t limit) {
    failAndClose(Error{413, "PAYLOAD_TOO_LARGE",
                       "Request body exceeds the limit of " + std::to_string(limit) + " bytes", {}});
  }

  // Transport errors answer through the dispatcher (so the API's envelope applies), then close.
  void failAndClose(const Error& error) {
    Request req = parser_ && parser_->is_header_done() ? buildRequest(false) : Request{};
    if (req.method.empty()) req.remoteIp = remoteIp_;
    closeAfterWrite_ = true;
    unreadInput_ = true;
    write(req, shared_.dispatcher.fail(req, error, worker_.index), false);
  }

  Request buildRequest(bool withBody) {
    auto& msg = parser_->get();
    Request req;
    req.method = msg.method_string();
    req.target = msg.target();
    const std::string_view target = req.target;
    const size_t q = target.find('?');
    req.path = percentDecode(target.substr(0, q));
    if (q != std::string_view::npos) req.query = parseQuery(target.substr(q + 1));
    for (const auto& f : msg) req.headers.emplace_back(f.name_string(), f.value());
    if (withBody) req.body = std::move(msg.body());
    req.remoteIp = remoteIp_;
    req.requestId = sanitizeRequestId(msg["X-Request-ID"]);
    if (req.requestId.empty()) req.requestId = newUuid();
    return req;
  }

  void onRequest() {
    auto& msg = parser_->get();
    const bool keepAlive = msg.keep_alive();
    if (shared_.dispatcher.hooks().webSocket && beast::websocket::is_upgrade(msg) && isWsPath(msg.target())) {
      return upgrade();
    }
    Request req = buildRequest(true);
    Response res = shared_.dispatcher.handle(req, worker_.index);
    write(req, std::move(res), keepAlive);
  }

  bool isWsPath(std::string_view target) const {
    const std::string_view path = target.substr(0, target.find('?'));
    for (const auto& p : shared_.options.wsPaths) {
      if (p == path) return true;
    }
    return false;
  }

  void upgrade() {
    if (shared_.stopping) {
      return failAndClose(Error{503, "SERVICE_UNAVAILABLE", "Server is shutting down", {}});
    }
    const auto t0 = std::chrono::steady_clock::now();
    Request req = buildRequest(false);
    auto& handler = *shared_.dispatcher.hooks().webSocket;
    auto conn = std::make_shared<WsConnection>(std::make_unique<WsConnection::Impl>(
        newUuid(), socket_.get_executor(), shared_.options.wsMaxQueue, shared_.wsDropped));
    std::optional<Response> refusal;
    try {
      if (!handler.onOpen(req, conn)) {
        refusal = shared_.dispatcher.renderException(
            req, ApiException(Error{401, "AUTH_UNAUTHORIZED", "WebSocket connection refused", {}}));
      }
    } catch (const std::exception& e) {
      refusal = shared_.dispatcher.renderException(req, e);
    }
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
    if (refusal) {
      {
        std::lock_guard lock(conn->impl().mu);
        conn->impl().open = false;
        conn->impl().ended = true;
        conn->impl().queue.clear();
      }
      shared_.dispatcher.finish(req, *refusal);
      shared_.dispatcher.recordWebSocket(worker_.index, req.path, refusal->status, micros.count());
      closeAfterWrite_ = true;
      return write(req, std::move(*refusal), false);
    }
    shared_.dispatcher.recordWebSocket(worker_.index, req.path, 101, micros.count());
    state_ = State::done;
    startWebSocket(shared_, worker_, std::move(socket_), parser_->release(), std::move(conn), req.requestId);
  }

  void write(Request& req, Response res, bool keepAlive) {
    keepAlive = keepAlive && !closeAfterWrite_ && !shared_.stopping;
    state_ = State::writing;
    since_ = std::chrono::steady_clock::now();
    const bool head = req.method == "HEAD";
    if (!res.filePath.empty() && !head) {
      bhttp::file_body::value_type file;
      beast::error_code ec;
      file.open(res.filePath.c_str(), beast::file_mode::scan, ec);
      if (!ec) {
        auto& out = fileRes_.emplace();
        out.body() = std::move(file);
        fill(out, res, keepAlive);
        out.prepare_payload();
        return bhttp::async_write(socket_, out, [self = shared_from_this(), keepAlive](beast::error_code ec, size_t) {
          self->onWrite(ec, keepAlive);
        });
      }
      log::error("cannot open response file", {{"requestId", req.requestId}, {"error", ec.message()}});
      res = shared_.dispatcher.renderException(req, std::runtime_error("response file vanished"));
      res.setHeader("X-Request-ID", req.requestId);
    }
    auto& out = strRes_.emplace();
    fill(out, res, keepAlive);
    const bool bodyless = res.status < 200 || res.status == 204 || res.status == 304;
    if (head) {
      out.content_length(res.filePath.empty() ? res.body.size() : fileSize(res.filePath));
    } else if (!bodyless) {
      out.body() = std::move(res.body);
      out.prepare_payload();
    }
    bhttp::async_write(socket_, out, [self = shared_from_this(), keepAlive](beast::error_code ec, size_t) {
      self->onWrite(ec, keepAlive);
    });
  }

  static uint64_t fileSize(const std::string& path) {
    beast::error_code ec;
    bhttp::file_body::value_type f;
    f.open(path.c_str(), beast::file_mode::scan, ec);
    return ec ? 0 : f.size();
  }

  template <typename Body>
  static void fill(bhttp::response<Body>& out, const Response& res, bool keepAlive) {
    out.version(11);
    out.result(static_cast<unsigned>(res.status));
    if (!res.contentType.empty() && res.status != 204 && res.status != 304) {
      out.set(bhttp::field::content_type, res.contentType);
    }
    for (const auto& [k, v] : res.headers) out.insert(k, v);
    out.keep_alive(keepAlive);
  }

  void onWrite(beast::error_code ec, bool keepAlive) {
    strRes_.reset();
    fileRes_.reset();
    if (ec) return finish();
    if (keepAlive && !closeAfterWrite_) return doRead();
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    if (unreadInput_) return linger();
    finish();
  }

  // After answering an error mid-request the client may still be sending: read and discard for
  // a moment, as closing with unread input resets the connection and the client could lose the
  // answer.
  void linger() {
    if (shared_.closing) return finish();
    state_ = State::lingering;
    since_ = std::chrono::steady_clock::now();
    lingerBuf_.resize(16 * 1024);
    socket_.async_read_some(net::buffer(lingerBuf_), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->finish();
      self->lingerMore();
    });
  }

  void lingerMore() {
    if (shared_.closing || std::chrono::steady_clock::now() - since_ > kLingerLimit) return finish();
    socket_.async_read_some(net::buffer(lingerBuf_), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->finish();
      self->lingerMore();
    });
  }

  void finish() {
    state_ = State::done;
    abort();
  }

  tcp::socket socket_;
  beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  std::optional<bhttp::response<bhttp::string_body>> strRes_;
  std::optional<bhttp::response<bhttp::file_body>> fileRes_;
  std::string lingerBuf_;
  std::string remoteIp_;
  State state_ = State::reading;
  SteadyTime since_ = std::chrono::steady_clock::now();
  size_t limit_ = 0;  // body limit of the request being read
  bool closeAfterWrite_ = false;
  bool unreadInput_ = false;  // answered before the request was fully read: linger on close
};

}  // namespace

void startHttpSession(Shared& shared, Worker& worker, tcp::socket socket) {
  if (shared.closing) return;  // the socket closes here
  std::make_shared<HttpSession>(shared, worker, std::move(socket))->start();
}

}  // namespace dcmms::http::detail
