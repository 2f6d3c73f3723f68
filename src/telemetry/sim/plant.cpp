#include "telemetry/sim/plant.h"

#include <cstdio>
#include <unordered_set>

#include "core/error.h"
#include "core/json_util.h"

namespace dcmms::telemetry {

namespace {

struct AssetKindName {
  AssetKind kind;
  std::string_view name;
};
constexpr AssetKindName kAssetKinds[] = {
    {AssetKind::inverter, "inverter"},         {AssetKind::string, "string"},
    {AssetKind::combiner, "combiner"},         {AssetKind::transformer, "transformer"},
    {AssetKind::weatherStation, "weather-station"}, {AssetKind::turbine, "turbine"},
    {AssetKind::batteryRack, "battery-rack"},  {AssetKind::pcs, "pcs"},
};

[[noreturn]] void invalid(const std::string& field, const std::string& message) {
  fail(Error::validation(field, "INVALID_VALUE", message));
}

SimAsset assetFromJson(const json::object& o, const std::string& path) {
  SimAsset a;
  a.assetId = requireString(o, "assetId", path);
  std::string kind = requireString(o, "kind", path);
  auto k = parseAssetKind(kind);
  if (!k) invalid(path + ".kind", "unknown asset kind '" + kind + "'");
  a.kind = *k;
  a.parentId = getString(o, "parentId", path).value_or("");
  a.ratedKw = getNumber(o, "ratedKw", path).value_or(0);
  a.capacityKwh = getNumber(o, "capacityKwh", path).value_or(0);
  if (a.ratedKw < 0) invalid(path + ".ratedKw", "must not be negative");
  if (a.capacityKwh < 0) invalid(path + ".capacityKwh", "must not be negative");
  return a;
}

SimPlant plantFromObject(const json::object& o, const std::string& path) {
  SimPlant p;
  p.siteId = requireString(o, "siteId", path);
  std::string kind = requireString(o, "kind", path);
  auto k = parsePlantKind(kind);
  if (!k) invalid(path.empty() ? "kind" : path + ".kind", "unknown plant kind '" + kind + "'");
  p.kind = *k;
  p.latitude = getNumber(o, "latitude", path).value_or(0);
  p.longitude = getNumber(o, "longitude", path).value_or(0);
  p.cloudCover = getNumber(o, "cloudCover", path).value_or(0.3);
  p.gridHz = getNumber(o, "gridHz", path).value_or(50);
  std::string prefix = path.empty() ? "" : path + ".";
  if (p.latitude < -90 || p.latitude > 90) invalid(prefix + "latitude", "must be within -90..90");
  if (p.longitude < -180 || p.longitude > 180) invalid(prefix + "longitude", "must be within -180..180");
  if (p.cloudCover < 0 || p.cloudCover > 1) invalid(prefix + "cloudCover", "must be within 0..1");
  if (p.gridHz <= 0) invalid(prefix + "gridHz", "must be positive");
  if (const json::array* assets = getArray(o, "assets", path)) {
    for (size_t i = 0; i < assets->size(); ++i) {
      std::string ap = prefix + "assets[" + std::to_string(i) + "]";
      if (!(*assets)[i].is_object()) invalid(ap, "must be an object");
      p.assets.push_back(assetFromJson((*assets)[i].get_object(), ap));
    }
  }
  std::unordered_set<std::string> ids;
  for (const auto& a : p.assets) {
    if (!ids.insert(a.assetId).second) invalid(prefix + "assets", "duplicate assetId '" + a.assetId + "'");
  }
  for (const auto& a : p.assets) {
    if (!a.parentId.empty() && !ids.count(a.parentId)) {
      invalid(prefix + "assets", "asset '" + a.assetId + "' has unknown parentId '" + a.parentId + "'");
    }
  }
  return p;
}

json::object plantToObject(const SimPlant& p) {
  json::object o;
  o["siteId"] = p.siteId;
  o["kind"] = toString(p.kind);
  o["latitude"] = p.latitude;
  o["longitude"] = p.longitude;
  if (p.kind == PlantKind::solar) o["cloudCover"] = p.cloudCover;
  o["gridHz"] = p.gridHz;
  json::array assets;
  for (const auto& a : p.assets) {
    json::object ao;
    ao["assetId"] = a.assetId;
    ao["kind"] = toString(a.kind);
    if (!a.parentId.empty()) ao["parentId"] = a.parentId;
    if (a.ratedKw > 0) ao["ratedKw"] = a.ratedKw;
    if (a.capacityKwh > 0) ao["capacityKwh"] = a.capacityKwh;
    assets.push_back(std::move(ao));
  }
  o["assets"] = std::move(assets);
  return o;
}

}  // namespace

std::string_view toString(PlantKind k) {
  switch (k) {
    case PlantKind::solar: return "solar";
    case PlantKind::wind: return "wind";
    case PlantKind::battery: return "battery";
  }
  return "solar";
}

std::string_view toString(AssetKind k) {
  for (const auto& e : kAssetKinds) {
    if (e.kind == k) return e.name;
  }
  return "inverter";
}

std::optional<PlantKind> parsePlantKind(std::string_view s) {
  if (s == "solar") return PlantKind::solar;
  if (s == "wind") return PlantKind::wind;
  if (s == "battery" || s == "bess") return PlantKind::battery;
  return std::nullopt;
}

std::optional<AssetKind> parseAssetKind(std::string_view s) {
  for (const auto& e : kAssetKinds) {
    if (e.name == s) return e.kind;
  }
  return std::nullopt;
}

SimPlant plantFromJson(std::string_view text) { return plantFromObject(parseJsonObject(text), ""); }

std::vector<SimPlant> plantsFromJson(std::string_view text) {
  json::value v = parseJsonBody(text);
  const json::array* list = nullptr;
  if (v.is_array()) {
    list = &v.get_array();
  } else if (v.is_object() && v.get_object().contains("plants")) {
    list = getArray(v.get_object(), "plants");
  } else if (v.is_object()) {
    return {plantFromObject(v.get_object(), "")};
  }
  if (!list) invalid("plants", "expected a plant object, an array of plants or {\"plants\":[…]}");
  std::vector<SimPlant> out;
  for (size_t i = 0; i < list->size(); ++i) {
    std::string path = "plants[" + std::to_string(i) + "]";
    if (!(*list)[i].is_object()) invalid(path, "must be an object");
    out.push_back(plantFromObject((*list)[i].get_object(), path));
  }
  return out;
}

std::string plantToJson(const SimPlant& plant) { return toJson(plantToObject(plant)); }

std::string plantsToJson(const std::vector<SimPlant>& plants) {
  json::array arr;
  for (const auto& p : plants) arr.push_back(plantToObject(p));
  json::object o;
  o["plants"] = std::move(arr);
  return toJson(o);
}

std::string paddedIndex(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d", i);
  return buf;
}

SimPlant demoSolarPlant(const std::string& siteId, const SolarLayout& layout) {
  SimPlant p;
  p.siteId = siteId;
  p.kind = PlantKind::solar;
  p.latitude = layout.latitude;
  p.longitude = layout.longitude;
  p.assets.push_back({"WS-01", AssetKind::weatherStation, "", 0, 0});
  int perTr = layout.invertersPerTransformer > 0 ? layout.invertersPerTransformer : 1;
  int transformers = (layout.inverters + perTr - 1) / perTr;
  for (int t = 1; t <= transformers; ++t) {
    int served = std::min(perTr, layout.inverters - (t - 1) * perTr);
    p.assets.push_back({"TR-" + paddedIndex(t), AssetKind::transformer, "", 2750.0 * served, 0});
  }
  for (int i = 1; i <= layout.inverters; ++i) {
    std::string inv = "INV-" + paddedIndex(i);
    std::string tr = "TR-" + paddedIndex((i - 1) / perTr + 1);
    p.assets.push_back({inv, AssetKind::inverter, tr, 2500, 0});
    for (int c = 1; c <= layout.combinersPerInverter; ++c) {
      std::string cb = inv + "-CB-" + paddedIndex(c);
      p.assets.push_back({cb, AssetKind::combiner, inv, 0, 0});
      for (int s = 1; s <= layout.stringsPerCombiner; ++s) {
        p.assets.push_back({cb + "-STR-" + paddedIndex(s), AssetKind::string, cb, 0, 0});
      }
    }
  }
  return p;
}

SimPlant demoWindFarm(const std::string& siteId, const WindLayout& layout) {
  SimPlant p;
  p.siteId = siteId;
  p.kind = PlantKind::wind;
  p.latitude = layout.latitude;
  p.longitude = layout.longitude;
  for (int i = 1; i <= layout.turbines; ++i) {
    p.assets.push_back({"WTG-" + paddedIndex(i), AssetKind::turbine, "", 3000, 0});
  }
  return p;
}

SimPlant demoBattery(const std::string& siteId, const BatteryLayout& layout) {
  SimPlant p;
  p.siteId = siteId;
  p.kind = PlantKind::battery;
  p.latitude = layout.latitude;
  p.longitude = layout.longitude;
  for (int i = 1; i <= layout.pcsUnits; ++i) {
    p.assets.push_back({"PCS-" + paddedIndex(i), AssetKind::pcs, "", 2500, 0});
  }
  int rack = 0;
  for (int i = 1; i <= layout.pcsUnits; ++i) {
    for (int r = 1; r <= layout.racksPerPcs; ++r) {
      ++rack;
      p.assets.push_back({"BESS-RACK-" + paddedIndex(rack), AssetKind::batteryRack, "PCS-" + paddedIndex(i),
                          2500.0 / layout.racksPerPcs, 10000.0 / layout.racksPerPcs});
    }
  }
  return p;
}

}  // namespace dcmms::telemetry
