// Structured JSON logs, one object per line on stderr:
//   {"ts":"…","level":"info","msg":"…", "requestId":"…", …}
// Secrets never go through here: callers pass only non-secret fields.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace dcmms::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

using Field = std::pair<std::string_view, std::string>;

void setMinLevel(Level level);
void write(Level level, std::string_view msg, std::initializer_list<Field> fields = {});
inline void info(std::string_view msg, std::initializer_list<Field> f = {}) { write(Level::info, msg, f); }
inline void warn(std::string_view msg, std::initializer_list<Field> f = {}) { write(Level::warn, msg, f); }
inline void error(std::string_view msg, std::initializer_list<Field> f = {}) { write(Level::error, msg, f); }
inline void debug(std::string_view msg, std::initializer_list<Field> f = {}) { write(Level::debug, msg, f); }

}  // namespace dcmms::log
