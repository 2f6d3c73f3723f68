#include "core/json_util.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace dcmms {

namespace {

std::string fieldName(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return std::string(path) + "." + std::string(key);
}

[[noreturn]] void wrongType(std::string_view path, std::string_view key, const char* expected) {
  fail(Error{400, "VALIDATION_ERROR", "Request validation failed",
             {{fieldName(path, key), std::string("must be ") + expected, "INVALID_FIELD_TYPE"}}});
}

}  // namespace

void appendNumber(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  if (d == std::floor(d) && std::fabs(d) < 1e15) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(d));
    out.append(buf, r.ptr);
    return;
  }
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%.6f", d);
  while (n > 0 && buf[n - 1] == '0') --n;
  if (n > 0 && buf[n - 1] == '.') --n;
  out.append(buf, static_cast<size_t>(n));
}

void appendJson(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: out += "null"; break;
    case json::kind::bool_: out += v.get_bool() ? "true" : "false"; break;
    case json::kind::int64: out += std::to_string(v.get_int64()); break;
    case json::kind::uint64: out += std::to_string(v.get_uint64()); break;
    case json::kind::double_: appendNumber(out, v.get_double()); break;
    case json::kind::string: appendJsonString(out, v.get_string()); break;
    case json::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        appendJson(out, e);
      }
      out.push_back(']');
      break;
    }
    case json::kind::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& kv : v.get_object()) {
        if (!first) out.push_back(',');
        first = false;
        appendJsonString(out, kv.key());
        out.push_back(':');
        appendJson(out, kv.value());
      }
      out.push_back('}');
      break;
    }
  }
}

std::string toJson(const json::value& v) {
  std::string out;
  appendJson(out, v);
  return out;
}

json::value parseJsonBody(std::string_view body) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 64;
  json::value v = json::parse(body, ec, {}, opts);
  if (ec) {
    fail(Error{400, "INVALID_JSON", "Request body is not valid JSON: " + ec.message(), {}});
  }
  return v;
}

json::object parseJsonObject(std::string_view body) {
  json::value v = parseJsonBody(body);
  if (!v.is_object()) fail(Error{400, "INVALID_JSON", "Request body must be a JSON object", {}});
  return std::move(v.get_object());
}

std::optional<std::string> getString(const json::object& o, std::string_view key, std::string_view path) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_string()) wrongType(path, key, "a string");
  return std::string(it->value().get_string());
}

std::optional<double> getNumber(const json::object& o, std::string_view key, std::string_view path) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::nullopt;
  const auto& v = it->value();
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  wrongType(path, key, "a number");
}

std::optional<int64_t> getInt(const json::object& o, std::string_view key, std::string_view path) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::nullopt;
  const auto& v = it->value();
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(v.get_uint64());
  if (v.is_double() && v.get_double() == std::floor(v.get_double()) && std::fabs(v.get_double()) < 9e15)
    return static_cast<int64_t>(v.get_double());
  wrongType(path, key, "an integer");
}

std::optional<bool> getBool(const json::object& o, std::string_view key, std::string_view path) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_bool()) wrongType(path, key, "a boolean");
  return it->value().get_bool();
}

const json::array* getArray(const json::object& o, std::string_view key, std::string_view path) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return nullptr;
  if (!it->value().is_array()) wrongType(path, key, "an array");
  return &it->value().get_array();
}

const json::object* getObject(const json::object& o, std::string_view key, std::string_view path) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return nullptr;
  if (!it->value().is_object()) wrongType(path, key, "an object");
  return &it->value().get_object();
}

std::string requireString(const json::object& o, std::string_view key, std::string_view path) {
  auto s = getString(o, key, path);
  if (!s) {
    fail(Error{400, "VALIDATION_ERROR", "Request validation failed",
               {{fieldName(path, key), "is required", "MISSING_REQUIRED_FIELD"}}});
  }
  return *s;
}

}  // namespace dcmms
