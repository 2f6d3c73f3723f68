#include "auth/totp.h"

#include <gtest/gtest.h>

#include <set>

#include "auth/crypto.h"

namespace dcmms::auth::totp {
namespace {

// RFC 6238 appendix B uses the ASCII key "12345678901234567890" for SHA-1.
const std::string kRfcKey = "12345678901234567890";
const std::string kRfcSecret = base32Encode(kRfcKey);

TEST(Totp, MatchesRfc6238Sha1Vectors) {
  const std::pair<int64_t, std::string> vectors[] = {
      {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
      {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
  };
  for (const auto& [t, code8] : vectors) {
    EXPECT_EQ(hotp(kRfcKey, static_cast<uint64_t>(t / kStepSec), 8), code8) << t;
    // The 6-digit code is the low six digits of the same truncated value.
    EXPECT_EQ(codeAt(kRfcSecret, t), code8.substr(2)) << t;
  }
}

TEST(Totp, AcceptsOneStepEitherSideAndReturnsTheStep) {
  const int64_t now = 1'700'000'015;  // inside step 56666667
  const int64_t step = now / kStepSec;
  EXPECT_EQ(verify(kRfcSecret, *codeAt(kRfcSecret, now), now), step);
  EXPECT_EQ(verify(kRfcSecret, *codeAt(kRfcSecret, now - 30), now), step - 1);
  EXPECT_EQ(verify(kRfcSecret, *codeAt(kRfcSecret, now + 30), now), step + 1);
}

TEST(Totp, RefusesCodesTwoStepsAway) {
  const int64_t now = 1'700'000'015;
  const std::string old = *codeAt(kRfcSecret, now - 60);
  const std::string ahead = *codeAt(kRfcSecret, now + 60);
  // Guard against an accidental collision with a code inside the window.
  for (int d = -1; d <= 1; ++d) {
    ASSERT_NE(old, *codeAt(kRfcSecret, now + d * 30));
    ASSERT_NE(ahead, *codeAt(kRfcSecret, now + d * 30));
  }
  EXPECT_FALSE(verify(kRfcSecret, old, now));
  EXPECT_FALSE(verify(kRfcSecret, ahead, now));
  EXPECT_EQ(verify(kRfcSecret, old, now, 2), now / kStepSec - 2);  // a wider window finds it
}

TEST(Totp, RejectsMalformedInput) {
  const int64_t now = 1'700'000'015;
  const std::string code = *codeAt(kRfcSecret, now);
  EXPECT_FALSE(verify(kRfcSecret, code.substr(1), now));
  EXPECT_FALSE(verify(kRfcSecret, code + "0", now));
  EXPECT_FALSE(verify(kRfcSecret, "12345a", now));
  EXPECT_FALSE(verify("not base32!", code, now));
  EXPECT_FALSE(verify("", code, now));
  EXPECT_FALSE(codeAt("1!", now));
}

TEST(Totp, GeneratesDistinctTwentyByteSecrets) {
  const std::string a = generateSecret();
  const std::string b = generateSecret();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_EQ(base32Decode(a)->size(), kSecretBytes);
  const int64_t now = 1'700'000'000;
  EXPECT_TRUE(verify(a, *codeAt(a, now), now));
}

TEST(Totp, ProvisioningUriFollowsKeyUriFormat) {
  EXPECT_EQ(provisioningUri("dCMMS", "jane@example.com", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/dCMMS:jane%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=dCMMS"
            "&algorithm=SHA1&digits=6&period=30");
  EXPECT_NE(provisioningUri("Acme Solar", "a", "X").find("Acme%20Solar:a"), std::string::npos);
}

TEST(BackupCodes, TenUniqueCodesInTheDisplayFormat) {
  const auto codes = generateBackupCodes();
  ASSERT_EQ(codes.size(), 10u);
  std::set<std::string> unique(codes.begin(), codes.end());
  EXPECT_EQ(unique.size(), 10u);
  for (const auto& c : codes) {
    ASSERT_EQ(c.size(), 9u) << c;
    EXPECT_EQ(c[4], '-') << c;
    EXPECT_EQ((c.substr(0, 4) + c.substr(5)).find_first_not_of("abcdefghjkmnpqrstuvwxyz23456789"), std::string::npos) << c;
    EXPECT_EQ(c.find_first_of("01ilo"), std::string::npos) << c;
  }
}

TEST(BackupCodes, HashIgnoresCaseAndGrouping) {
  const std::string h = hashBackupCode("abcd-efgh");
  EXPECT_EQ(h.size(), 64u);
  EXPECT_EQ(hashBackupCode("ABCD-EFGH"), h);
  EXPECT_EQ(hashBackupCode("abcdefgh"), h);
  EXPECT_EQ(hashBackupCode(" abcd efgh "), h);
  EXPECT_NE(hashBackupCode("abcd-efgj"), h);
}

}  // namespace
}  // namespace dcmms::auth::totp
