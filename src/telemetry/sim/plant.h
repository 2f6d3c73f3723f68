// Plant descriptions for the telemetry simulator: which site, where, and which assets it has.
// The asset id scheme of the built-in demo portfolio is documented in sim/README.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dcmms::telemetry {

enum class PlantKind { solar, wind, battery };

enum class AssetKind {
  inverter,
  string,          // one PV string (series-connected modules)
  combiner,        // combiner box: parallels strings onto one DC bus
  transformer,
  weatherStation,  // "weather-station"
  turbine,
  batteryRack,     // "battery-rack"
  pcs,             // power conversion system of a battery plant
};

struct SimAsset {
  std::string assetId;
  AssetKind kind = AssetKind::inverter;
  // Electrical parent: string → combiner → inverter → transformer, battery-rack → pcs.
  // Empty for top-level assets.
  std::string parentId;
  // Rating in kW: DC kWp for strings and combiners without strings, AC kW for inverters,
  // turbines and PCS, kVA for transformers, max charge/discharge kW for racks. 0 = kind default.
  double ratedKw = 0;
  // Usable energy of a battery rack in kWh; 0 = kind default. Ignored for other kinds.
  double capacityKwh = 0;
};

struct SimPlant {
  std::string siteId;
  PlantKind kind = PlantKind::solar;
  double latitude = 0;   // degrees, north positive
  double longitude = 0;  // degrees, east positive
  double cloudCover = 0.3;  // solar: mean cloudiness index 0..1 (0 = always clear sky)
  double gridHz = 50;       // nominal grid frequency
  std::vector<SimAsset> assets;
};

std::string_view toString(PlantKind k);
std::string_view toString(AssetKind k);
std::optional<PlantKind> parsePlantKind(std::string_view s);
std::optional<AssetKind> parseAssetKind(std::string_view s);

// JSON form of a plant (see sim/README.md):
//   {"siteId":…,"kind":"solar","latitude":…,"longitude":…,"cloudCover":…,"gridHz":…,
//    "assets":[{"assetId":…,"kind":"inverter","parentId":…,"ratedKw":…,"capacityKwh":…}]}
// Parsing throws ApiException (400) naming the offending field; it also checks that asset ids
// are unique and parents exist.
SimPlant plantFromJson(std::string_view text);
std::vector<SimPlant> plantsFromJson(std::string_view text);  // {"plants":[…]}, […] or one plant
std::string plantToJson(const SimPlant& plant);
std::string plantsToJson(const std::vector<SimPlant>& plants);

// Demo portfolio builders. Layouts are parameters so tests can build small plants; the defaults
// are the demo plant (see sim/README.md for the id scheme).
struct SolarLayout {
  int inverters = 20;              // 2.5 MWac each → 50 MWac
  int combinersPerInverter = 12;
  int stringsPerCombiner = 16;     // 16.24 kWp strings → 3.12 MWp per inverter (DC/AC 1.25)
  int invertersPerTransformer = 2;
  double latitude = 27.0;          // Rajasthan, India
  double longitude = 71.9;
};
struct WindLayout {
  int turbines = 20;  // 3 MW each → 60 MW
  double latitude = 8.95;
  double longitude = 77.7;
};
struct BatteryLayout {
  int pcsUnits = 10;     // 2.5 MW each → 25 MW
  int racksPerPcs = 4;   // 2.5 MWh each → 100 MWh (4 h)
  double latitude = 27.1;
  double longitude = 72.0;
};

SimPlant demoSolarPlant(const std::string& siteId, const SolarLayout& layout = {});
SimPlant demoWindFarm(const std::string& siteId, const WindLayout& layout = {});
SimPlant demoBattery(const std::string& siteId, const BatteryLayout& layout = {});

// Two-digit (or wider when needed) zero-padded index: 1 → "01", 120 → "120".
std::string paddedIndex(int i);

}  // namespace dcmms::telemetry
