#include "http/ws.h"

#include <gtest/gtest.h>

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "http/server.h"
#include "test_client.h"

namespace dcmms::http {
namespace {

using namespace std::chrono_literals;
namespace websocket = boost::beast::websocket;
using test::net::ip::tcp;

// Accepts "?token=good", echoes messages, floods on "flood" (from the io thread, so nothing is
// written until it returns and the queue bound decides what survives).
class EchoHandler : public WsHandler {
 public:
  bool onOpen(Request& req, std::shared_ptr<WsConnection> conn) override {
    if (req.queryParam("token") == "forbidden") fail(Error::forbidden("no"));
    if (req.queryParam("token") != "good") return false;
    conn->send("hello " + req.requestId);
    std::lock_guard lock(mu_);
    conn_ = conn;
    return true;
  }
  void onMessage(const std::shared_ptr<WsConnection>& conn, std::string_view text) override {
    if (text == "flood") {
      for (int i = 0; i < 1000; ++i) conn->send(std::to_string(i));
      return;
    }
    conn->send("echo:" + std::string(text));
  }
  void onClose(const std::shared_ptr<WsConnection>& conn) override {
    std::lock_guard lock(mu_);
    closedId_ = conn->id();
    cv_.notify_all();
  }
  bool waitClosed() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 3s, [&] { return !closedId_.empty(); });
  }
  std::shared_ptr<WsConnection> conn() {
    std::lock_guard lock(mu_);
    return conn_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<WsConnection> conn_;
  std::string closedId_;
};

class WsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    handler_ = std::make_shared<EchoHandler>();
    Hooks hooks;
    hooks.webSocket = handler_;
    ServerOptions o;
    o.threads = 1;
    o.wsMaxQueue = 8;
    server_ = std::make_unique<Server>(o, router_, hooks);
    server_->start();
  }
  void TearDown() override { server_->stop(1s); }

  using Ws = websocket::stream<tcp::socket>;
  std::unique_ptr<Ws> connect(const std::string& target, websocket::response_type& res, test::beast::error_code& ec) {
    auto ws = std::make_unique<Ws>(ioc_);
    ws->next_layer().connect({test::net::ip::make_address("127.0.0.1"), server_->port()});
    test::setReadTimeout(ws->next_layer(), 5);
    ws->handshake(res, "127.0.0.1", target, ec);
    return ws;
  }
  std::string readText(Ws& ws) {
    test::beast::flat_buffer buf;
    ws.read(buf);
    return test::beast::buffers_to_string(buf.data());
  }

  test::net::io_context ioc_;
  Router router_;
  std::shared_ptr<EchoHandler> handler_;
  std::unique_ptr<Server> server_;
};

TEST_F(WsTest, UpgradesAndExchangesMessagesBothWays) {
  websocket::response_type res;
  test::beast::error_code ec;
  auto ws = connect("/ws?token=good", res, ec);
  ASSERT_FALSE(ec) << ec.message();
  const std::string requestId(res["X-Request-ID"]);
  EXPECT_EQ(requestId.size(), 36u);
  EXPECT_EQ(readText(*ws), "hello " + requestId);  // queued in onOpen, sent after the handshake
  ws->write(test::net::buffer(std::string("hi")));
  EXPECT_EQ(readText(*ws), "echo:hi");
  const auto conn = handler_->conn();
  ASSERT_TRUE(conn);
  // From another thread: send() is thread-safe.
  std::thread([conn] { conn->send("from elsewhere"); }).join();
  EXPECT_EQ(readText(*ws), "from elsewhere");
  ws->close(websocket::close_code::normal);
  EXPECT_TRUE(handler_->waitClosed());
  EXPECT_FALSE(conn->isOpen());
  conn->send("ignored after close");
  EXPECT_EQ(conn->queued(), 0u);
}

TEST_F(WsTest, RefusedUpgradeIsAnsweredWithoutUpgrading) {
  websocket::response_type res;
  test::beast::error_code ec;
  connect("/ws?token=bad", res, ec);
  EXPECT_EQ(ec, websocket::error::upgrade_declined);
  EXPECT_EQ(res.result_int(), 401);
  connect("/ws?token=forbidden", res, ec);
  EXPECT_EQ(res.result_int(), 403);
  // Other paths are ordinary HTTP.
  connect("/elsewhere", res, ec);
  EXPECT_EQ(res.result_int(), 404);
}

TEST_F(WsTest, BoundedQueueDropsOldestMessages) {
  websocket::response_type res;
  test::beast::error_code ec;
  auto ws = connect("/ws?token=good", res, ec);
  ASSERT_FALSE(ec);
  readText(*ws);  // hello
  ws->write(test::net::buffer(std::string("flood")));
  for (int i = 992; i < 1000; ++i) EXPECT_EQ(readText(*ws), std::to_string(i));
  EXPECT_EQ(handler_->conn()->dropped(), 992u);
  EXPECT_NE(server_->metrics().renderPrometheus().find("dcmms_ws_dropped_messages_total 992"), std::string::npos);
}

TEST_F(WsTest, ServerCloseAndStopCloseTheSocket) {
  websocket::response_type res;
  test::beast::error_code ec;
  auto ws = connect("/ws?token=good", res, ec);
  ASSERT_FALSE(ec);
  readText(*ws);
  handler_->conn()->close(4000, "bye");
  test::beast::flat_buffer buf;
  ws->read(buf, ec);
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(ws->reason().code, 4000);
  EXPECT_TRUE(handler_->waitClosed());

  auto ws2 = connect("/ws?token=good", res, ec);
  ASSERT_FALSE(ec);
  readText(*ws2);
  std::thread stopper([this] { server_->stop(2s); });
  ws2->read(buf, ec);
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(ws2->reason().code, websocket::close_code::going_away);
  stopper.join();
  EXPECT_EQ(server_->openConnections(), 0u);
}

}  // namespace
}  // namespace dcmms::http
