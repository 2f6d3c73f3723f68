#include "http/server.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <random>
#include <thread>

#include "core/error.h"
#include "test_client.h"

namespace dcmms::http {
namespace {

using namespace std::chrono_literals;
using test::Client;
using test::bhttp::verb;

Response text(std::string body, int status = 200) {
  Response r;
  r.status = status;
  r.contentType = "text/plain";
  r.body = std::move(body);
  return r;
}

// Renders errors the way the API layer will: the error code in the body.
Hooks envelopeHooks() {
  Hooks h;
  h.onException = [](Request&, const std::exception& e) {
    if (const auto* api = dynamic_cast<const ApiException*>(&e)) {
      return text("error:" + api->error().code, api->error().httpStatus);
    }
    return text("error:INTERNAL", 500);
  };
  h.onNotFound = [](Request& req) { return text("nothing at " + req.path, 404); };
  return h;
}

class ServerTest : public ::testing::Test {
 protected:
  void start(ServerOptions o = {}, Hooks hooks = envelopeHooks()) {
    if (o.threads == 0) o.threads = 2;
    server_ = std::make_unique<Server>(std::move(o), router_, std::move(hooks));
    server_->start();
  }
  void TearDown() override {
    if (server_) server_->stop(1s);
    if (!tmp_.empty()) std::filesystem::remove_all(tmp_);
  }
  std::filesystem::path tmpDir() {
    if (tmp_.empty()) {
      char tmpl[] = "/tmp/dcmms-http-XXXXXX";
      tmp_ = ::mkdtemp(tmpl);
    }
    return tmp_;
  }
  uint16_t port() const { return server_->port(); }

  Router router_;
  std::unique_ptr<Server> server_;
  std::filesystem::path tmp_;
};

TEST_F(ServerTest, RoutesWithParamsAndDistinguishes404From405) {
  router_.add({"GET", "/api/items/{id}", [](Request& r) { return text("item " + std::string(r.param("id"))); }});
  router_.add({"GET", "/api/items/special", [](Request&) { return text("special"); }});
  router_.add({"POST", "/api/items", [](Request& r) { return text("created " + r.body, 201); }});
  router_.add({"GET", "/api/search", [](Request& r) {
                 return text("q=" + r.queryParam("q").value_or("-") + " pattern=" + r.routePattern);
               }});
  start();
  Client c(port());
  auto res = c.request(verb::get, "/api/items/a%20b");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "item a b");
  EXPECT_EQ(c.request(verb::get, "/api/items/special").body(), "special");
  res = c.request(verb::post, "/api/items", "x");
  EXPECT_EQ(res.result_int(), 201);
  EXPECT_EQ(res.body(), "created x");
  EXPECT_EQ(c.request(verb::get, "/api/search?q=a+b%21").body(), "q=a b! pattern=/api/search");

  res = c.request(verb::get, "/api/nothing");
  EXPECT_EQ(res.result_int(), 404);
  EXPECT_EQ(res.body(), "nothing at /api/nothing");
  res = c.request(verb::delete_, "/api/items");
  EXPECT_EQ(res.result_int(), 405);
  EXPECT_EQ(res[test::bhttp::field::allow], "POST");
}

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  router_.add({"GET", "/n/{i}", [](Request& r) { return text(std::string(r.param("i"))); }});
  start();
  Client c(port());
  for (int i = 0; i < 200; ++i) {
    auto res = c.request(verb::get, "/n/" + std::to_string(i));
    ASSERT_EQ(res.body(), std::to_string(i));
    ASSERT_TRUE(res.keep_alive());
  }
  EXPECT_EQ(server_->openConnections(), 1u);
}

