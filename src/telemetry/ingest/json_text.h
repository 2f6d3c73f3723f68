// Minimal JSON text building for per-point metadata objects (kept as JSON text end to end).
#pragma once

#include <string>
#include <string_view>

#include "core/json_string.h"

namespace dcmms::telemetry {

// Builds {"k":"v",...} incrementally; an object with no members stays "".
class JsonObjectText {
 public:
  // Starts from an existing object text ("" or "{...}").
  explicit JsonObjectText(std::string base = {}) : text_(std::move(base)) {}
  void add(std::string_view key, std::string_view value) {
    if (text_.size() < 2) {
      text_.clear();
      text_.push_back('{');
    } else {
      text_.pop_back();  // the closing brace
      if (text_.size() > 1) text_.push_back(',');
    }
    appendJsonString(text_, key);
    text_ += ':';
    appendJsonString(text_, value);
    text_ += '}';
  }
  std::string take() { return std::move(text_); }

 private:
  std::string text_;
};

}  // namespace dcmms::telemetry
