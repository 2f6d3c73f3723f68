#include "auth/totp.h"

#include <algorithm>
#include <cctype>

#include "auth/crypto.h"

namespace dcmms::auth::totp {
namespace {

constexpr std::string_view kBackupAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";

std::string percentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0f]);
    }
  }
  return out;
}

}  // namespace

std::string hotp(std::string_view key, uint64_t counter, int digits) {
  std::string msg(8, '\0');
  for (int i = 7; i >= 0; --i) {
    msg[static_cast<std::size_t>(i)] = static_cast<char>(counter & 0xff);
    counter >>= 8;
  }
  const std::string mac = hmacSha1(key, msg);
  // Dynamic truncation (RFC 4226 §5.3).
  const std::size_t off = static_cast<unsigned char>(mac[19]) & 0x0f;
  const uint32_t bin = ((uint32_t(uint8_t(mac[off])) & 0x7f) << 24) | (uint32_t(uint8_t(mac[off + 1])) << 16) |
                       (uint32_t(uint8_t(mac[off + 2])) << 8) | uint32_t(uint8_t(mac[off + 3]));
  uint32_t mod = 1;
  for (int i = 0; i < digits; ++i) mod *= 10;
  std::string code = std::to_string(bin % mod);
  if (code.size() < static_cast<std::size_t>(digits)) code.insert(0, static_cast<std::size_t>(digits) - code.size(), '0');
  return code;
}

std::string generateSecret() { return base32Encode(randomBytes(kSecretBytes)); }

std::optional<std::string> codeAt(std::string_view secretBase32, int64_t unixSec) {
  const auto key = base32Decode(secretBase32);
  if (!key || key->empty() || unixSec < 0) return std::nullopt;
  return hotp(*key, static_cast<uint64_t>(unixSec / kStepSec));
}

std::optional<int64_t> verify(std::string_view secretBase32, std::string_view code, int64_t unixSec, int window) {
  if (code.size() != static_cast<std::size_t>(kDigits) || unixSec < 0) return std::nullopt;
  for (char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  const auto key = base32Decode(secretBase32);
  if (!key || key->empty()) return std::nullopt;
  const int64_t now = unixSec / kStepSec;
  std::optional<int64_t> matched;
  // Check every step in the window (no early exit) so timing does not reveal which matched.
  for (int64_t step = now - window; step <= now + window; ++step) {
    if (step < 0) continue;
    if (constantTimeEquals(hotp(*key, static_cast<uint64_t>(step)), code) && !matched) matched = step;
  }
  return matched;
}

std::string provisioningUri(std::string_view issuer, std::string_view account, std::string_view secretBase32) {
  std::string uri = "otpauth://totp/";
  uri += percentEncode(issuer);
  uri += ':';
  uri += percentEncode(account);
  uri += "?secret=";
  uri += secretBase32;
  uri += "&issuer=";
  uri += percentEncode(issuer);
  uri += "&algorithm=SHA1&digits=6&period=30";
  return uri;
}

std::vector<std::string> generateBackupCodes(int n) {
  std::vector<std::string> codes;
  codes.reserve(static_cast<std::size_t>(std::max(n, 0)));
  for (int i = 0; i < n; ++i) {
    std::string raw = randomString(8, kBackupAlphabet);
    codes.push_back(raw.substr(0, 4) + "-" + raw.substr(4));
  }
  return codes;
}

std::string hashBackupCode(std::string_view code) {
  std::string norm;
  for (unsigned char c : code) {
    if (c == '-' || c == ' ') continue;
    norm.push_back(static_cast<char>(std::tolower(c)));
  }
  return sha256Hex(norm);
}

}  // namespace dcmms::auth::totp
