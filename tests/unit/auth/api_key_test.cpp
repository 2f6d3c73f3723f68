#include "auth/api_key.h"

#include <gtest/gtest.h>


#include "auth/crypto.h"

namespace dcmms::auth {
namespace {

TEST(ApiKey, GeneratesTheDocumentedFormat) {
  auto r = generateApiKey("live");
  ASSERT_TRUE(r.ok());
  const GeneratedApiKey& k = r.value();
  ASSERT_EQ(k.key.size(), 11u + 32u) << k.key;
  EXPECT_TRUE(k.key.starts_with("dcmms_live_")) << k.key;
  EXPECT_EQ(k.key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 11), std::string::npos);
  EXPECT_EQ(k.prefix, k.key.substr(0, 12));
  EXPECT_EQ(k.hash, sha256Hex(k.key));
  EXPECT_EQ(k.hash.size(), 64u);
  EXPECT_TRUE(looksLikeApiKey(k.key));
  EXPECT_TRUE(apiKeyMatches(k.key, k.hash));
  EXPECT_FALSE(apiKeyMatches(k.key + "x", k.hash));
  EXPECT_NE(generateApiKey("live")->key, k.key);
}

TEST(ApiKey, RejectsBadEnvironments) {
  for (const char* env : {"", "Live", "prod_1", "a-b", "abcdefghijklmnopq"}) {
    auto r = generateApiKey(env);
    ASSERT_FALSE(r.ok()) << env;
    EXPECT_EQ(r.error().httpStatus, 400);
    EXPECT_EQ(r.error().details.at(0).field, "env");
  }
}

TEST(ApiKey, ShapeCheck) {
  const std::string body(32, 'A');
  EXPECT_TRUE(looksLikeApiKey("dcmms_test_" + body));
  EXPECT_FALSE(looksLikeApiKey("dcmms_test_" + body.substr(1)));
  EXPECT_FALSE(looksLikeApiKey("dcmms_test_" + body + "A"));
  EXPECT_FALSE(looksLikeApiKey("dcmms__" + body));
  EXPECT_FALSE(looksLikeApiKey("xcmms_test_" + body));
  EXPECT_FALSE(looksLikeApiKey("dcmms_test_" + body.substr(1) + "-"));
  EXPECT_FALSE(looksLikeApiKey("eyJhbGciOiJSUzI1NiJ9.e30.sig"));
}

}  // namespace
}  // namespace dcmms::auth