TEST_F(ServerTest, BodyOverTheLimitIs413ThroughTheExceptionHook) {
  router_.add({"POST", "/small", [](Request& r) { return text(std::to_string(r.body.size())); }});
  Route upload{"POST", "/upload", [](Request& r) { return text(std::to_string(r.body.size())); }};
  upload.upload = true;
  router_.add(std::move(upload));
  ServerOptions o;
  o.maxBodyBytes = 1000;
  o.maxUploadBytes = 5000;
  start(o);
  {
    Client c(port());
    EXPECT_EQ(c.request(verb::post, "/small", std::string(1000, 'x')).body(), "1000");
    auto res = c.request(verb::post, "/small", std::string(1001, 'x'));
    EXPECT_EQ(res.result_int(), 413);
    EXPECT_EQ(res.body(), "error:PAYLOAD_TOO_LARGE");
    EXPECT_FALSE(res.keep_alive());
  }
  {
    Client c(port());
    EXPECT_EQ(c.request(verb::post, "/upload", std::string(4000, 'x')).body(), "4000");
    EXPECT_EQ(c.request(verb::post, "/upload", std::string(6000, 'x')).result_int(), 413);
  }
  {
    // Chunked, so the size is only known while reading.
    Client c(port());
    c.writeRaw("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    c.writeRaw("3e8\r\n" + std::string(1000, 'y') + "\r\n");
    c.writeRaw("3e8\r\n" + std::string(1000, 'y') + "\r\n0\r\n\r\n");
    auto res = c.read();
    EXPECT_EQ(res.result_int(), 413);
  }
}

TEST_F(ServerTest, AnswersExpectContinueBeforeTheBody) {
  router_.add({"POST", "/echo", [](Request& r) { return text(r.body, 201); }});
  start();
  Client c(port());
  c.writeRaw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(c.read().result_int(), 100);
  c.writeRaw("hello");
  auto res = c.read();
  EXPECT_EQ(res.result_int(), 201);
  EXPECT_EQ(res.body(), "hello");
}

TEST_F(ServerTest, MalformedRequestIs400AndCloses) {
  start();
  Client c(port());
  c.writeRaw("GET /x HTTP/1.1\r\nHo st: bad header\r\n\r\n");
  auto res = c.read();
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_EQ(res.body(), "error:MALFORMED_REQUEST");
  EXPECT_TRUE(c.closedByServer());
}

TEST_F(ServerTest, RequestIdIsTakenSanitisedOrGenerated) {
  std::string seen;
  router_.add({"GET", "/id", [&](Request& r) {
                 seen = r.requestId;
                 return text("ok");
               }});
  start();
  Client c(port());
  auto res = c.request(verb::get, "/id", {}, {{"X-Request-ID", "abc-123"}});
  EXPECT_EQ(res["X-Request-ID"], "abc-123");
  EXPECT_EQ(seen, "abc-123");
  res = c.request(verb::get, "/id", {}, {{"X-Request-ID", "a<b>c\"d" + std::string(300, 'z')}});
  EXPECT_EQ(std::string(res["X-Request-ID"]), "abcd" + std::string(124, 'z'));
  res = c.request(verb::get, "/id");
  EXPECT_EQ(res["X-Request-ID"].size(), 36u);
  EXPECT_EQ(std::string(res["X-Request-ID"]), seen);
  // Errors carry it too.
  res = c.request(verb::get, "/missing", {}, {{"X-Request-ID", "r-404"}});
  EXPECT_EQ(res["X-Request-ID"], "r-404");
}

TEST_F(ServerTest, HooksShortCircuitDecorateAndRenderExceptions) {
  router_.add({"GET", "/conflict", [](Request&) -> Response { fail(Error::conflict("BUSY", "busy")); }});
  router_.add({"GET", "/boom", [](Request&) -> Response { throw std::runtime_error("boom"); }});
  router_.add({"GET", "/ok", [](Request& r) { return text(r.routeInfo ? "info" : "none"); }});
  Hooks h = envelopeHooks();
  h.before = [](Request& r) -> std::optional<Response> {
    if (r.method == "OPTIONS") return text("", 204);
    if (r.header("Authorization") == "bad") fail(Error{401, "AUTH_REQUIRED", "no", {}});
    return std::nullopt;
  };
  h.after = [](Request& r, Response& res) { res.setHeader("X-Route", r.routePattern); };
  start({}, std::move(h));
  Client c(port());
  auto res = c.request(verb::get, "/conflict");
  EXPECT_EQ(res.result_int(), 409);
  EXPECT_EQ(res.body(), "error:BUSY");
  EXPECT_EQ(res["X-Route"], "/conflict");
  res = c.request(verb::get, "/boom");
  EXPECT_EQ(res.result_int(), 500);
  EXPECT_EQ(res.body(), "error:INTERNAL");
  EXPECT_EQ(c.request(verb::options, "/anything").result_int(), 204);
  EXPECT_EQ(c.request(verb::get, "/ok", {}, {{"Authorization", "bad"}}).result_int(), 401);
  EXPECT_EQ(c.request(verb::get, "/ok").body(), "info");
}

TEST_F(ServerTest, StreamsFilesAndAnswersHeadWithoutBody) {
  const auto path = tmpDir() / "blob.bin";
  std::string content(3 << 20, '\0');
  std::mt19937 rng(7);
  for (auto& ch : content) ch = static_cast<char>(rng());
  std::ofstream(path, std::ios::binary).write(content.data(), static_cast<std::streamsize>(content.size()));
  router_.add({"GET", "/file/{name}", [&](Request& r) {
                 Response res;
                 res.contentType = "application/octet-stream";
                 res.filePath = (tmp_ / std::string(r.param("name"))).string();
                 res.setHeader("Content-Disposition", "attachment; filename=\"blob.bin\"");
                 return res;
               }});
  start();
  Client c(port());
  auto res = c.request(verb::get, "/file/blob.bin");
  ASSERT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body().size(), content.size());
  EXPECT_TRUE(res.body() == content);
  EXPECT_EQ(res[test::bhttp::field::content_disposition], "attachment; filename=\"blob.bin\"");
  EXPECT_EQ(c.request(verb::get, "/file/missing.bin").result_int(), 404);

  c.expectHeadResponse(true);
  res = c.request(verb::head, "/file/blob.bin");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res[test::bhttp::field::content_length], std::to_string(content.size()));
  EXPECT_TRUE(res.body().empty());
  c.expectHeadResponse(false);
  EXPECT_EQ(c.request(verb::get, "/file/blob.bin").body().size(), content.size());  // still in sync
}

