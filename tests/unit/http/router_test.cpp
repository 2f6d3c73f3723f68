#include "http/router.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace dcmms::http {
namespace {

Route route(std::string method, std::string pattern) {
  return {std::move(method), std::move(pattern), [](Request&) { return Response{}; }};
}

TEST(Router, MatchesLiteralsAndCapturesParams) {
  Router r;
  r.add(route("GET", "/api/v1/sites/{siteId}/assets/{assetId}"));
  r.add(route("GET", "/"));
  auto m = r.match("GET", "/api/v1/sites/S1/assets/A%202");
  ASSERT_TRUE(m.found());
  EXPECT_EQ(m.route->pattern, "/api/v1/sites/{siteId}/assets/{assetId}");
  ASSERT_EQ(m.paramCount, 2u);
  EXPECT_EQ(m.params[0].first, "siteId");
  EXPECT_EQ(m.params[0].second, "S1");
  EXPECT_EQ(m.params[1].second, "A%202");  // raw; the dispatcher decodes
  EXPECT_TRUE(r.match("GET", "/").found());
  EXPECT_FALSE(r.match("GET", "/api/v1/sites/S1/assets").found());
  EXPECT_FALSE(r.match("GET", "/api/v1/sites/S1/assets/A/x").found());
  EXPECT_FALSE(r.match("GET", "/api/v1/sites//assets/A").found());  // empty capture
  EXPECT_FALSE(r.match("GET", "/api/v1/sites/S1/assets/A/").found());  // trailing slash
  EXPECT_FALSE(r.match("GET", "").found());
}

TEST(Router, LiteralBeatsCaptureWithBacktracking) {
  Router r;
  r.add(route("GET", "/wo/{id}"));
  r.add(route("GET", "/wo/stats"));
  r.add(route("GET", "/wo/stats/daily"));
  r.add(route("POST", "/wo/{id}/transition"));
  EXPECT_EQ(r.match("GET", "/wo/stats").route->pattern, "/wo/stats");
  EXPECT_EQ(r.match("GET", "/wo/42").route->pattern, "/wo/{id}");
  // "stats" takes the literal branch first, which has no /transition: backtrack to the capture.
  auto m = r.match("POST", "/wo/stats/transition");
  ASSERT_TRUE(m.found());
  EXPECT_EQ(m.route->pattern, "/wo/{id}/transition");
  EXPECT_EQ(m.params[0].second, "stats");
}

TEST(Router, MethodNotAllowedListsAllowedMethods) {
  Router r;
  r.add(route("GET", "/items/{id}"));
  r.add(route("PATCH", "/items/{id}"));
  r.add(route("DELETE", "/items/{key}"));
  auto m = r.match("PUT", "/items/1");
  EXPECT_EQ(m.kind, MatchResult::Kind::methodNotAllowed);
  EXPECT_EQ(m.allow, "GET, HEAD, PATCH, DELETE");
  EXPECT_EQ(r.match("PUT", "/other").kind, MatchResult::Kind::notFound);
  auto d = r.match("DELETE", "/items/9");
  ASSERT_TRUE(d.found());
  EXPECT_EQ(d.params[0].first, "key");  // names are per route
}

TEST(Router, HeadFallsBackToGet) {
  Router r;
  r.add(route("GET", "/x"));
  auto m = r.match("HEAD", "/x");
  ASSERT_TRUE(m.found());
  EXPECT_EQ(m.route->method, "GET");
}

TEST(Router, RejectsBadPatternsAndDuplicates) {
  Router r;
  EXPECT_THROW(r.add(route("GET", "x")), std::invalid_argument);
  EXPECT_THROW(r.add(route("GET", "/a//b")), std::invalid_argument);
  EXPECT_THROW(r.add(route("GET", "/a/{b")), std::invalid_argument);
  EXPECT_THROW(r.add(route("GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}")), std::invalid_argument);
  r.add(route("GET", "/a"));
  EXPECT_THROW(r.add(route("GET", "/a")), std::invalid_argument);
  EXPECT_EQ(r.routes().size(), 1u);
}

}  // namespace
}  // namespace dcmms::http
