#include "http/multipart.h"

#include <strings.h>

#include "core/error.h"

namespace dcmms::http {
namespace {

constexpr size_t kMaxParts = 1000;
constexpr size_t kMaxHeaderBlock = 8 * 1024;

[[noreturn]] void invalid(const std::string& why) {
  fail(Error{400, "INVALID_MULTIPART", "Malformed multipart body: " + why, {}});
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// substr that never throws: past the end is empty.
std::string_view at(std::string_view s, size_t pos, size_t n = std::string_view::npos) {
  return pos > s.size() ? std::string_view{} : s.substr(pos, n);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 2046 bchars, without the trailing space it allows.
bool boundaryChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

// Parameters of a header value: `type; a=b; c="d \"e\""`. Calls f(name, value) for each;
// returns false on a syntax error.
template <typename F>
bool forEachParam(std::string_view v, F&& f) {
  size_t i = v.find(';');
  while (i != std::string_view::npos && i < v.size()) {
    ++i;  // past ';'
    while (i < v.size() && (v[i] == ' ' || v[i] == '\t')) ++i;
    if (i == v.size()) return true;  // trailing ';'
    const size_t eq = v.find('=', i);
    if (eq == std::string_view::npos) return false;
    const std::string_view name = trim(v.substr(i, eq - i));
    if (name.empty()) return false;
    i = eq + 1;
    while (i < v.size() && (v[i] == ' ' || v[i] == '\t')) ++i;
    std::string value;
    if (i < v.size() && v[i] == '"') {
      ++i;
      bool closed = false;
      while (i < v.size()) {
        const char c = v[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\') {
          if (i == v.size()) return false;
          value += v[i++];
        } else {
          value += c;
        }
      }
      if (!closed) return false;
      while (i < v.size() && (v[i] == ' ' || v[i] == '\t')) ++i;
      if (i < v.size() && v[i] != ';') return false;
    } else {
      const size_t end = v.find(';', i);
      value = std::string(trim(v.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i)));
      i = end;
      if (value.empty()) return false;
    }
    f(name, std::move(value));
    if (i != std::string_view::npos && i < v.size() && v[i] != ';') return false;
  }
  return true;
}

void parseHeaders(std::string_view block, Part& part) {
  bool haveDisposition = false;
  while (!block.empty()) {
    const size_t eol = block.find("\r\n");
    const std::string_view line = block.substr(0, eol);
    block = eol == std::string_view::npos ? std::string_view{} : block.substr(eol + 2);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) invalid("bad part header line");
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "Content-Disposition")) {
      const std::string_view type = trim(value.substr(0, value.find(';')));
      if (!iequals(type, "form-data")) invalid("part disposition is not form-data");
      bool hasName = false;
      const bool ok = forEachParam(value, [&](std::string_view k, std::string v) {
        if (iequals(k, "name")) {
          part.name = std::move(v);
          hasName = true;
        } else if (iequals(k, "filename")) {
          part.filename = std::move(v);
        }
      });
      if (!ok) invalid("bad Content-Disposition parameters");
      if (!hasName) invalid("part without a name");
      haveDisposition = true;
    } else if (iequals(name, "Content-Type")) {
      part.contentType = std::string(value);
    }
  }
  if (!haveDisposition) invalid("part without Content-Disposition");
}

}  // namespace

std::string multipartBoundary(std::string_view contentType) {
  const std::string_view type = trim(contentType.substr(0, contentType.find(';')));
  if (!iequals(type, "multipart/form-data")) return {};
  std::string boundary;
  const bool ok = forEachParam(contentType, [&](std::string_view k, std::string v) {
    if (iequals(k, "boundary")) boundary = std::move(v);
  });
  if (!ok || boundary.empty() || boundary.size() > 70 || boundary.back() == ' ') return {};
  for (char c : boundary) {
    if (!boundaryChar(c)) return {};
  }
  return boundary;
}

std::vector<Part> parseMultipart(std::string_view body, std::string_view contentTypeHeader) {
  const std::string boundary = multipartBoundary(contentTypeHeader);
  if (boundary.empty()) invalid("missing or invalid boundary");
  const std::string delimiter = "\r\n--" + boundary;

  // The first delimiter may start the body (no preamble, so no leading CRLF).
  size_t pos;
  if (at(body, 0, delimiter.size() - 2) == std::string_view(delimiter).substr(2)) {
    pos = delimiter.size() - 2;
  } else {
    const size_t first = body.find(delimiter);
    if (first == std::string_view::npos) invalid("no opening boundary");
    pos = first + delimiter.size();
  }

  std::vector<Part> parts;
  while (true) {
    // After a delimiter: "--" ends the body; otherwise optional whitespace then CRLF.
    if (at(body, pos, 2) == "--") return parts;  // the epilogue is ignored
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (at(body, pos, 2) != "\r\n") invalid("boundary not followed by CRLF");
    pos += 2;
    if (parts.size() == kMaxParts) invalid("too many parts");

    Part part;
    part.contentType = "text/plain";
    const size_t headersEnd = body.find("\r\n\r\n", pos);
    const bool emptyHeaders = at(body, pos, 2) == "\r\n";
    if (emptyHeaders) invalid("part without Content-Disposition");
    if (headersEnd == std::string_view::npos) invalid("unterminated part headers");
    if (headersEnd - pos > kMaxHeaderBlock) invalid("part headers too large");
    parseHeaders(at(body, pos, headersEnd - pos), part);
    pos = headersEnd + 4;

    const size_t end = body.find(delimiter, pos);
    if (end == std::string_view::npos) invalid("unterminated part");
    part.data = at(body, pos, end - pos);
    parts.push_back(std::move(part));
    pos = end + delimiter.size();
  }
}

}  // namespace dcmms::http
