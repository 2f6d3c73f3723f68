// Password hashing (argon2id) and the password policy of 01 §4.
// Parameters: argon2id, t=2 iterations, m=19456 KiB (19 MiB), p=1 lane, 16-byte random salt,
// 32-byte tag — the OWASP baseline for argon2id. They are recorded inside each encoded hash
// ($argon2id$v=19$m=19456,t=2,p=1$salt$tag), so raising them later keeps old hashes verifiable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace dcmms::auth {

inline constexpr uint32_t kArgon2TimeCost = 2;
inline constexpr uint32_t kArgon2MemoryKiB = 19456;
inline constexpr uint32_t kArgon2Parallelism = 1;
inline constexpr std::size_t kPasswordMinLength = 12;   // code points
inline constexpr std::size_t kPasswordMaxLength = 256;  // bounds hashing work per request
inline constexpr std::size_t kPasswordHistory = 5;      // the last 5 cannot be reused

// The encoded argon2id string. Throws std::runtime_error if libargon2 fails (out of memory).
std::string hashPassword(std::string_view password);
// False for a wrong password and for a malformed or non-argon2id hash.
bool verifyPassword(std::string_view password, std::string_view encodedHash);
// True when the stored hash was made with weaker parameters than the current ones.
bool needsRehash(std::string_view encodedHash);

// Every violated rule as a FieldError on field "password" (code INVALID_FIELD_VALUE); empty
// when acceptable. Rules: 12–256 code points; an upper-case letter, a lower-case letter, a
// digit and a symbol (ASCII punctuation or space); must not contain the e-mail's local part
// (case-insensitive, checked when the local part has at least 3 characters).
std::vector<FieldError> checkPasswordPolicy(std::string_view password, std::string_view email);

// True when the password matches any of the most recent kPasswordHistory hashes; lastHashes
// is ordered newest first and may hold more (the rest are ignored).
bool inHistory(std::string_view password, const std::vector<std::string>& lastHashes);

// 400 VALIDATION_ERROR carrying the given password details (for the API layer).
Error passwordPolicyError(std::vector<FieldError> details);
// The detail used when a password repeats one of the last 5.
FieldError passwordReusedDetail();

}  // namespace dcmms::auth
