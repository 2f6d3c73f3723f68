#include "auth/crypto.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace dcmms::auth {
namespace {

TEST(Crypto, Base64UrlMatchesRfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""}, {"f", "Zg"}, {"fo", "Zm8"}, {"foo", "Zm9v"}, {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64UrlEncode(plain), encoded);
    EXPECT_EQ(base64UrlDecode(encoded), plain);
  }
  EXPECT_EQ(base64UrlEncode(std::string("\xfb\xff", 2)), "-_8");  // url alphabet, not +/
  EXPECT_EQ(base64UrlDecode("Zm8="), "fo");                        // padding tolerated
}

TEST(Crypto, Base64UrlRejectsGarbage) {
  EXPECT_FALSE(base64UrlDecode("Zm9v+"));  // '+' is standard base64, not url-safe
  EXPECT_FALSE(base64UrlDecode("Z"));      // impossible length
  EXPECT_FALSE(base64UrlDecode("Zh"));     // non-zero leftover bits: not canonical
  EXPECT_FALSE(base64UrlDecode("a b"));
}

TEST(Crypto, Base32MatchesRfc4648Vectors) {
  EXPECT_EQ(base32Encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(base32Encode("f"), "MY");
  EXPECT_EQ(base32Decode("MZXW6YTBOI"), "foobar");
  EXPECT_EQ(base32Decode("mzxw 6ytb-oi======"), "foobar");  // case, grouping and padding ignored
  EXPECT_EQ(base32Encode("12345678901234567890"), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_FALSE(base32Decode("MZXW1"));  // '1' is not in the alphabet
  EXPECT_FALSE(base32Decode("MY=A"));   // data after padding
}

TEST(Crypto, DigestsMatchKnownAnswers) {
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string key(20, '\x0b');
  // RFC 2202 test case 1 and RFC 4231 test case 1.
  EXPECT_EQ(toHex(hmacSha1(key, "Hi There")), "b617318655057264e28bc0b6fb378c8ef146be00");
  EXPECT_EQ(toHex(hmacSha256(key, "Hi There")), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hmacSha256("", "").size(), 32u);
}

TEST(Crypto, RandomTokensAreUniqueAndUrlSafe) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string t = randomToken(32);
    EXPECT_EQ(t.size(), 43u);
    EXPECT_EQ(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), std::string::npos);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 200u);
  EXPECT_EQ(randomBytes(0), "");
}

TEST(Crypto, RandomStringUsesOnlyTheAlphabetAndCoversIt) {
  const std::string s = randomString(3000, "abc");
  EXPECT_EQ(s.size(), 3000u);
  EXPECT_EQ(s.find_first_not_of("abc"), std::string::npos);
  for (char c : std::string("abc")) EXPECT_GT(std::count(s.begin(), s.end(), c), 800);
}

TEST(Crypto, ConstantTimeEquals) {
  EXPECT_TRUE(constantTimeEquals("abc", "abc"));
  EXPECT_TRUE(constantTimeEquals("", ""));
  EXPECT_FALSE(constantTimeEquals("abc", "abd"));
  EXPECT_FALSE(constantTimeEquals("abc", "abcd"));
}

}  // namespace
}  // namespace dcmms::auth
