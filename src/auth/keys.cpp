#include "auth/keys.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "auth/crypto.h"

namespace dcmms::auth {
namespace {

constexpr const char* kPrivateFile = "jwt-private.pem";
constexpr const char* kPublicFile = "jwt-public.pem";

struct BioDeleter {
  void operator()(BIO* b) const noexcept { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

std::string bioContents(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string publicDer(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key, &der);
  if (len <= 0) throw std::runtime_error("i2d_PUBKEY failed");
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

// Writes via a temp file + rename so a crash never leaves a half-written key behind.
void writeFileAtomic(const std::filesystem::path& path, const std::string& text, mode_t mode) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) throw std::runtime_error("cannot create " + tmp.string() + ": " + std::strerror(errno));
  std::size_t done = 0;
  bool ok = ::fchmod(fd, mode) == 0;  // O_CREAT's mode is masked by umask; be exact
  while (ok && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::filesystem::remove(tmp);
    throw std::runtime_error("cannot write " + path.string());
  }
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

void PkeyDeleter::operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }

KeyPair::KeyPair(PkeyPtr key) : key_(std::move(key)) {
  if (!key_ || EVP_PKEY_get_base_id(key_.get()) != EVP_PKEY_RSA) throw std::runtime_error("JWT key must be RSA");
  kid_ = sha256Hex(publicDer(key_.get())).substr(0, 16);
}

KeyPair KeyPair::generate() {
  PkeyPtr key(EVP_RSA_gen(2048));
  if (!key) throw std::runtime_error("RSA key generation failed");
  return KeyPair(std::move(key));
}

KeyPair KeyPair::fromPrivatePem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw std::runtime_error("BIO_new_mem_buf failed");
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) throw std::runtime_error("invalid PEM private key");
  return KeyPair(std::move(key));
}

KeyPair KeyPair::loadOrCreate(const std::filesystem::path& dataDir) {
  std::filesystem::create_directories(dataDir);
  const auto privPath = dataDir / kPrivateFile;
  const auto pubPath = dataDir / kPublicFile;
  if (std::filesystem::exists(privPath)) {
    KeyPair kp = fromPrivatePem(readFile(privPath));
    // The public file is derived data; restore it if someone removed it.
    if (!std::filesystem::exists(pubPath)) writeFileAtomic(pubPath, kp.publicPem(), 0644);
    return kp;
  }
  KeyPair kp = generate();
  writeFileAtomic(privPath, kp.privatePem(), 0600);
  writeFileAtomic(pubPath, kp.publicPem(), 0644);
  return kp;
}

std::string KeyPair::privatePem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw std::runtime_error("PEM_write_bio_PrivateKey failed");
  }
  return bioContents(bio.get());
}

std::string KeyPair::publicPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) throw std::runtime_error("PEM_write_bio_PUBKEY failed");
  return bioContents(bio.get());
}

std::string KeyPair::signRs256(std::string_view data) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    throw std::runtime_error("EVP_DigestSign init failed");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    throw std::runtime_error("EVP_DigestSign failed");
  }
  sig.resize(len);
  return sig;
}

bool KeyPair::verifyRs256(std::string_view data, std::string_view signature) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1) return false;
  const bool ok = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                                   signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                                   data.size()) == 1;
  if (!ok) ERR_clear_error();  // a bad signature is an expected outcome; keep the error queue empty
  return ok;
}

}  // namespace dcmms::auth
