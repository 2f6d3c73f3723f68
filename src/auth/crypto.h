// Cryptographic primitives shared by the auth module: OS-seeded random bytes, hashing,
// HMAC, the base64url / base32 / hex codecs, and constant-time comparison.
// Bytes travel as std::string (binary-safe). All functions are thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace dcmms::auth {

// n bytes from OpenSSL's CSPRNG (RAND_bytes). Throws std::runtime_error if the CSPRNG fails.
std::string randomBytes(std::size_t n);
// nBytes random bytes encoded base64url without padding (for opaque tokens).
std::string randomToken(std::size_t nBytes);
// A uniformly random string of `length` characters drawn from `alphabet` (≤ 256 symbols),
// using rejection sampling so no symbol is favoured.
std::string randomString(std::size_t length, std::string_view alphabet);

std::string sha256(std::string_view data);     // 32 raw bytes
std::string sha256Hex(std::string_view data);  // 64 lowercase hex chars
std::string hmacSha1(std::string_view key, std::string_view data);    // 20 raw bytes
std::string hmacSha256(std::string_view key, std::string_view data);  // 32 raw bytes

std::string toHex(std::string_view bytes);

// RFC 4648 §5 alphabet, no padding on output; decode accepts optional '=' padding and
// returns nullopt on any other character or an impossible length.
std::string base64UrlEncode(std::string_view bytes);
std::optional<std::string> base64UrlDecode(std::string_view text);

// RFC 4648 §6 (A–Z, 2–7), no padding on output; decode is case-insensitive, ignores
// spaces, '-' and trailing '=' (as authenticator apps show secrets in groups).
std::string base32Encode(std::string_view bytes);
std::optional<std::string> base32Decode(std::string_view text);

// Compares in time independent of where the inputs differ (lengths are not secret).
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace dcmms::auth
