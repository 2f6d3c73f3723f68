// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA-1, 6 digits,
// 30-second steps, accepted within ±1 step. Secrets are 20 random bytes shown as base32.
// Also the 10 single-use backup codes ("xxxx-xxxx"), of which only hashes are stored.
// All functions are stateless and thread-safe; refusing a second use of the same step is
// the caller's job (verify returns the matched step for that purpose).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dcmms::auth::totp {

inline constexpr int64_t kStepSec = 30;
inline constexpr int kDigits = 6;
inline constexpr std::size_t kSecretBytes = 20;
inline constexpr int kBackupCodeCount = 10;

// RFC 4226 HOTP over a raw key: the low `digits` decimal digits, zero-padded.
std::string hotp(std::string_view key, uint64_t counter, int digits = kDigits);

// A new secret: 20 random bytes, base32 without padding (32 characters).
std::string generateSecret();
// The code for the step containing unixSec; nullopt when the secret is not valid base32.
std::optional<std::string> codeAt(std::string_view secretBase32, int64_t unixSec);
// The step number (unixSec / 30) whose code equals `code`, searching now ± window steps;
// nullopt on no match, a malformed code or secret. Compares in constant time.
std::optional<int64_t> verify(std::string_view secretBase32, std::string_view code, int64_t unixSec, int window = 1);
// otpauth://totp/<issuer>:<account>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30
std::string provisioningUri(std::string_view issuer, std::string_view account, std::string_view secretBase32);

// n fresh backup codes "xxxx-xxxx" over an unambiguous lower-case alphabet (no 0/o, 1/l/i).
std::vector<std::string> generateBackupCodes(int n = kBackupCodeCount);
// sha256 hex of the normalised code (lower case, without '-' and spaces), so users may type
// it in any case or grouping. A fast hash is enough: the TOTP secret, which must be stored
// recoverably, sits in the same record, so a slow hash would not raise an attacker's cost.
std::string hashBackupCode(std::string_view code);

}  // namespace dcmms::auth::totp
