// Transparent string hash so maps keyed by std::string can be searched with a string_view
// without building a temporary string (statement caches are hit on every query).
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

namespace dcmms::store {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

}  // namespace dcmms::store
