// Unit normalisation (02 §4 FR-DI-003): every known unit spelling maps to the canonical unit of
// its dimension (W → kW, °F → °C, mA → A, …) with an affine conversion y = (x + add) * mul / div.
// Scale factors are kept as a multiplier and a divisor so that e.g. 1500.5 W → 1.5005 kW is the
// correctly rounded quotient, not 1500.5 * 0.001.
#pragma once

#include <optional>
#include <string_view>

namespace dcmms::telemetry {

enum class Dimension : uint8_t {
  none,  // unitless or a unit we do not convert
  power,
  energy,
  temperature,
  voltage,
  current,
  frequency,
  irradiance,
  speed,
  percent,
  pressure,
  rotation,
  reactivePower,
  apparentPower,
  torque,
};

struct UnitConversion {
  double add = 0;
  double mul = 1;
  double div = 1;
  bool identity() const { return add == 0 && mul == 1 && div == 1; }
  double apply(double x) const { return (x + add) * mul / div; }
};

struct UnitInfo {
  std::string_view canonical;  // canonical spelling of the dimension's unit, e.g. "kW"
  Dimension dimension = Dimension::none;
  UnitConversion toCanonical;
};

// Looks a unit spelling up: exact spellings first ("W", "kWh", "°F", "celsius", "W/m2"), then a
// case-insensitive match for spellings that are unambiguous in plant telemetry ("KW", "kwh";
// "mw"/"mwh" are read as mega, never milli). nullopt = unknown unit, kept verbatim.
std::optional<UnitInfo> lookupUnit(std::string_view unit);

// The unit a metric-name suffix token names, e.g. "kw" → "kW", "c" → "°C", "wm2" → "W/m²".
std::optional<UnitInfo> unitFromSuffix(std::string_view lowerToken);

}  // namespace dcmms::telemetry
