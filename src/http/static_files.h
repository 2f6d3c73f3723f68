// Serving files from a directory (the built web app): content types by extension, cache headers
// and path-traversal safety.
#pragma once

#include <filesystem>
#include <string_view>

#include "http/http_types.h"

namespace dcmms::http {

// Maps a URL path ("/assets/app.3f2a.js", percent-decoded) to a file below root and answers
// with Response::filePath set. A directory serves its index.html. Files under /assets/ (hashed
// names) are cacheable for a year, everything else must be revalidated.
// Throws ApiException 404 for a missing file and for any path that would leave root (".."
// segments, NUL, backslashes, symlinks pointing outside).
Response serveStatic(const std::filesystem::path& root, std::string_view urlPath);

// "application/javascript" for "x.js"; "application/octet-stream" when unknown.
std::string_view contentTypeFor(std::string_view filename);

}  // namespace dcmms::http
