#include "telemetry/ingest/body_codec.h"

#include <gtest/gtest.h>
#include <zlib.h>

namespace dcmms::telemetry {
namespace {

// windowBits: 31 = gzip, 15 = zlib, -15 = raw deflate.
std::string compress(std::string_view text, int windowBits) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, text.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

TEST(BodyCodec, IdentityIsBorrowed) {
  const std::string body = "m,site=S,asset=A value=1";
  auto r = decodeBody(body, "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->view().data(), body.data());
  EXPECT_TRUE(decodeBody(body, "identity").ok());
  EXPECT_EQ(decodeBody(body, "", 4).error().httpStatus, 413);
}

TEST(BodyCodec, GzipZlibAndRawDeflate) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "power,site=S,asset=A" + std::to_string(i % 7) + " value=" + std::to_string(i) + "\n";
  for (auto [enc, bits] : {std::pair{"gzip", 31}, {"GZIP", 31}, {"x-gzip", 31}, {"deflate", 15}, {"deflate", -15}}) {
    auto r = decodeBody(compress(text, bits), enc);
    ASSERT_TRUE(r.ok()) << enc << " " << bits << " " << (r.ok() ? "" : r.error().message);
    EXPECT_EQ(r->view(), text);
  }
}

TEST(BodyCodec, ConcatenatedGzipMembers) {
  auto r = decodeBody(compress("a=1\n", 31) + compress("b=2\n", 31), "gzip");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->view(), "a=1\nb=2\n");
}

TEST(BodyCodec, ZipBombIsStoppedAtTheLimit) {
  const std::string bomb = compress(std::string(10u << 20, 'x'), 31);  // 10 MiB of 'x', ~10 KiB gzip
  auto r = decodeBody(bomb, "gzip", 1u << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().httpStatus, 413);
  EXPECT_EQ(r.error().code, "PAYLOAD_TOO_LARGE");
  EXPECT_NE(r.error().message.find("1048576"), std::string::npos) << r.error().message;
  // Exactly at the limit is fine.
  EXPECT_TRUE(decodeBody(bomb, "gzip", 10u << 20).ok());
}

TEST(BodyCodec, CorruptTruncatedAndUnsupported) {
  const std::string gz = compress("hello world hello world", 31);
  auto truncated = decodeBody(std::string_view(gz).substr(0, gz.size() - 6), "gzip");
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().httpStatus, 400);
  auto garbage = decodeBody("definitely not gzip", "gzip");
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().code, "INVALID_COMPRESSED_BODY");
  auto br = decodeBody(gz, "br");
  ASSERT_FALSE(br.ok());
  EXPECT_EQ(br.error().httpStatus, 415);
  EXPECT_FALSE(decodeBody("", "gzip").ok());
}

}  // namespace
}  // namespace dcmms::telemetry
