#include "auth/keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

namespace dcmms::auth {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "dcmms-keys-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(KeyPair, LoadOrCreateWritesKeysOnceAndReloadsThem) {
  TempDir dir;
  const auto data = dir.path() / "data";
  const KeyPair first = KeyPair::loadOrCreate(data);
  ASSERT_TRUE(std::filesystem::exists(data / "jwt-private.pem"));
  ASSERT_TRUE(std::filesystem::exists(data / "jwt-public.pem"));
  struct stat st {};
  ASSERT_EQ(::stat((data / "jwt-private.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  EXPECT_EQ(first.kid().size(), 16u);
  EXPECT_EQ(first.kid().find_first_not_of("0123456789abcdef"), std::string::npos);

  const KeyPair second = KeyPair::loadOrCreate(data);
  EXPECT_EQ(second.kid(), first.kid());
  EXPECT_EQ(second.publicPem(), first.publicPem());

  // The public file is derived and restored when missing.
  std::filesystem::remove(data / "jwt-public.pem");
  const KeyPair third = KeyPair::loadOrCreate(data);
  EXPECT_EQ(third.kid(), first.kid());
  EXPECT_TRUE(std::filesystem::exists(data / "jwt-public.pem"));
}

TEST(KeyPair, SignsAndVerifiesRs256) {
  const KeyPair kp = KeyPair::generate();
  const std::string sig = kp.signRs256("header.payload");
  EXPECT_EQ(sig.size(), 256u);  // RSA-2048
  EXPECT_TRUE(kp.verifyRs256("header.payload", sig));
  EXPECT_FALSE(kp.verifyRs256("header.payloaD", sig));
  std::string bad = sig;
  bad[10] ^= 0x01;
  EXPECT_FALSE(kp.verifyRs256("header.payload", bad));
  EXPECT_FALSE(kp.verifyRs256("header.payload", ""));
}

TEST(KeyPair, DifferentKeysHaveDifferentKidsAndDoNotCrossVerify) {
  const KeyPair a = KeyPair::generate();
  const KeyPair b = KeyPair::fromPrivatePem(KeyPair::generate().privatePem());
  EXPECT_NE(a.kid(), b.kid());
  EXPECT_FALSE(b.verifyRs256("x", a.signRs256("x")));
  EXPECT_EQ(KeyPair::fromPrivatePem(a.privatePem()).kid(), a.kid());
}

TEST(KeyPair, RejectsGarbagePem) { EXPECT_THROW(KeyPair::fromPrivatePem("not a key"), std::runtime_error); }

}  // namespace
}  // namespace dcmms::auth
