// API keys for services and devices: "dcmms_<env>_<32 chars [A-Za-z0-9]>" (≈190 bits),
// sent in X-API-Key. Only the sha256 hash is stored; the first 12 characters are kept in
// clear as a display prefix so people can tell keys apart. Scopes, expiry (90-day rotation,
// 48 h overlap) and revocation live on the stored record, handled by the domain layer.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace dcmms::auth {

inline constexpr std::size_t kApiKeyRandomChars = 32;
inline constexpr std::size_t kApiKeyPrefixChars = 12;

struct GeneratedApiKey {
  std::string key;     // shown to the user once
  std::string prefix;  // first 12 characters, for display and lookup
  std::string hash;    // sha256 hex of the whole key, for storage
};

// env: 1–16 characters [a-z0-9] (e.g. "live", "test"); otherwise 400 on field "env".
Result<GeneratedApiKey> generateApiKey(std::string_view env);
// Shape check only (prefix, env, 32 alphanumerics); says nothing about validity.
bool looksLikeApiKey(std::string_view key);
std::string hashApiKey(std::string_view key);
// Constant-time comparison of a presented key against a stored hash.
bool apiKeyMatches(std::string_view presentedKey, std::string_view storedHash);

}  // namespace dcmms::auth
