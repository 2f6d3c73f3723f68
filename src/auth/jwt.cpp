#include "auth/jwt.h"

#include <boost/json.hpp>
#include <cstdint>

#include "auth/crypto.h"

namespace dcmms::auth::jwt {
namespace {

namespace json = boost::json;

Error invalidToken(std::string message) { return Error{401, "AUTH_INVALID_TOKEN", std::move(message), {}}; }

json::array toArray(const std::vector<std::string>& v) {
  json::array a;
  a.reserve(v.size());
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

// Typed readers: a missing key keeps the default; a wrong type makes the token malformed.
bool readString(const json::object& o, std::string_view key, std::string& out) {
  const json::value* v = o.if_contains(key);
  if (!v) return true;
  if (!v->is_string()) return false;
  out = std::string(v->get_string());
  return true;
}

bool readInt(const json::object& o, std::string_view key, int64_t& out) {
  const json::value* v = o.if_contains(key);
  if (!v) return true;
  if (v->is_int64()) {
    out = v->get_int64();
    return true;
  }
  if (v->is_uint64() && v->get_uint64() <= uint64_t(INT64_MAX)) {
    out = static_cast<int64_t>(v->get_uint64());
    return true;
  }
  return false;
}

bool readStrings(const json::object& o, std::string_view key, std::vector<std::string>& out) {
  const json::value* v = o.if_contains(key);
  if (!v) return true;
  if (!v->is_array()) return false;
  out.clear();
  for (const auto& e : v->get_array()) {
    if (!e.is_string()) return false;
    out.emplace_back(e.get_string());
  }
  return true;
}

// aud may be a string or an array of strings (RFC 7519 §4.1.3); it must name us.
bool audienceMatches(const json::value& aud) {
  if (aud.is_string()) return aud.get_string() == kAudience;
  if (!aud.is_array()) return false;
  for (const auto& e : aud.get_array()) {
    if (e.is_string() && e.get_string() == kAudience) return true;
  }
  return false;
}

std::optional<json::object> parseObject(std::string_view segment) {
  auto text = base64UrlDecode(segment);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

}  // namespace

Claims newAccessClaims(int64_t nowSec) {
  Claims c;
  c.jti = randomToken(16);
  c.iat = nowSec;
  c.nbf = nowSec;
  c.exp = nowSec + kAccessTokenTtlSec;
  return c;
}

std::string sign(const Claims& c, const KeyPair& keys) {
  json::object header{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", keys.kid()}};
  json::object payload{{"iss", c.iss},         {"sub", c.sub},
                       {"aud", c.aud},         {"tenantId", c.tenantId},
                       {"role", c.role},       {"siteIds", toArray(c.siteIds)},
                       {"skills", toArray(c.skills)}, {"employmentType", c.employmentType},
                       {"jti", c.jti},         {"iat", c.iat},
                       {"nbf", c.nbf},         {"exp", c.exp},
                       {"mfa", c.mfa}};
  std::string token = base64UrlEncode(json::serialize(header));
  token += '.';
  token += base64UrlEncode(json::serialize(payload));
  const std::string sig = keys.signRs256(token);
  token += '.';
  token += base64UrlEncode(sig);
  return token;
}

Result<Claims> verifySignature(std::string_view token, const KeyPair& keys) {
  const std::size_t dot1 = token.find('.');
  const std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return invalidToken("Token is not a JWS compact serialisation");
  }
  const auto header = parseObject(token.substr(0, dot1));
  if (!header) return invalidToken("Token header is malformed");
  const json::value* alg = header->if_contains("alg");
  if (!alg || !alg->is_string() || alg->get_string() != "RS256") return invalidToken("Token algorithm is not RS256");
  const json::value* kid = header->if_contains("kid");
  if (!kid || !kid->is_string() || kid->get_string() != keys.kid()) return invalidToken("Token key id is unknown");

  // The signature covers the raw text, so check it before trusting anything in the payload:
  // any change to header or payload is reported as a bad signature.
  const auto sig = base64UrlDecode(token.substr(dot2 + 1));
  if (!sig) return invalidToken("Token signature is malformed");
  if (!keys.verifyRs256(token.substr(0, dot2), *sig)) {
    return Error{401, "AUTH_INVALID_SIGNATURE", "Token signature is invalid", {}};
  }

  const auto payload = parseObject(token.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!payload) return invalidToken("Token payload is malformed");
  const json::value* aud = payload->if_contains("aud");
  if (!aud || !audienceMatches(*aud)) return invalidToken("Token audience is not dcmms-api");
  Claims c;
  c.aud = std::string(kAudience);
  const bool ok = readString(*payload, "iss", c.iss) && readString(*payload, "sub", c.sub) &&
                  readString(*payload, "tenantId", c.tenantId) && readString(*payload, "role", c.role) &&
                  readStrings(*payload, "siteIds", c.siteIds) && readStrings(*payload, "skills", c.skills) &&
                  readString(*payload, "employmentType", c.employmentType) && readString(*payload, "jti", c.jti) &&
                  readInt(*payload, "iat", c.iat) && readInt(*payload, "nbf", c.nbf) &&
                  readInt(*payload, "exp", c.exp);
  if (!ok) return invalidToken("Token claims have the wrong type");
  if (const json::value* mfa = payload->if_contains("mfa")) {
    if (!mfa->is_bool()) return invalidToken("Token claims have the wrong type");
    c.mfa = mfa->get_bool();
  }
  if (c.sub.empty() || !payload->contains("exp")) return invalidToken("Token lacks sub or exp");
  return c;
}

std::optional<Error> checkTimes(const Claims& c, int64_t nowSec) {
  if (c.exp <= nowSec) return Error{401, "AUTH_EXPIRED_TOKEN", "Token has expired", {}};
  if (c.nbf > nowSec + kNbfSkewSec) return invalidToken("Token is not valid yet");
  return std::nullopt;
}

Result<Claims> verify(std::string_view token, const KeyPair& keys, int64_t nowSec) {
  Result<Claims> r = verifySignature(token, keys);
  if (!r) return r;
  if (auto err = checkTimes(r.value(), nowSec)) return std::move(*err);
  return r;
}

}  // namespace dcmms::auth::jwt
