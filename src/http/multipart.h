// multipart/form-data (RFC 7578) over a complete request body. Strict: every read is
// bounds-checked, the structure must be exact, and any violation is a 400. Parts are views
// into the body, which must outlive them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dcmms::http {

struct Part {
  std::string name;
  std::string filename;     // empty when the part is a plain field
  std::string contentType;  // "text/plain" when the part does not say
  std::string_view data;
};

// Throws ApiException 400 INVALID_MULTIPART for a missing or bad boundary, a malformed body,
// a part without a name, more than 1,000 parts or a part header block over 8 KiB.
std::vector<Part> parseMultipart(std::string_view body, std::string_view contentTypeHeader);

// The boundary parameter of a multipart Content-Type, unquoted; empty when absent or invalid.
std::string multipartBoundary(std::string_view contentTypeHeader);

}  // namespace dcmms::http
