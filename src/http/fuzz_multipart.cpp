// libFuzzer entry for the multipart parser (excluded from dcmms_http by its name). The first
// input line is the Content-Type header, the rest the body.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.h"
#include "http/multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const size_t nl = in.find('\n');
  const std::string_view contentType = in.substr(0, nl);
  const std::string_view body = nl == std::string_view::npos ? std::string_view{} : in.substr(nl + 1);
  try {
    const auto parts = dcmms::http::parseMultipart(body, contentType);
    for (const auto& p : parts) {
      // Every view must lie inside the body.
      if (p.data.data() < body.data() || p.data.data() + p.data.size() > body.data() + body.size()) __builtin_trap();
    }
  } catch (const dcmms::ApiException& e) {
    if (e.error().httpStatus != 400) __builtin_trap();
  }
  return 0;
}