TEST_F(ServerTest, GracefulStopFinishesInFlightRequestAndClosesIdleConnections) {
  std::promise<void> entered;
  router_.add({"GET", "/slow", [&](Request&) {
                 entered.set_value();
                 std::this_thread::sleep_for(300ms);
                 return text("done");
               }});
  router_.add({"GET", "/fast", [](Request&) { return text("fast"); }});
  ServerOptions o;
  o.threads = 1;
  start(o);
  Client idle(port());
  EXPECT_EQ(idle.request(verb::get, "/fast").body(), "fast");
  Client busy(port());
  busy.send(verb::get, "/slow");
  entered.get_future().wait();
  const auto t0 = std::chrono::steady_clock::now();
  server_->stop(3s);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  auto res = busy.read();
  EXPECT_EQ(res.body(), "done");
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(idle.closedByServer());
  EXPECT_EQ(server_->openConnections(), 0u);
}

TEST_F(ServerTest, ThousandConcurrentConnectionsAreAllAnswered) {
  router_.add({"GET", "/c/{i}", [](Request& r) { return text(std::string(r.param("i"))); }});
  start();
  constexpr int kConnections = 1000;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kConnections; ++i) clients.push_back(std::make_unique<Client>(port()));
  for (int i = 0; i < kConnections; ++i) clients[i]->send(verb::get, "/c/" + std::to_string(i));
  int answered = 0;
  for (int i = 0; i < kConnections; ++i) answered += clients[i]->read().body() == std::to_string(i);
  EXPECT_EQ(answered, kConnections);
}

TEST_F(ServerTest, MetricsCountPerRoutePattern) {
  router_.add({"GET", "/m/{id}", [](Request&) { return text("m"); }});
  start();
  Client c(port());
  for (int i = 0; i < 3; ++i) c.request(verb::get, "/m/" + std::to_string(i));
  c.request(verb::get, "/nope");
  server_->metrics().counter("dcmms_custom_total", "A module's counter.").inc(5);
  const std::string text = server_->metrics().renderPrometheus();
  EXPECT_NE(text.find("dcmms_http_requests_total{route=\"/m/{id}\",method=\"GET\",status=\"2xx\"} 3"), std::string::npos);
  EXPECT_NE(text.find("dcmms_http_requests_total{route=\"<unmatched>\",method=\"GET\",status=\"4xx\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("dcmms_http_request_duration_seconds_count{route=\"/m/{id}\",method=\"GET\"} 3"),
            std::string::npos);
  EXPECT_NE(text.find("dcmms_custom_total 5"), std::string::npos);
  EXPECT_NE(text.find("dcmms_http_open_connections 1"), std::string::npos);
}

}  // namespace
}  // namespace dcmms::http
