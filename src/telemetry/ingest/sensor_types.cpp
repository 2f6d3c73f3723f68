#include "telemetry/ingest/sensor_types.h"

#include <algorithm>

namespace dcmms::telemetry {
namespace {

bool isUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool isLower(char c) { return c >= 'a' && c <= 'z'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }

SensorRegistry makeBuiltin() {
  using D = Dimension;
  SensorRegistry r;
  // 02 §6 IMPL ranges (inclusive), in kW, kWh, °C, V, A, Hz, kPa, %, rpm.
  r.add({"temperature", D::temperature, -50, 150, {"temp"}});
  r.add({"voltage", D::voltage, 0, 600, {"volt"}});
  r.add({"current", D::current, 0, 500, {"amps"}});
  r.add({"power", D::power, 0, 10000, {"active_power", "ac_power", "power_output", "output_power"}});
  r.add({"frequency", D::frequency, 0, 100, {"freq"}});
  r.add({"pressure", D::pressure, 0, 1000, {}});
  r.add({"humidity", D::percent, 0, 100, {"relative_humidity", "rh"}});
  r.add({"vibration", D::none, 0, 100, {}});
  r.add({"flow_rate", D::none, 0, 1000, {"flow"}});
  r.add({"rpm", D::rotation, 0, 10000, {"rotor_speed", "generator_speed"}});
  r.add({"torque", D::torque, 0, 1000, {}});
  r.add({"energy", D::energy, 0, 100000, {"energy_output"}});
  r.add({"status", D::none, std::nullopt, std::nullopt, {"state"}});
  r.add({"other", D::none, std::nullopt, std::nullopt, {}});
  // Additions (02 §4 feeds and §6 edge examples); ranges are physical plausibility bounds.
  r.add({"irradiance", D::irradiance, 0, 2000, {"ghi", "dni", "dhi", "poa", "poa_irradiance"}});
  r.add({"wind_speed", D::speed, 0, 75, {}});
  r.add({"wind_direction", D::none, 0, 360, {}});
  r.add({"state_of_charge", D::percent, 0, 100, {"soc"}});
  r.add({"power_factor", D::none, -1, 1, {"pf", "cos_phi"}});
  r.add({"dc_voltage", D::voltage, 0, 1500, {"vdc"}});
  r.add({"grid_voltage", D::voltage, 0, 1000000, {}});
  r.add({"reactive_power", D::reactivePower, std::nullopt, std::nullopt, {}});
  r.add({"apparent_power", D::apparentPower, std::nullopt, std::nullopt, {}});
  return r;
}

std::vector<std::string_view> splitTokens(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '_') {
      if (i > start) out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string join(const std::vector<std::string_view>& tokens, size_t from, size_t to) {
  std::string s;
  for (size_t i = from; i < to; ++i) {
    if (i > from) s += '_';
    s += tokens[i];
  }
  return s;
}

}  // namespace

const SensorRegistry& SensorRegistry::builtin() {
  static const SensorRegistry registry = makeBuiltin();
  return registry;
}

void SensorRegistry::add(SensorType type) {
  auto existing = std::find_if(types_.begin(), types_.end(),
                               [&](const SensorType& t) { return t.name == type.name; });
  SensorType* slot;
  if (existing != types_.end()) {
    for (const auto& a : existing->aliases) byAlias_.erase(a);
    *existing = std::move(type);
    slot = &*existing;
  } else {
    slot = &types_.emplace_back(std::move(type));
  }
  byAlias_[slot->name] = slot;
  for (const auto& a : slot->aliases) byAlias_[a] = slot;
}

const SensorType* SensorRegistry::find(std::string_view nameOrAlias) const {
  auto it = byAlias_.find(std::string(nameOrAlias));
  return it == byAlias_.end() ? nullptr : it->second;
}

// Scans token windows from the end of the name, longest first: "gearbox_oil_temperature" →
// "temperature"; "inverter_reactive_power" → "reactive_power" before "power".
const SensorType* SensorRegistry::resolveTokens(const std::vector<std::string_view>& tokens,
                                                size_t count) const {
  for (size_t end = count; end > 0; --end) {
    for (size_t len = std::min<size_t>(3, end); len > 0; --len) {
      if (const SensorType* t = find(join(tokens, end - len, end))) return t;
    }
  }
  return nullptr;
}

MetricResolution SensorRegistry::resolve(std::string_view metric) const {
  if (const SensorType* t = find(metric)) return {t, std::nullopt};
  const auto tokens = splitTokens(metric);
  if (tokens.size() >= 2) {
    if (auto unit = unitFromSuffix(tokens.back())) {
      const SensorType* t = resolveTokens(tokens, tokens.size() - 1);
      if (t && t->dimension == unit->dimension && t->dimension != Dimension::none) return {t, unit};
    }
  }
  return {resolveTokens(tokens, tokens.size()), std::nullopt};
}

std::string canonicalMetricName(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 4);
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == ' ' || c == '-') {
      out += '_';
    } else if (isUpper(c)) {
      const char prev = i > 0 ? name[i - 1] : '\0';
      const char next = i + 1 < name.size() ? name[i + 1] : '\0';
      const bool boundary = isLower(prev) || isDigit(prev) || (isUpper(prev) && isLower(next));
      if (boundary && !out.empty() && out.back() != '_') out += '_';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace dcmms::telemetry
