#include "auth/jwt.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "auth/crypto.h"

namespace dcmms::auth::jwt {
namespace {

constexpr int64_t kNow = 1'700'000'000;

class JwtTest : public ::testing::Test {
 protected:
  static const KeyPair& keys() {
    static const KeyPair k = KeyPair::generate();  // one RSA keygen for the whole suite
    return k;
  }

  static Claims sampleClaims() {
    Claims c = newAccessClaims(kNow);
    c.sub = "user-1";
    c.tenantId = "tenant-1";
    c.role = "plant-manager";
    c.siteIds = {"S1", "S2"};
    c.skills = {"electrical-hv"};
    c.employmentType = "employee";
    c.mfa = true;
    return c;
  }

  struct Parts {
    std::string header, payload, signature;
    std::string join() const { return header + "." + payload + "." + signature; }
  };
  static Parts split(const std::string& token) {
    const auto d1 = token.find('.');
    const auto d2 = token.find('.', d1 + 1);
    return {token.substr(0, d1), token.substr(d1 + 1, d2 - d1 - 1), token.substr(d2 + 1)};
  }
  static std::string encodeJson(const boost::json::value& v) { return base64UrlEncode(boost::json::serialize(v)); }
};

TEST_F(JwtTest, RoundTripsAllClaims) {
  const Claims c = sampleClaims();
  const std::string token = sign(c, keys());
  const auto header = boost::json::parse(*base64UrlDecode(split(token).header)).as_object();
  EXPECT_EQ(header.at("alg").as_string(), "RS256");
  EXPECT_EQ(header.at("typ").as_string(), "JWT");
  EXPECT_EQ(std::string(header.at("kid").as_string()), keys().kid());

  auto r = verify(token, keys(), kNow + 10);
  ASSERT_TRUE(r.ok()) << r.error().code;
  EXPECT_EQ(r.value(), c);
  EXPECT_EQ(r->exp - r->iat, 900);
  EXPECT_EQ(r->aud, "dcmms-api");
  EXPECT_FALSE(r->jti.empty());
}

TEST_F(JwtTest, FlippedSignatureByteIsInvalidSignature) {
  Parts p = split(sign(sampleClaims(), keys()));
  std::string sig = *base64UrlDecode(p.signature);
  sig[5] ^= 0x01;
  p.signature = base64UrlEncode(sig);
  auto r = verify(p.join(), keys(), kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().httpStatus, 401);
  EXPECT_EQ(r.error().code, "AUTH_INVALID_SIGNATURE");
}

TEST_F(JwtTest, ModifiedPayloadIsInvalidSignature) {
  Parts p = split(sign(sampleClaims(), keys()));
  auto payload = boost::json::parse(*base64UrlDecode(p.payload)).as_object();
  payload["role"] = "system-administrator";
  p.payload = encodeJson(payload);
  auto r = verify(p.join(), keys(), kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "AUTH_INVALID_SIGNATURE");

  // Also when the change breaks the payload's encoding: the signature is checked first.
  Parts q = split(sign(sampleClaims(), keys()));
  q.payload[3] = q.payload[3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(verify(q.join(), keys(), kNow).error().code, "AUTH_INVALID_SIGNATURE");
}

TEST_F(JwtTest, AlgNoneIsRejected) {
  Parts p = split(sign(sampleClaims(), keys()));
  p.header = encodeJson({{"alg", "none"}, {"typ", "JWT"}, {"kid", keys().kid()}});
  p.signature.clear();
  auto r = verify(p.join(), keys(), kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "AUTH_INVALID_TOKEN");
}

TEST_F(JwtTest, Hs256WithThePublicKeyAsSecretIsRejected) {
  // The classic algorithm-confusion attack: an HMAC "signed" with the public key.
  Parts p = split(sign(sampleClaims(), keys()));
  p.header = encodeJson({{"alg", "HS256"}, {"typ", "JWT"}, {"kid", keys().kid()}});
  p.signature = base64UrlEncode(hmacSha256(keys().publicPem(), p.header + "." + p.payload));
  EXPECT_EQ(verify(p.join(), keys(), kNow).error().code, "AUTH_INVALID_TOKEN");
}

TEST_F(JwtTest, UnknownKidAndForeignKeyAreRejected) {
  Parts p = split(sign(sampleClaims(), keys()));
  p.header = encodeJson({{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "0000000000000000"}});
  EXPECT_EQ(verify(p.join(), keys(), kNow).error().code, "AUTH_INVALID_TOKEN");

  const KeyPair other = KeyPair::generate();
  EXPECT_EQ(verify(sign(sampleClaims(), other), keys(), kNow).error().code, "AUTH_INVALID_TOKEN");
}

TEST_F(JwtTest, WrongAudienceIsRejected) {
  Claims c = sampleClaims();
  c.aud = "another-api";
  EXPECT_EQ(verify(sign(c, keys()), keys(), kNow).error().code, "AUTH_INVALID_TOKEN");
}

TEST_F(JwtTest, ExpiryAndNotBefore) {
  const std::string token = sign(sampleClaims(), keys());
  EXPECT_TRUE(verify(token, keys(), kNow + 899).ok());
  EXPECT_EQ(verify(token, keys(), kNow + 900).error().code, "AUTH_EXPIRED_TOKEN");
  EXPECT_EQ(verify(token, keys(), kNow + 5000).error().code, "AUTH_EXPIRED_TOKEN");
  // nbf: 30 s of clock skew tolerated, no more.
  EXPECT_TRUE(verify(token, keys(), kNow - 30).ok());
  EXPECT_EQ(verify(token, keys(), kNow - 31).error().code, "AUTH_INVALID_TOKEN");
}

TEST_F(JwtTest, MalformedTokensAreInvalidToken) {
  const std::string good = sign(sampleClaims(), keys());
  for (const std::string& bad :
       {std::string(), std::string("abc"), std::string("a.b"), good + ".x", std::string("!!.!!.!!"),
        encodeJson(boost::json::array{1}) + ".e30.AA", std::string("e30.e30.e30")}) {
    auto r = verify(bad, keys(), kNow);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "AUTH_INVALID_TOKEN") << bad;
  }
}

TEST_F(JwtTest, ClaimsOfTheWrongTypeAreInvalidToken) {
  // A correctly signed token whose payload is nonsense must still be refused.
  const std::string header = encodeJson({{"alg", "RS256"}, {"typ", "JWT"}, {"kid", keys().kid()}});
  auto signedWith = [&](const boost::json::object& payload) {
    const std::string input = header + "." + encodeJson(payload);
    return input + "." + base64UrlEncode(keys().signRs256(input));
  };
  EXPECT_EQ(verify(signedWith({{"sub", "u"}, {"aud", "dcmms-api"}, {"exp", "soon"}}), keys(), kNow).error().code,
            "AUTH_INVALID_TOKEN");
  EXPECT_EQ(verify(signedWith({{"sub", "u"}, {"aud", "dcmms-api"}}), keys(), kNow).error().code, "AUTH_INVALID_TOKEN");
  EXPECT_EQ(verify(signedWith({{"sub", "u"}, {"aud", "dcmms-api"}, {"exp", kNow + 60}, {"siteIds", "S1"}}), keys(), kNow)
                .error()
                .code,
            "AUTH_INVALID_TOKEN");
  auto ok = verify(signedWith({{"sub", "u"}, {"aud", boost::json::array{"x", "dcmms-api"}}, {"exp", kNow + 60}}), keys(),
                   kNow);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->sub, "u");
}

}  // namespace
}  // namespace dcmms::auth::jwt
