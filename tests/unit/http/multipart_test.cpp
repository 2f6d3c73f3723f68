#include "http/multipart.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace dcmms::http {
namespace {

constexpr std::string_view kType = "multipart/form-data; boundary=XyZ";

int statusOf(std::string_view body, std::string_view type = kType) {
  try {
    parseMultipart(body, type);
    return 200;
  } catch (const ApiException& e) {
    EXPECT_EQ(e.error().code, "INVALID_MULTIPART");
    return e.error().httpStatus;
  }
}

TEST(Multipart, ParsesFieldsAndFiles) {
  const std::string body =
      std::string(
          "preamble\r\n--XyZ\r\n"
          "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
      "Pump report\r\n"
      "--XyZ\r\n"
      "content-disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".bin\"\r\n"
      "Content-Type: application/octet-stream\r\n\r\n") +
      std::string("\x00\x01\r\n--XY\r\n", 10) + "\r\n--XyZ--\r\nepilogue";
  const auto parts = parseMultipart(body, kType);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].name, "title");
  EXPECT_EQ(parts[0].filename, "");
  EXPECT_EQ(parts[0].contentType, "text/plain");
  EXPECT_EQ(parts[0].data, "Pump report");
  EXPECT_EQ(parts[1].name, "file");
  EXPECT_EQ(parts[1].filename, "a \"b\".bin");
  EXPECT_EQ(parts[1].contentType, "application/octet-stream");
  EXPECT_EQ(parts[1].data, std::string_view("\x00\x01\r\n--XY\r\n", 10));
}

TEST(Multipart, AcceptsQuotedBoundaryAndNoPreamble) {
  const std::string body = "--a'b c\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--a'b c--";
  const auto parts = parseMultipart(body, "multipart/form-data; charset=utf-8; boundary=\"a'b c\"");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].name, "x");
  EXPECT_EQ(parts[0].data, "1");
  EXPECT_EQ(multipartBoundary("text/plain; boundary=x"), "");
  EXPECT_EQ(multipartBoundary("multipart/form-data; boundary=" + std::string(71, 'a')), "");
  EXPECT_EQ(multipartBoundary("multipart/form-data; boundary=\"a\rb\""), "");
}

TEST(Multipart, RejectsMalformedBodies) {
  const std::string ok = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--XyZ--";
  EXPECT_EQ(statusOf(ok), 200);
  EXPECT_EQ(statusOf(ok, "multipart/form-data"), 400);                       // no boundary
  EXPECT_EQ(statusOf(ok, "application/json"), 400);
  EXPECT_EQ(statusOf(""), 400);
  EXPECT_EQ(statusOf("--XyZ"), 400);                                        // nothing after
  EXPECT_EQ(statusOf("--XyZ\r\n"), 400);                                    // no headers
  EXPECT_EQ(statusOf("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv"), 400);  // unterminated
  EXPECT_EQ(statusOf("--XyZ\r\nContent-Disposition: form-data\r\n\r\nv\r\n--XyZ--"), 400);  // no name
  EXPECT_EQ(statusOf("--XyZ\r\nContent-Type: text/plain\r\n\r\nv\r\n--XyZ--"), 400);     // no disposition
  EXPECT_EQ(statusOf("--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\nv\r\n--XyZ--"), 400);
  EXPECT_EQ(statusOf("--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n--XyZ--"), 400);
  EXPECT_EQ(statusOf("--XyZ\r\nno colon here\r\n\r\nv\r\n--XyZ--"), 400);
  EXPECT_EQ(statusOf("--XyZjunk\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--XyZ--"), 400);
  EXPECT_EQ(statusOf("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--XyZ"), 400);
  EXPECT_EQ(statusOf("--XyZ\r\nContent-Disposition: form-data; name=a\\"), 400);
  const std::string hugeHeader = "--XyZ\r\nX: " + std::string(9000, 'h') +
                                 "\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--XyZ--";
  EXPECT_EQ(statusOf(hugeHeader), 400);
  std::string many;
  for (int i = 0; i < 1001; ++i) many += "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n";
  EXPECT_EQ(statusOf(many + "--XyZ--"), 400);
}

TEST(Multipart, EveryTruncationFailsCleanly) {
  const std::string ok =
      "--XyZ\r\nContent-Disposition: form-data; name=\"a\"; filename=\"f.txt\"\r\nContent-Type: text/csv\r\n\r\n"
      "1,2\r\n--XyZ\r\nContent-Disposition: form-data; name=b\r\n\r\nx\r\n--XyZ--";
  for (size_t n = 0; n < ok.size(); ++n) {
    const int s = statusOf(std::string_view(ok).substr(0, n));
    EXPECT_EQ(s, 400) << "prefix " << n;
  }
  EXPECT_EQ(parseMultipart(ok, kType).size(), 2u);
}

}  // namespace
}  // namespace dcmms::http
