// Declarative validation of JSON request bodies: each field has a kind and limits; unknown
// fields, wrong types, bad enum values and limit violations are collected into one 400
// VALIDATION_ERROR whose details name every offending field.
#pragma once

#include <boost/json.hpp>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace dcmms::domain {

enum class Kind { String, Enum, Number, Integer, Bool, Time, StringArray, Object, Array, Any };

struct FieldSpec {
  std::string_view name;
  Kind kind = Kind::String;
  bool required = false;
  size_t minLen = 0;
  size_t maxLen = 0;  // 0 = unlimited
  std::vector<std::string_view> enumValues = {};
  double min = -1e300;
  double max = 1e300;
};

class Validator {
 public:
  explicit Validator(std::string path = {}) : path_(std::move(path)) {}
  // Checks obj against specs; when `partial` (PATCH), required fields may be absent.
  Validator& check(const boost::json::object& obj, const std::vector<FieldSpec>& specs, bool partial = false,
                   bool rejectUnknown = true);
  void add(std::string field, std::string code, std::string message);
  bool ok() const { return errors_.empty(); }
  // Throws 400 VALIDATION_ERROR with all collected details.
  void throwIfErrors() const;

 private:
  std::string path_;
  std::vector<FieldError> errors_;
};

std::string joinEnum(const std::vector<std::string_view>& values);

}  // namespace dcmms::domain
