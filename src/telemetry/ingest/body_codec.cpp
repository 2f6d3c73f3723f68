#include "telemetry/ingest/body_codec.h"

#include <zlib.h>

#include <cctype>
#include <cstdint>

namespace dcmms::telemetry {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Error tooLarge(size_t maxBytes) {
  return Error{413, "PAYLOAD_TOO_LARGE",
               "decoded body exceeds the limit of " + std::to_string(maxBytes) + " bytes", {}};
}

Error corrupt(const char* what) {
  return Error{400, "INVALID_COMPRESSED_BODY", std::string("cannot decompress body: ") + what, {}};
}

struct InflateStream {
  z_stream z{};
  bool open = false;
  ~InflateStream() {
    if (open) inflateEnd(&z);
  }
};

// windowBits 15+32 auto-detects gzip and zlib headers; -15 is raw deflate.
Result<DecodedBody> inflateAll(std::string_view body, int windowBits, size_t maxBytes) {
  if (body.size() > UINT32_MAX) return tooLarge(maxBytes);
  InflateStream s;
  if (inflateInit2(&s.z, windowBits) != Z_OK) return corrupt("zlib init failed");
  s.open = true;
  s.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  s.z.avail_in = static_cast<uInt>(body.size());
  std::string out;
  unsigned char chunk[16384];
  for (;;) {
    s.z.next_out = chunk;
    s.z.avail_out = sizeof chunk;
    const int rc = inflate(&s.z, Z_NO_FLUSH);
    const size_t n = sizeof chunk - s.z.avail_out;
    if (out.size() + n > maxBytes) return tooLarge(maxBytes);
    out.append(reinterpret_cast<const char*>(chunk), n);
    if (rc == Z_STREAM_END) {
      if (s.z.avail_in == 0) break;
      // Concatenated gzip members (streaming clients append them) continue the body.
      if (inflateReset(&s.z) != Z_OK) return corrupt("zlib reset failed");
    } else if (rc == Z_BUF_ERROR) {
      if (s.z.avail_in == 0) return corrupt("truncated stream");
    } else if (rc != Z_OK) {
      return corrupt(s.z.msg ? s.z.msg : "invalid data");
    }
  }
  return DecodedBody::owned(std::move(out));
}

}  // namespace

Result<DecodedBody> decodeBody(std::string_view body, std::string_view contentEncoding, size_t maxBytes) {
  const std::string enc = lower(contentEncoding);
  if (enc.empty() || enc == "identity") {
    if (body.size() > maxBytes) return tooLarge(maxBytes);
    return DecodedBody::borrowed(body.data() ? body : std::string_view(""));
  }
  if (enc == "gzip" || enc == "x-gzip") return inflateAll(body, 15 + 32, maxBytes);
  if (enc == "deflate") {
    // RFC 9110 "deflate" is zlib-wrapped, but some clients send raw deflate: try both.
    auto r = inflateAll(body, 15 + 32, maxBytes);
    if (r.ok() || r.error().httpStatus == 413) return r;
    return inflateAll(body, -15, maxBytes);
  }
  return Error{415, "UNSUPPORTED_CONTENT_ENCODING",
               "unsupported Content-Encoding '" + std::string(contentEncoding.substr(0, 64)) + "'", {}};
}

}  // namespace dcmms::telemetry
