// JSON helpers on top of Boost.JSON: plain-decimal number output (Boost.JSON 1.81 prints
// some doubles in exponent form) and typed field access with precise validation errors.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/json_string.h"

namespace dcmms {

namespace json = boost::json;

// Serialises a value with doubles written as plain decimals (up to 6 fractional digits,
// trailing zeros trimmed).
std::string toJson(const json::value& v);
void appendJson(std::string& out, const json::value& v);
void appendNumber(std::string& out, double d);

// Parses a request body; malformed text → 400 INVALID_JSON naming the offset.
json::value parseJsonBody(std::string_view body);
// Like parseJsonBody but the top level must be an object.
json::object parseJsonObject(std::string_view body);

// Typed getters: absent → nullopt; present with the wrong type → 400 INVALID_FIELD_TYPE.
std::optional<std::string> getString(const json::object& o, std::string_view key, std::string_view path = {});
std::optional<double> getNumber(const json::object& o, std::string_view key, std::string_view path = {});
std::optional<int64_t> getInt(const json::object& o, std::string_view key, std::string_view path = {});
std::optional<bool> getBool(const json::object& o, std::string_view key, std::string_view path = {});
const json::array* getArray(const json::object& o, std::string_view key, std::string_view path = {});
const json::object* getObject(const json::object& o, std::string_view key, std::string_view path = {});
std::string requireString(const json::object& o, std::string_view key, std::string_view path = {});

}  // namespace dcmms
