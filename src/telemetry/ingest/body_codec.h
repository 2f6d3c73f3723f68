// Request body decoding for ingest endpoints: Content-Encoding identity, gzip or deflate, with
// a bound on the decompressed size (zip-bomb guard).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.h"

namespace dcmms::telemetry {

inline constexpr size_t kDefaultMaxDecodedBytes = 64u << 20;  // 64 MiB

// A decoded body: either a view of the original bytes (identity) or an owned buffer.
class DecodedBody {
 public:
  static DecodedBody borrowed(std::string_view text) { return DecodedBody(text, {}); }
  static DecodedBody owned(std::string text) { return DecodedBody({}, std::move(text)); }
  std::string_view view() const { return owns_ ? std::string_view(owned_) : borrowed_; }

 private:
  DecodedBody(std::string_view b, std::string o) : borrowed_(b), owned_(std::move(o)), owns_(borrowed_.data() == nullptr) {}
  std::string_view borrowed_;
  std::string owned_;
  bool owns_;
};

// contentEncoding: "", "identity", "gzip", "x-gzip" or "deflate" (case-insensitive). Errors:
// 415 UNSUPPORTED_CONTENT_ENCODING, 400 INVALID_COMPRESSED_BODY (corrupt or truncated stream),
// 413 PAYLOAD_TOO_LARGE naming the limit. The identity body must itself fit maxBytes.
Result<DecodedBody> decodeBody(std::string_view body, std::string_view contentEncoding,
                               size_t maxBytes = kDefaultMaxDecodedBytes);

}  // namespace dcmms::telemetry
