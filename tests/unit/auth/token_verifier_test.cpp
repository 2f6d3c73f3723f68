#include "auth/token_verifier.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <thread>

namespace dcmms::auth {
namespace {

constexpr int64_t kStartMs = 1'700'000'000'000;

const KeyPair& testKeys() {
  static const KeyPair k = KeyPair::generate();
  return k;
}

// Built by append: GCC 12 gives a false -Wrestrict for "literal" + std::string at -O2.
std::string userName(int i) {
  std::string s = "u";
  s += std::to_string(i);
  return s;
}

std::string tokenFor(const std::string& user, int64_t nowSec) {
  jwt::Claims c = jwt::newAccessClaims(nowSec);
  c.sub = user;
  c.tenantId = "t1";
  c.role = "field-technician-electrical";
  c.siteIds = {"S1"};
  return jwt::sign(c, testKeys());
}

TEST(TokenVerifier, CachesSuccessfulVerifications) {
  ManualClock clock(kStartMs);
  TokenVerifier v(testKeys(), clock);
  const std::string token = tokenFor("u1", kStartMs / 1000);
  auto first = v.verify(token);
  ASSERT_TRUE(first.ok());
  auto second = v.verify(token);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first.value(), second.value());  // the same cached claims object
  EXPECT_EQ(second.value()->sub, "u1");
  const auto s = v.stats();
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.entries, 1u);
}

TEST(TokenVerifier, CacheHitsStillExpireWithTheClock) {
  ManualClock clock(kStartMs);
  TokenVerifier v(testKeys(), clock);
  const std::string token = tokenFor("u1", kStartMs / 1000);
  ASSERT_TRUE(v.verify(token).ok());
  clock.advance(899'000);
  EXPECT_TRUE(v.verify(token).ok());
  clock.advance(1'000);
  auto r = v.verify(token);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "AUTH_EXPIRED_TOKEN");
  EXPECT_EQ(v.stats().entries, 0u);  // dropped on expiry
  EXPECT_EQ(v.verify(token).error().code, "AUTH_EXPIRED_TOKEN");
}

TEST(TokenVerifier, FailuresAreNotCached) {
  ManualClock clock(kStartMs);
  TokenVerifier v(testKeys(), clock);
  std::string token = tokenFor("u1", kStartMs / 1000);
  token.back() = token.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(v.verify(token).ok());
  EXPECT_FALSE(v.verify(token).ok());
  EXPECT_EQ(v.stats().entries, 0u);
  EXPECT_EQ(v.stats().hits, 0u);
}

TEST(TokenVerifier, CapacityIsBounded) {
  ManualClock clock(kStartMs);
  TokenVerifier v(testKeys(), clock, 32);  // 2 per shard
  std::vector<std::string> tokens;
  for (int i = 0; i < 100; ++i) tokens.push_back(tokenFor(userName(i), kStartMs / 1000));
  for (const auto& t : tokens) ASSERT_TRUE(v.verify(t).ok());
  EXPECT_LE(v.stats().entries, 32u);
  // Evicted tokens still verify (through RSA again).
  for (const auto& t : tokens) EXPECT_TRUE(v.verify(t).ok());
  v.clear();
  EXPECT_EQ(v.stats().entries, 0u);
}

TEST(TokenVerifier, ConcurrentUseIsSafe) {
  ManualClock clock(kStartMs);
  TokenVerifier v(testKeys(), clock, 64);
  std::vector<std::string> tokens;
  for (int i = 0; i < 8; ++i) tokens.push_back(tokenFor(userName(i), kStartMs / 1000));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        const auto& token = tokens[static_cast<std::size_t>((i + t) % 8)];
        auto r = v.verify(token);
        if (!r.ok() || r.value()->sub != userName((i + t) % 8)) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(v.stats().hits + v.stats().misses, 2000u);
}

TEST(TokenVerifier, PrintsCachedVersusUncachedCost) {
  ManualClock clock(kStartMs);
  TokenVerifier v(testKeys(), clock);
  const std::string token = tokenFor("bench", kStartMs / 1000);
  constexpr int kIters = 300;
  using Clk = std::chrono::steady_clock;
  auto t0 = Clk::now();
  for (int i = 0; i < kIters; ++i) ASSERT_TRUE(jwt::verify(token, testKeys(), kStartMs / 1000).ok());
  auto t1 = Clk::now();
  for (int i = 0; i < kIters * 10; ++i) ASSERT_TRUE(v.verify(token).ok());
  auto t2 = Clk::now();
  const double uncachedUs = std::chrono::duration<double, std::micro>(t1 - t0).count() / kIters;
  const double cachedUs = std::chrono::duration<double, std::micro>(t2 - t1).count() / (kIters * 10);
  std::printf("[ timing ] jwt verify uncached %.1f us/op, cached %.2f us/op (this build type)\n", uncachedUs, cachedUs);
  SUCCEED();
}

}  // namespace
}  // namespace dcmms::auth
