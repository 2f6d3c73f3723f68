// Request-target helpers: percent-decoding and query-string parsing.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dcmms::http {

// Decodes %XX escapes (malformed escapes are kept literally); plusAsSpace for query strings.
std::string percentDecode(std::string_view s, bool plusAsSpace = false);
// "a=1&b=x%20y&c" → {a,1},{b,x y},{c,""}; empty pieces are skipped.
std::vector<std::pair<std::string, std::string>> parseQuery(std::string_view query);
// Keeps [A-Za-z0-9._:/+=-] and cuts at 128 characters; empty when nothing usable remains.
std::string sanitizeRequestId(std::string_view raw);

}  // namespace dcmms::http
