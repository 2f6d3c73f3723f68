#include "telemetry/ingest/units.h"

#include <array>
#include <cctype>
#include <cstdint>

namespace dcmms::telemetry {
namespace {

using D = Dimension;

struct Entry {
  std::string_view spelling;
  std::string_view canonical;
  D dimension;
  UnitConversion conv;
};

constexpr UnitConversion kSame{};
constexpr UnitConversion kMilli{0, 1, 1000};
constexpr UnitConversion kKilo{0, 1000, 1};
constexpr UnitConversion kMega{0, 1000000, 1};
constexpr UnitConversion kGiga{0, 1000000000, 1};

// Exact (case-sensitive) spellings. Canonical units: kW, kWh, °C, V, A, Hz, W/m², m/s, %, kPa,
// rpm, kvar, kVA, kNm.
constexpr std::array kExact{
    Entry{"W", "kW", D::power, kMilli},
    Entry{"kW", "kW", D::power, kSame},
    Entry{"MW", "kW", D::power, kKilo},
    Entry{"GW", "kW", D::power, kMega},
    Entry{"Wh", "kWh", D::energy, kMilli},
    Entry{"kWh", "kWh", D::energy, kSame},
    Entry{"MWh", "kWh", D::energy, kKilo},
    Entry{"GWh", "kWh", D::energy, kMega},
    Entry{"°C", "°C", D::temperature, kSame},
    Entry{"℃", "°C", D::temperature, kSame},
    Entry{"C", "°C", D::temperature, kSame},
    Entry{"degC", "°C", D::temperature, kSame},
    Entry{"°F", "°C", D::temperature, {-32, 5, 9}},
    Entry{"℉", "°C", D::temperature, {-32, 5, 9}},
    Entry{"F", "°C", D::temperature, {-32, 5, 9}},
    Entry{"degF", "°C", D::temperature, {-32, 5, 9}},
    Entry{"K", "°C", D::temperature, {-273.15, 1, 1}},
    Entry{"V", "V", D::voltage, kSame},
    Entry{"mV", "V", D::voltage, kMilli},
    Entry{"kV", "V", D::voltage, kKilo},
    Entry{"MV", "V", D::voltage, kMega},
    Entry{"A", "A", D::current, kSame},
    Entry{"mA", "A", D::current, kMilli},
    Entry{"kA", "A", D::current, kKilo},
    Entry{"Hz", "Hz", D::frequency, kSame},
    Entry{"mHz", "Hz", D::frequency, kMilli},
    Entry{"kHz", "Hz", D::frequency, kKilo},
    Entry{"W/m²", "W/m²", D::irradiance, kSame},
    Entry{"W/m2", "W/m²", D::irradiance, kSame},
    Entry{"W/m^2", "W/m²", D::irradiance, kSame},
    Entry{"Wm2", "W/m²", D::irradiance, kSame},
    Entry{"kW/m²", "W/m²", D::irradiance, kKilo},
    Entry{"kW/m2", "W/m²", D::irradiance, kKilo},
    Entry{"m/s", "m/s", D::speed, kSame},
    Entry{"km/h", "m/s", D::speed, {0, 1, 3.6}},
    Entry{"mph", "m/s", D::speed, {0, 0.44704, 1}},
    Entry{"kn", "m/s", D::speed, {0, 1852, 3600}},
    Entry{"%", "%", D::percent, kSame},
    Entry{"Pa", "kPa", D::pressure, kMilli},
    Entry{"hPa", "kPa", D::pressure, {0, 1, 10}},
    Entry{"kPa", "kPa", D::pressure, kSame},
    Entry{"MPa", "kPa", D::pressure, kKilo},
    Entry{"mbar", "kPa", D::pressure, {0, 1, 10}},
    Entry{"bar", "kPa", D::pressure, {0, 100, 1}},
    Entry{"psi", "kPa", D::pressure, {0, 6.894757293168361, 1}},
    Entry{"rpm", "rpm", D::rotation, kSame},
    Entry{"var", "kvar", D::reactivePower, kMilli},
    Entry{"kvar", "kvar", D::reactivePower, kSame},
    Entry{"Mvar", "kvar", D::reactivePower, kKilo},
    Entry{"VA", "kVA", D::apparentPower, kMilli},
    Entry{"kVA", "kVA", D::apparentPower, kSame},
    Entry{"MVA", "kVA", D::apparentPower, kKilo},
    Entry{"Nm", "kNm", D::torque, kMilli},
    Entry{"N·m", "kNm", D::torque, kMilli},
    Entry{"kNm", "kNm", D::torque, kSame},
};

// Lower-case spellings matched case-insensitively: words, and symbols whose case is commonly
// lost by vendors. Prefix "m" means mega here (milliwatts do not occur in plant telemetry).
constexpr std::array kFolded{
    Entry{"w", "kW", D::power, kMilli},
    Entry{"watt", "kW", D::power, kMilli},
    Entry{"watts", "kW", D::power, kMilli},
    Entry{"kw", "kW", D::power, kSame},
    Entry{"kilowatt", "kW", D::power, kSame},
    Entry{"kilowatts", "kW", D::power, kSame},
    Entry{"mw", "kW", D::power, kKilo},
    Entry{"megawatt", "kW", D::power, kKilo},
    Entry{"megawatts", "kW", D::power, kKilo},
    Entry{"gw", "kW", D::power, kMega},
    Entry{"wh", "kWh", D::energy, kMilli},
    Entry{"kwh", "kWh", D::energy, kSame},
    Entry{"kilowatt_hours", "kWh", D::energy, kSame},
    Entry{"kilowatthours", "kWh", D::energy, kSame},
    Entry{"mwh", "kWh", D::energy, kKilo},
    Entry{"gwh", "kWh", D::energy, kMega},
    Entry{"celsius", "°C", D::temperature, kSame},
    Entry{"degc", "°C", D::temperature, kSame},
    Entry{"deg_c", "°C", D::temperature, kSame},
    Entry{"degrees_celsius", "°C", D::temperature, kSame},
    Entry{"°c", "°C", D::temperature, kSame},
    Entry{"fahrenheit", "°C", D::temperature, {-32, 5, 9}},
    Entry{"degf", "°C", D::temperature, {-32, 5, 9}},
    Entry{"°f", "°C", D::temperature, {-32, 5, 9}},
    Entry{"kelvin", "°C", D::temperature, {-273.15, 1, 1}},
    Entry{"v", "V", D::voltage, kSame},
    Entry{"volt", "V", D::voltage, kSame},
    Entry{"volts", "V", D::voltage, kSame},
    Entry{"kv", "V", D::voltage, kKilo},
    Entry{"kilovolts", "V", D::voltage, kKilo},
    Entry{"a", "A", D::current, kSame},
    Entry{"amp", "A", D::current, kSame},
    Entry{"amps", "A", D::current, kSame},
    Entry{"ampere", "A", D::current, kSame},
    Entry{"amperes", "A", D::current, kSame},
    Entry{"ma", "A", D::current, kMilli},
    Entry{"milliamps", "A", D::current, kMilli},
    Entry{"hz", "Hz", D::frequency, kSame},
    Entry{"hertz", "Hz", D::frequency, kSame},
    Entry{"w/m2", "W/m²", D::irradiance, kSame},
    Entry{"w/m²", "W/m²", D::irradiance, kSame},
    Entry{"wm2", "W/m²", D::irradiance, kSame},
    Entry{"m/s", "m/s", D::speed, kSame},
    Entry{"mps", "m/s", D::speed, kSame},
    Entry{"km/h", "m/s", D::speed, {0, 1, 3.6}},
    Entry{"kmh", "m/s", D::speed, {0, 1, 3.6}},
    Entry{"kph", "m/s", D::speed, {0, 1, 3.6}},
    Entry{"mph", "m/s", D::speed, {0, 0.44704, 1}},
    Entry{"knots", "m/s", D::speed, {0, 1852, 3600}},
    Entry{"pct", "%", D::percent, kSame},
    Entry{"percent", "%", D::percent, kSame},
    Entry{"kpa", "kPa", D::pressure, kSame},
    Entry{"hpa", "kPa", D::pressure, {0, 1, 10}},
    Entry{"bar", "kPa", D::pressure, {0, 100, 1}},
    Entry{"psi", "kPa", D::pressure, {0, 6.894757293168361, 1}},
    Entry{"rpm", "rpm", D::rotation, kSame},
    Entry{"kvar", "kvar", D::reactivePower, kSame},
    Entry{"mvar", "kvar", D::reactivePower, kKilo},
    Entry{"kva", "kVA", D::apparentPower, kSame},
    Entry{"mva", "kVA", D::apparentPower, kKilo},
    Entry{"nm", "kNm", D::torque, kMilli},
    Entry{"knm", "kNm", D::torque, kSame},
};

// Metric-name suffix tokens ("active_power_kw", "temperature_c"); a subset of kFolded plus
// suffix-only spellings. "ms" and "f"/"k" are only trusted when the rest of the name agrees
// on the dimension (checked by the caller).
constexpr std::array kSuffix{
    Entry{"c", "°C", D::temperature, kSame},
    Entry{"degc", "°C", D::temperature, kSame},
    Entry{"f", "°C", D::temperature, {-32, 5, 9}},
    Entry{"k", "°C", D::temperature, {-273.15, 1, 1}},
    Entry{"pct", "%", D::percent, kSame},
    Entry{"percent", "%", D::percent, kSame},
    Entry{"ms", "m/s", D::speed, kSame},
};

std::optional<UnitInfo> find(std::string_view s, const auto& table) {
  for (const Entry& e : table) {
    if (e.spelling == s) return UnitInfo{e.canonical, e.dimension, e.conv};
  }
  return std::nullopt;
}

}  // namespace

std::optional<UnitInfo> lookupUnit(std::string_view unit) {
  if (unit.empty()) return std::nullopt;
  if (auto u = find(unit, kExact)) return u;
  if (unit.size() > 32) return std::nullopt;
  char buf[32];
  for (size_t i = 0; i < unit.size(); ++i) {
    buf[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(unit[i])));
  }
  return find(std::string_view(buf, unit.size()), kFolded);
}

std::optional<UnitInfo> unitFromSuffix(std::string_view lowerToken) {
  if (auto u = find(lowerToken, kSuffix)) return u;
  // "a" and "v" are tokens of names like "phase_a_voltage" too; callers check the dimension.
  return find(lowerToken, kFolded);
}

}  // namespace dcmms::telemetry
