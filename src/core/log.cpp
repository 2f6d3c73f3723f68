#include "core/log.h"

#include <atomic>
#include <cstdio>

#include "core/clock.h"
#include "core/json_util.h"
#include "core/time_format.h"

namespace dcmms::log {

namespace {
// The minimum level is process configuration set once at start-up; atomic so reads are safe.
std::atomic<int>& minLevel() {
  static std::atomic<int> level{static_cast<int>(Level::info)};
  return level;
}
const char* name(Level l) {
  switch (l) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}
}  // namespace

void setMinLevel(Level level) { minLevel().store(static_cast<int>(level)); }

void write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  if (static_cast<int>(level) < minLevel().load(std::memory_order_relaxed)) return;
  std::string line = "{\"ts\":\"" + formatIso8601(SystemClock().nowMs()) + "\",\"level\":\"" + name(level) + "\",\"msg\":";
  appendJsonString(line, msg);
  for (const auto& [k, v] : fields) {
    line.push_back(',');
    appendJsonString(line, k);
    line.push_back(':');
    appendJsonString(line, v);
  }
  line += "}\n";
  std::fwrite(line.data(), 1, line.size(), stderr);  // one write per line: lines never interleave
}

}  // namespace dcmms::log
