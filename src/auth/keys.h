// The server's JWT signing key: an RSA-2048 key pair kept as two PEM files in the data dir
// (jwt-private.pem with mode 0600, jwt-public.pem), created on first start.
// The key id (kid) is the first 16 hex chars of sha256 over the public key's DER
// (SubjectPublicKeyInfo), so it changes exactly when the key changes.
// A KeyPair is immutable after construction; sign/verify may run on many threads at once.
#pragma once

#include <openssl/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace dcmms::auth {

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const noexcept;
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

class KeyPair {
 public:
  // Generates a fresh RSA-2048 key in memory.
  static KeyPair generate();
  // Loads <dataDir>/jwt-private.pem, or generates and writes both files when it is absent
  // (the directory is created if needed). Throws std::runtime_error on I/O or parse errors.
  static KeyPair loadOrCreate(const std::filesystem::path& dataDir);
  // Parses a PEM private key (PKCS#8 or traditional RSA). Throws std::runtime_error.
  static KeyPair fromPrivatePem(std::string_view pem);

  const std::string& kid() const { return kid_; }
  std::string privatePem() const;
  std::string publicPem() const;

  // RSASSA-PKCS1-v1_5 with SHA-256 (JWS "RS256"): returns the raw signature bytes.
  std::string signRs256(std::string_view data) const;
  bool verifyRs256(std::string_view data, std::string_view signature) const;

 private:
  explicit KeyPair(PkeyPtr key);

  PkeyPtr key_;
  std::string kid_;
};

}  // namespace dcmms::auth
