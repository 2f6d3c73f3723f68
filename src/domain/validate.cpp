#include "domain/validate.h"

#include <cmath>

#include "core/time_format.h"

namespace dcmms::domain {

namespace json = boost::json;

std::string joinEnum(const std::vector<std::string_view>& values) {
  std::string out;
  for (auto v : values) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

void Validator::add(std::string field, std::string code, std::string message) {
  errors_.push_back({path_.empty() ? std::move(field) : path_ + "." + field, std::move(message), std::move(code)});
}

Validator& Validator::check(const json::object& obj, const std::vector<FieldSpec>& specs, bool partial,
                            bool rejectUnknown) {
  if (rejectUnknown) {
    for (const auto& kv : obj) {
      bool known = false;
      for (const auto& s : specs) known = known || s.name == kv.key();
      if (!known) add(std::string(kv.key()), "UNKNOWN_FIELD", "is not a recognised field");
    }
  }
  for (const auto& s : specs) {
    const json::value* v = obj.if_contains(s.name);
    const std::string name(s.name);
    if (!v || v->is_null()) {
      if (s.required && !partial) add(name, "MISSING_REQUIRED_FIELD", "is required");
      else if (s.required && v && v->is_null()) add(name, "MISSING_REQUIRED_FIELD", "cannot be null");
      continue;
    }
    switch (s.kind) {
      case Kind::String:
      case Kind::Enum:
      case Kind::Time: {
        if (!v->is_string()) {
          add(name, "INVALID_FIELD_TYPE", "must be a string");
          break;
        }
        std::string_view str = v->get_string();
        if (s.kind == Kind::Enum) {
          bool found = false;
          for (auto e : s.enumValues) found = found || e == str;
          if (!found) add(name, "INVALID_ENUM_VALUE", "must be one of: " + joinEnum(s.enumValues));
        } else if (s.kind == Kind::Time) {
          if (!parseIso8601(str)) add(name, "INVALID_DATE_FORMAT", "must be an ISO 8601 date-time");
        } else {
          if (str.size() < s.minLen) add(name, "INVALID_FIELD_VALUE", "must be at least " + std::to_string(s.minLen) + " characters");
          if (s.maxLen && str.size() > s.maxLen)
            add(name, "INVALID_FIELD_VALUE", "must be at most " + std::to_string(s.maxLen) + " characters");
        }
        break;
      }
      case Kind::Number:
      case Kind::Integer: {
        if (!v->is_number()) {
          add(name, "INVALID_FIELD_TYPE", s.kind == Kind::Integer ? "must be an integer" : "must be a number");
          break;
        }
        double d = v->to_number<double>();
        if (s.kind == Kind::Integer && d != std::floor(d)) add(name, "INVALID_FIELD_TYPE", "must be an integer");
        if (d < s.min) add(name, "INVALID_FIELD_VALUE", "must be ≥ " + std::to_string(static_cast<long long>(s.min)));
        if (d > s.max) add(name, "INVALID_FIELD_VALUE", "is too large");
        break;
      }
      case Kind::Bool:
        if (!v->is_bool()) add(name, "INVALID_FIELD_TYPE", "must be a boolean");
        break;
      case Kind::StringArray:
        if (!v->is_array()) {
          add(name, "INVALID_FIELD_TYPE", "must be an array of strings");
          break;
        }
        for (const auto& e : v->get_array())
          if (!e.is_string()) {
            add(name, "INVALID_FIELD_TYPE", "must be an array of strings");
            break;
          }
        break;
      case Kind::Object:
        if (!v->is_object()) add(name, "INVALID_FIELD_TYPE", "must be an object");
        break;
      case Kind::Array:
        if (!v->is_array()) add(name, "INVALID_FIELD_TYPE", "must be an array");
        break;
      case Kind::Any: break;
    }
  }
  return *this;
}

void Validator::throwIfErrors() const {
  if (!errors_.empty()) fail(Error{400, "VALIDATION_ERROR", "Request validation failed", errors_});
}

}  // namespace dcmms::domain
