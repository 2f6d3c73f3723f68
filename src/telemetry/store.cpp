#include "telemetry/store.h"

namespace dcmms::telemetry {

const char* resolutionName(Resolution r) {
  switch (r) {
    case Resolution::m1: return "1m";
    case Resolution::m5: return "5m";
    case Resolution::m15: return "15m";
    case Resolution::h1: return "1h";
  }
  return "1m";
}

std::optional<Resolution> parseResolution(std::string_view s) {
  if (s == "1m" || s == "1min") return Resolution::m1;
  if (s == "5m" || s == "5min") return Resolution::m5;
  if (s == "15m" || s == "15min") return Resolution::m15;
  if (s == "1h" || s == "1hour") return Resolution::h1;
  return std::nullopt;
}

const char* tierName(Tier t) {
  switch (t) {
    case Tier::raw: return "raw";
    case Tier::m1: return "1m";
    case Tier::m5: return "5m";
    case Tier::m15: return "15m";
    case Tier::h1: return "1h";
  }
  return "raw";
}

}  // namespace dcmms::telemetry
