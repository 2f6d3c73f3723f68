#include "auth/api_key.h"

#include "auth/crypto.h"

namespace dcmms::auth {
namespace {

constexpr std::string_view kPrefix = "dcmms_";
constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

bool validEnv(std::string_view env) {
  if (env.empty() || env.size() > 16) return false;
  for (char c : env) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

bool alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

Result<GeneratedApiKey> generateApiKey(std::string_view env) {
  if (!validEnv(env)) {
    return Error::validation("env", "INVALID_FIELD_VALUE", "env must be 1-16 characters of [a-z0-9]");
  }
  GeneratedApiKey k;
  k.key = std::string(kPrefix) + std::string(env) + "_" + randomString(kApiKeyRandomChars, kAlphabet);
  k.prefix = k.key.substr(0, kApiKeyPrefixChars);
  k.hash = hashApiKey(k.key);
  return k;
}

bool looksLikeApiKey(std::string_view key) {
  if (!key.starts_with(kPrefix)) return false;
  key.remove_prefix(kPrefix.size());
  const std::size_t sep = key.find('_');
  if (sep == std::string_view::npos || !validEnv(key.substr(0, sep))) return false;
  const std::string_view rest = key.substr(sep + 1);
  if (rest.size() != kApiKeyRandomChars) return false;
  for (char c : rest) {
    if (!alnum(c)) return false;
  }
  return true;
}

std::string hashApiKey(std::string_view key) { return sha256Hex(key); }

bool apiKeyMatches(std::string_view presentedKey, std::string_view storedHash) {
  return constantTimeEquals(hashApiKey(presentedKey), storedHash);
}

}  // namespace dcmms::auth
