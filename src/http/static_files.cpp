#include "http/static_files.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "core/error.h"

namespace dcmms::http {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 24> kTypes = {{
    {".html", "text/html; charset=utf-8"},
    {".htm", "text/html; charset=utf-8"},
    {".js", "application/javascript"},
    {".mjs", "application/javascript"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".webmanifest", "application/manifest+json"},
    {".map", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".woff", "font/woff"},
    {".woff2", "font/woff2"},
    {".ttf", "font/ttf"},
    {".txt", "text/plain; charset=utf-8"},
    {".csv", "text/csv; charset=utf-8"},
    {".pdf", "application/pdf"},
    {".wasm", "application/wasm"},
    {".xml", "application/xml"},
    {".zip", "application/zip"},
}};

[[noreturn]] void notFound() { fail(Error::notFound("File")); }

bool isWithin(const std::filesystem::path& root, const std::filesystem::path& p) {
  auto r = root.begin(), x = p.begin();
  for (; r != root.end(); ++r, ++x) {
    if (r->empty()) continue;  // trailing separator of root
    if (x == p.end() || *r != *x) return false;
  }
  return true;
}

}  // namespace

std::string_view contentTypeFor(std::string_view filename) {
  const size_t dot = filename.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string ext(filename.substr(dot));
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const auto& [e, type] : kTypes) {
    if (e == ext) return type;
  }
  return "application/octet-stream";
}

Response serveStatic(const std::filesystem::path& root, std::string_view urlPath) {
  namespace fs = std::filesystem;
  if (urlPath.find('\0') != std::string_view::npos || urlPath.find('\\') != std::string_view::npos) notFound();
  // Reject traversal lexically first, before touching the filesystem.
  fs::path rel;
  size_t pos = 0;
  while (pos <= urlPath.size()) {
    const size_t slash = urlPath.find('/', pos);
    const std::string_view seg = urlPath.substr(pos, slash == std::string_view::npos ? slash : slash - pos);
    if (seg == "..") notFound();
    if (!seg.empty() && seg != ".") rel /= fs::path(std::string(seg));
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  std::error_code ec;
  const fs::path base = fs::canonical(root, ec);
  if (ec) notFound();
  fs::path file = fs::weakly_canonical(base / rel, ec);
  if (ec || !isWithin(base, file)) notFound();
  if (fs::is_directory(file, ec)) file /= "index.html";
  file = fs::canonical(file, ec);  // resolves symlinks; fails when missing
  if (ec || !isWithin(base, file) || !fs::is_regular_file(file, ec)) notFound();

  Response res;
  res.filePath = file.string();
  res.contentType = contentTypeFor(res.filePath);
  const bool hashed = rel.begin() != rel.end() && *rel.begin() == "assets";
  res.setHeader("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
  res.setHeader("X-Content-Type-Options", "nosniff");
  return res;
}

}  // namespace dcmms::http
