// Metrics registry, URL helpers and static files.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "http/metrics.h"
#include "http/static_files.h"
#include "http/url.h"

namespace dcmms::http {
namespace {

TEST(Metrics, RegistryRendersCountersGaugesAndCollectors) {
  MetricsRegistry reg;
  reg.counter("jobs_total", "Jobs run.", {{"job", "sla"}}).inc(2);
  reg.counter("jobs_total", "Jobs run.", {{"job", "sla"}}).inc();  // same series
  reg.gauge("queue_depth", "Queued.").set(1.5);
  reg.gaugeFn("answer", "Computed.", [] { return 42.0; });
  reg.addCollector([](std::string& out) { out += "# custom\n"; });
  EXPECT_THROW(reg.gauge("jobs_total", "x"), std::invalid_argument);
  EXPECT_THROW(reg.counter("bad name", "x"), std::invalid_argument);
  const std::string text = reg.renderPrometheus();
  EXPECT_NE(text.find("# TYPE jobs_total counter\njobs_total{job=\"sla\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("queue_depth 1.5\n"), std::string::npos);
  EXPECT_NE(text.find("answer 42\n"), std::string::npos);
  EXPECT_NE(text.find("# custom\n"), std::string::npos);
}

TEST(Metrics, HttpHistogramIsCumulativeAndMergesShards) {
  HttpMetrics m({{"GET", "/a/{id}"}, {"POST", "/a"}}, 2);
  m.record(0, 0, 200, 300);        // 0.3 ms
  m.record(1, 0, 404, 3000);       // 3 ms
  m.record(1, 0, 200, 20'000'000);  // 20 s: only +Inf
  std::string out;
  m.render(out);
  EXPECT_NE(out.find("dcmms_http_requests_total{route=\"/a/{id}\",method=\"GET\",status=\"2xx\"} 2"), std::string::npos);
  EXPECT_NE(out.find("dcmms_http_requests_total{route=\"/a/{id}\",method=\"GET\",status=\"4xx\"} 1"), std::string::npos);
  EXPECT_NE(out.find("_bucket{route=\"/a/{id}\",method=\"GET\",le=\"0.0005\"} 1\n"), std::string::npos);
  EXPECT_NE(out.find("_bucket{route=\"/a/{id}\",method=\"GET\",le=\"0.005\"} 2\n"), std::string::npos);
  EXPECT_NE(out.find("_bucket{route=\"/a/{id}\",method=\"GET\",le=\"10\"} 2\n"), std::string::npos);
  EXPECT_NE(out.find("_bucket{route=\"/a/{id}\",method=\"GET\",le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(out.find("dcmms_http_request_duration_seconds_sum{route=\"/a/{id}\",method=\"GET\"} 20.0033\n"),
            std::string::npos);
  EXPECT_EQ(out.find("route=\"/a\""), std::string::npos);  // no requests, no series
}

TEST(Url, DecodesAndParsesQueries) {
  EXPECT_EQ(percentDecode("a%20b%2fc+d"), "a b/c+d");
  EXPECT_EQ(percentDecode("a+b", true), "a b");
  EXPECT_EQ(percentDecode("100%"), "100%");
  EXPECT_EQ(percentDecode("%zz%4"), "%zz%4");
  const auto q = parseQuery("a=1&&b=x%20y&c&=v");
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[1], (std::pair<std::string, std::string>{"b", "x y"}));
  EXPECT_EQ(q[2], (std::pair<std::string, std::string>{"c", ""}));
  EXPECT_EQ(q[3], (std::pair<std::string, std::string>{"", "v"}));
  EXPECT_EQ(sanitizeRequestId("ok-1\r\nX-Evil: 1"), "ok-1X-Evil:1");
}

class StaticFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dcmms-static-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    std::filesystem::create_directories(dir_ / "www/assets");
    std::ofstream(dir_ / "www/index.html") << "<html>";
    std::ofstream(dir_ / "www/assets/app.1a2b.js") << "js";
    std::ofstream(dir_ / "secret.txt") << "secret";
    std::filesystem::create_symlink(dir_ / "secret.txt", dir_ / "www/link.txt");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  int status(std::string_view path) {
    try {
      serveStatic(dir_ / "www", path);
      return 200;
    } catch (const ApiException& e) {
      return e.error().httpStatus;
    }
  }
  std::filesystem::path dir_;
};

TEST_F(StaticFiles, ServesFilesWithTypesAndCacheHeaders) {
  auto res = serveStatic(dir_ / "www", "/assets/app.1a2b.js");
  EXPECT_EQ(res.contentType, "application/javascript");
  EXPECT_EQ(res.filePath, (std::filesystem::canonical(dir_) / "www/assets/app.1a2b.js").string());
  EXPECT_EQ(res.headers[0].second, "public, max-age=31536000, immutable");
  res = serveStatic(dir_ / "www", "/");
  EXPECT_EQ(res.contentType, "text/html; charset=utf-8");
  EXPECT_EQ(res.headers[0].second, "no-cache");
  EXPECT_EQ(contentTypeFor("X.PNG"), "image/png");
  EXPECT_EQ(contentTypeFor("noext"), "application/octet-stream");
}

TEST_F(StaticFiles, RefusesTraversalAndMissingFiles) {
  EXPECT_EQ(status("/missing.js"), 404);
  EXPECT_EQ(status("/../secret.txt"), 404);
  EXPECT_EQ(status("/assets/../../secret.txt"), 404);
  EXPECT_EQ(status("/..\\secret.txt"), 404);
  EXPECT_EQ(status(std::string_view("/index.html\0x", 13)), 404);
  EXPECT_EQ(status("/link.txt"), 404);  // symlink leaving the root
  EXPECT_EQ(status("/assets"), 404);    // directory without index.html
}

}  // namespace
}  // namespace dcmms::http
