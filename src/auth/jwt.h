// Access tokens: RS256-signed JWTs (RFC 7519) carrying the caller's identity, tenant, role
// and site scope. Only RS256 with our own kid and aud "dcmms-api" is accepted; "none",
// HS256 and every other alg are refused, so a public key can never be used as an HMAC secret.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/keys.h"
#include "core/error.h"

namespace dcmms::auth::jwt {

inline constexpr std::string_view kAudience = "dcmms-api";
inline constexpr std::string_view kIssuer = "dcmms";
inline constexpr int64_t kAccessTokenTtlSec = 900;  // 15 min (01 §4)
inline constexpr int64_t kNbfSkewSec = 30;          // clock skew tolerated on nbf

struct Claims {
  std::string iss{kIssuer};
  std::string sub;  // user id
  std::string aud{kAudience};
  std::string tenantId;
  std::string role;  // kebab-case role name (auth/roles.h)
  std::vector<std::string> siteIds;
  std::vector<std::string> skills;
  std::string employmentType;  // employee | contractor | auditor
  std::string jti;
  int64_t iat = 0;  // seconds since the epoch
  int64_t nbf = 0;
  int64_t exp = 0;
  bool mfa = false;  // the session passed a second factor

  bool operator==(const Claims&) const = default;
};

// Claims for a fresh access token: iat = nbf = nowSec, exp = nowSec + 900, a random jti.
Claims newAccessClaims(int64_t nowSec);

// Header {"alg":"RS256","typ":"JWT","kid":<keys.kid()>} . payload . signature.
std::string sign(const Claims& claims, const KeyPair& keys);

// Checks structure, alg, kid, signature and audience; not the time claims. Failures are
// 401 errors: AUTH_INVALID_TOKEN (malformed, wrong alg/kid/aud), AUTH_INVALID_SIGNATURE.
Result<Claims> verifySignature(std::string_view token, const KeyPair& keys);
// exp passed (exp <= now) → AUTH_EXPIRED_TOKEN; nbf more than 30 s ahead → AUTH_INVALID_TOKEN.
std::optional<Error> checkTimes(const Claims& claims, int64_t nowSec);
// verifySignature + checkTimes.
Result<Claims> verify(std::string_view token, const KeyPair& keys, int64_t nowSec);

}  // namespace dcmms::auth::jwt
