#include "auth/password.h"

#include <argon2.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <stdexcept>

#include "auth/crypto.h"

namespace dcmms::auth {
namespace {

constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kTagBytes = 32;

FieldError passwordError(std::string message) {
  return FieldError{"password", std::move(message), "INVALID_FIELD_VALUE"};
}

std::size_t codePoints(std::string_view s) {
  // Counts UTF-8 lead bytes (everything but 10xxxxxx continuation bytes).
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

std::string hashPassword(std::string_view password) {
  const std::string salt = randomBytes(kSaltBytes);
  const std::size_t len = argon2_encodedlen(kArgon2TimeCost, kArgon2MemoryKiB, kArgon2Parallelism,
                                            kSaltBytes, kTagBytes, Argon2_id);
  std::string encoded(len, '\0');
  const int rc = argon2id_hash_encoded(kArgon2TimeCost, kArgon2MemoryKiB, kArgon2Parallelism, password.data(),
                                       password.size(), salt.data(), salt.size(), kTagBytes, encoded.data(),
                                       encoded.size());
  if (rc != ARGON2_OK) throw std::runtime_error(std::string("argon2id: ") + argon2_error_message(rc));
  encoded.resize(encoded.find('\0'));  // argon2_encodedlen counts the terminator
  return encoded;
}

bool verifyPassword(std::string_view password, std::string_view encodedHash) {
  if (!encodedHash.starts_with("$argon2id$")) return false;
  const std::string encoded(encodedHash);  // libargon2 wants a NUL-terminated string
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

bool needsRehash(std::string_view encodedHash) {
  unsigned m = 0, t = 0, p = 0;
  const std::string encoded(encodedHash);
  if (std::sscanf(encoded.c_str(), "$argon2id$v=19$m=%u,t=%u,p=%u$", &m, &t, &p) != 3) return true;
  return m < kArgon2MemoryKiB || t < kArgon2TimeCost;
}

std::vector<FieldError> checkPasswordPolicy(std::string_view password, std::string_view email) {
  std::vector<FieldError> errors;
  const std::size_t n = codePoints(password);
  if (n < kPasswordMinLength) errors.push_back(passwordError("Password must be at least 12 characters long"));
  if (n > kPasswordMaxLength) errors.push_back(passwordError("Password must be at most 256 characters long"));
  bool upper = false, lowerCase = false, digit = false, symbol = false;
  for (unsigned char c : password) {
    upper |= c >= 'A' && c <= 'Z';
    lowerCase |= c >= 'a' && c <= 'z';
    digit |= c >= '0' && c <= '9';
    symbol |= c < 0x80 && (std::ispunct(c) || c == ' ');
  }
  if (!upper) errors.push_back(passwordError("Password must contain an upper-case letter"));
  if (!lowerCase) errors.push_back(passwordError("Password must contain a lower-case letter"));
  if (!digit) errors.push_back(passwordError("Password must contain a digit"));
  if (!symbol) errors.push_back(passwordError("Password must contain a symbol"));
  const std::string_view local = email.substr(0, email.find('@'));
  if (local.size() >= 3 && lower(password).find(lower(local)) != std::string::npos) {
    errors.push_back(passwordError("Password must not contain the e-mail name"));
  }
  return errors;
}

bool inHistory(std::string_view password, const std::vector<std::string>& lastHashes) {
  const std::size_t n = std::min(lastHashes.size(), kPasswordHistory);
  for (std::size_t i = 0; i < n; ++i) {
    if (verifyPassword(password, lastHashes[i])) return true;
  }
  return false;
}

Error passwordPolicyError(std::vector<FieldError> details) {
  return Error{400, "VALIDATION_ERROR", "Password does not meet the password policy", std::move(details)};
}

FieldError passwordReusedDetail() {
  return passwordError("Password must differ from the last 5 passwords");
}

}  // namespace dcmms::auth
