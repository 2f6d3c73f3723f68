#include "app/demo_plants.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <vector>

#include "telemetry/sim/plant.h"

namespace dcmms::app {

namespace {

namespace json = boost::json;
using telemetry::AssetKind;

// Rated DC power of one string: 28 modules of 580 Wp (see telemetry/sim/plant.h).
constexpr double kStringKwp = 16.24;

struct AssetDef {
  std::string id, site, zone, parent, category, type, name;
  std::string manufacturer, model, serial, commissionDate, warrantyExpiry;
  json::object specs;
  json::object maintenance;
  json::object location;
  std::vector<std::string> tags;
};

json::object maintenance(const char* criticality, const char* strategy, int pmIntervalDays) {
  return {{"criticality", criticality}, {"strategy", strategy}, {"pmIntervalDays", pmIntervalDays}};
}

json::object point(double lat, double lon) {
  // Five decimals (~1 m) are plenty for equipment positions.
  auto round5 = [](double v) { return static_cast<double>(static_cast<long long>(v * 1e5 + (v < 0 ? -0.5 : 0.5))) / 1e5; };
  return {{"lat", round5(lat)}, {"lon", round5(lon)}};
}

std::string serial(const char* prefix, long long base, int index) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%07lld", prefix, base + 7919LL * index);  // distinct, stable, not sequential
  return buf;
}

// Index suffix of an id like "TR-03" or "INV-12" ("03", "12").
std::string suffixOf(const std::string& id) { return id.substr(id.rfind('-') + 1); }

class PlantSeeder {
 public:
  explicit PlantSeeder(DemoWorld& w) : w_(w) {}

  void site(json::object body) {
    w_.app.sites.create(w_.system(), body);
    ++counts_.sites;
  }
  void zone(const std::string& site, const std::string& id, const std::string& name, const char* zoneType,
            const std::string& description) {
    w_.app.zones.create(w_.system(), json::object{{"zoneId", id},
                                                  {"siteId", site},
                                                  {"name", name},
                                                  {"zoneType", zoneType},
                                                  {"description", description}});
    ++counts_.zones;
  }
  void asset(const AssetDef& a) {
    json::object body{{"assetId", a.id}, {"siteId", a.site}, {"category", a.category}, {"type", a.type}};
    auto put = [&](const char* key, const std::string& v) {
      if (!v.empty()) body[key] = v;
    };
    put("zoneId", a.zone);
    put("parentAssetId", a.parent);
    put("name", a.name);
    put("manufacturer", a.manufacturer);
    put("model", a.model);
    put("serialNumber", a.serial);
    put("commissionDate", a.commissionDate);
    put("warrantyExpiry", a.warrantyExpiry);
    if (!a.specs.empty()) body["specifications"] = a.specs;
    if (!a.maintenance.empty()) body["maintenance"] = a.maintenance;
    if (!a.location.empty()) body["location"] = a.location;
    if (!a.tags.empty()) {
      json::array tags;
      for (const auto& t : a.tags) tags.emplace_back(t);
      body["tags"] = std::move(tags);
    }
    w_.app.assets.create(w_.system(), body);
    ++counts_.assets;
  }
  PlantCounts counts() const { return counts_; }

 private:
  DemoWorld& w_;
  PlantCounts counts_;
};

// ---- solar ---------------------------------------------------------------------------------

void seedSolar(PlantSeeder& s) {
  const telemetry::SimPlant plant = telemetry::demoSolarPlant(kSolarSite);
  // Children per asset and DC capacity under each asset (strings add up to combiners and inverters).
  std::map<std::string, int> children;
  std::map<std::string, std::string> parentOf;
  std::map<std::string, double> dcKwp;
  int inverters = 0;
  double acMw = 0, dcMwp = 0;
  for (const auto& a : plant.assets) {
    parentOf[a.assetId] = a.parentId;
    if (!a.parentId.empty()) ++children[a.parentId];
    if (a.kind == AssetKind::inverter) {
      ++inverters;
      acMw += (a.ratedKw > 0 ? a.ratedKw : 2500) / 1000.0;
    }
    if (a.kind == AssetKind::string) {
      const double kwp = a.ratedKw > 0 ? a.ratedKw : kStringKwp;
      dcMwp += kwp / 1000.0;
      for (std::string p = a.parentId; !p.empty(); p = parentOf[p]) dcKwp[p] += kwp;
    }
  }
  dcMwp = std::round(dcMwp * 100) / 100;

  char desc[256];
  std::snprintf(desc, sizeof desc,
                "%.0f MWac / %.2f MWp ground-mounted bifacial PV plant: %d central inverters in inverter stations "
                "of two, 33 kV collection, 220 kV evacuation.",
                acMw, dcMwp, inverters);
  s.site({{"siteId", kSolarSite},
          {"name", "Thar Solar Park"},
          {"type", "solar"},
          {"status", "active"},
          {"description", desc},
          {"location", {{"lat", plant.latitude},
                        {"lon", plant.longitude},
                        {"state", "Rajasthan"},
                        {"country", "India"},
                        {"district", "Jaisalmer"},
                        {"address", "Village Sanu, Pokaran tehsil, Jaisalmer 345021"},
                        {"timezone", kSiteTimezone}}},
          {"capacity", {{"installedCapacityMw", acMw}, {"dcCapacityMwp", dcMwp}}},
          {"timezone", kSiteTimezone},
          {"grid", {{"connectionPoint", "220 kV Akal GSS (RVPN)"}, {"voltageLevel", "220 kV"}, {"ppaTariffInrPerKwh", 2.44}}},
          {"compliance", {{"gridCode", "CEA (Technical Standards for Connectivity to the Grid) Regulations"},
                          {"commissioningCertificate", "RRECL/COD/2023/0417"}}},
          {"contacts", {{"plantManager", "plant-manager@demo.dcmms.io"}, {"controlRoom", "+91 2994 250 100"}}},
          {"tags", {"demo", "solar", "rajasthan"}}});

  const std::string commission = "2023-03-15";
  std::map<std::string, std::string> zoneOf;
  std::map<std::string, int> blockOf;  // transformer/inverter id → block number (for positions)
  s.zone(kSolarSite, "SOL-SS", "Pooling substation and control room", "substation",
         "33/220 kV pooling substation, SCADA control room, weather station");
  for (const auto& a : plant.assets) {
    if (a.kind != AssetKind::transformer) continue;
    const std::string n = suffixOf(a.assetId);
    std::string fed;
    for (const auto& b : plant.assets)
      if (b.kind == AssetKind::inverter && b.parentId == a.assetId) fed += (fed.empty() ? "" : ", ") + b.assetId;
    s.zone(kSolarSite, "BLK-" + n, "Block " + std::to_string(std::stoi(n)), "block",
           "Inverter station " + n + ": " + a.assetId + " with " + fed);
  }

  int combiners = 0;
  auto blockPos = [&](int block) {
    return point(plant.latitude - 0.004 * ((block - 1) / 5), plant.longitude + 0.005 * ((block - 1) % 5));
  };
  for (const auto& a : plant.assets) {
    AssetDef d;
    d.id = a.assetId;
    d.site = kSolarSite;
    d.parent = a.parentId;
    d.commissionDate = commission;
    const int idx = std::stoi(suffixOf(a.assetId));
    switch (a.kind) {
      case AssetKind::weatherStation:
        d.zone = "SOL-SS";
        d.category = "sensor";
        d.type = "weather-station";
        d.name = "Weather station " + suffixOf(a.assetId);
        d.manufacturer = "OTT HydroMet";
        d.model = "Lufft WS600-UMB with Kipp & Zonen SMP10 (GHI + POA)";
        d.serial = serial("WS6-", 2210400, idx);
        d.warrantyExpiry = "2026-03-15";
        d.specs = {{"ratedPowerKw", 0.02},
                   {"operatingVoltage", 24},
                   {"parameters", {"ghi", "poa-irradiance", "ambient-temperature", "module-temperature", "wind-speed",
                                   "relative-humidity", "rainfall"}},
                   {"pyranometerClass", "ISO 9060 spectrally flat Class A"}};
        d.maintenance = maintenance("medium", "preventive", 90);
        d.location = point(plant.latitude + 0.002, plant.longitude - 0.003);
        break;
      case AssetKind::transformer:
        d.zone = "BLK-" + suffixOf(a.assetId);
        blockOf[a.assetId] = idx;
        d.category = "transformer";
        d.type = "inverter-duty-transformer";
        d.name = "Inverter transformer " + suffixOf(a.assetId);
        d.manufacturer = "Voltamp Transformers";
        d.model = "ONAN 5.5 MVA 33/0.55-0.55 kV Dy11y11";
        d.serial = serial("VT-33-", 4011000, idx);
        d.warrantyExpiry = "2028-03-15";
        d.specs = {{"ratedPowerKw", a.ratedKw > 0 ? a.ratedKw : 5500.0},
                   {"ratedPowerKva", a.ratedKw > 0 ? a.ratedKw : 5500.0},
                   {"operatingVoltage", 33000},
                   {"secondaryVoltage", 550},
                   {"cooling", "ONAN"},
                   {"vectorGroup", "Dy11y11"},
                   {"oilVolumeLitres", 3400}};
        d.maintenance = maintenance("high", "preventive", 365);
        d.location = blockPos(idx);
        break;
      case AssetKind::inverter: {
        d.zone = zoneOf[a.parentId];
        const int block = blockOf[a.parentId];
        blockOf[a.assetId] = block;
        d.category = "inverter";
        d.type = "central-inverter";
        d.name = "Central inverter " + suffixOf(a.assetId);
        d.manufacturer = "SMA Solar Technology";
        d.model = "Sunny Central 2500-EV";
        d.serial = serial("SC25EV-", 3017400, idx);
        d.warrantyExpiry = "2033-03-15";
        d.specs = {{"ratedPowerKw", a.ratedKw > 0 ? a.ratedKw : 2500.0},
                   {"operatingVoltage", 550},
                   {"maxDcVoltage", 1500},
                   {"mpptVoltageRange", "850-1425 V"},
                   {"maxEfficiencyPct", 98.7},
                   {"combinerInputs", children[a.assetId]},
                   {"dcCapacityKwp", std::round(dcKwp[a.assetId] * 100) / 100}};
        d.maintenance = maintenance("high", "preventive", 180);
        const auto base = blockPos(block);
        d.location = point(base.at("lat").as_double() + 0.0004 * ((idx - 1) % 2), base.at("lon").as_double() + 0.0006);
        break;
      }
      case AssetKind::combiner:
        d.zone = zoneOf[a.parentId];
        d.category = "bos";
        d.type = "combiner-box";
        d.name = "Combiner box " + a.assetId;
        d.manufacturer = "Weidmüller";
        d.model = "PV Next 1500 V, 16 inputs, 20 A gPV fuses, SPD type 2";
        d.serial = serial("WMPV-", 5100000, ++combiners);
        d.warrantyExpiry = "2028-03-15";
        d.specs = {{"ratedPowerKw", std::round(dcKwp[a.assetId] * 100) / 100},
                   {"operatingVoltage", 1500},
                   {"inputs", children[a.assetId]},
                   {"fuseRatingA", 20},
                   {"monitoring", "string current monitoring via Modbus RTU"}};
        d.maintenance = maintenance("medium", "condition-based", 365);
        break;
      case AssetKind::string:
        d.zone = zoneOf[a.parentId];
        d.category = "panel";
        d.type = "pv-string";
        d.name = "PV string " + a.assetId;
        d.manufacturer = "Jinko Solar";
        d.model = "28 x Tiger Neo JKM580N-72HL4-BDV (580 Wp, bifacial)";
        d.warrantyExpiry = "2053-03-15";  // 30-year linear power warranty
        d.specs = {{"ratedPowerKw", a.ratedKw > 0 ? a.ratedKw : kStringKwp},
                   {"operatingVoltage", 1193},
                   {"openCircuitVoltage", 1453},
                   {"modules", 28},
                   {"moduleWp", 580},
                   {"shortCircuitCurrentA", 14.2}};
        d.maintenance = maintenance("low", "condition-based", 365);
        break;
      default:
        continue;
    }
    zoneOf[a.assetId] = d.zone;
    s.asset(d);
  }

  AssetDef mpt;
  mpt.id = "SOL-MPT-01";
  mpt.site = kSolarSite;
  mpt.zone = "SOL-SS";
  mpt.category = "transformer";
  mpt.type = "power-transformer";
  mpt.name = "Main power transformer 33/220 kV";
  mpt.manufacturer = "Siemens Energy";
  mpt.model = "ONAN/ONAF 63 MVA 220/33 kV YNd11 with OLTC";
  mpt.serial = "SE-PT-8841203";
  mpt.commissionDate = commission;
  mpt.warrantyExpiry = "2028-03-15";
  mpt.specs = {{"ratedPowerKw", 63000}, {"ratedPowerKva", 63000}, {"operatingVoltage", 220000},
               {"secondaryVoltage", 33000}, {"cooling", "ONAN/ONAF"}, {"vectorGroup", "YNd11"}};
  mpt.maintenance = maintenance("high", "preventive", 365);
  mpt.location = point(plant.latitude + 0.0025, plant.longitude - 0.002);
  s.asset(mpt);
}

// ---- wind ----------------------------------------------------------------------------------

void seedWind(PlantSeeder& s) {
  const telemetry::SimPlant plant = telemetry::demoWindFarm(kWindSite);
  double mw = 0;
  for (const auto& a : plant.assets) mw += (a.ratedKw > 0 ? a.ratedKw : 3000) / 1000.0;
  const int turbines = static_cast<int>(plant.assets.size());
  s.site({{"siteId", kWindSite},
          {"name", "Kayathar Wind Farm"},
          {"type", "wind"},
          {"status", "active"},
          {"description", std::to_string(turbines) + " x 3.0 MW turbines (" + std::to_string(static_cast<int>(mw)) +
                              " MW) on 94 m towers in four rows, 33 kV collection to a 110 kV pooling substation."},
          {"location", {{"lat", plant.latitude},
                        {"lon", plant.longitude},
                        {"state", "Tamil Nadu"},
                        {"country", "India"},
                        {"district", "Thoothukudi"},
                        {"address", "Kayathar taluk, Thoothukudi 628952"},
                        {"timezone", kSiteTimezone}}},
          {"capacity", {{"installedCapacityMw", mw}}},
          {"timezone", kSiteTimezone},
          {"grid", {{"connectionPoint", "110 kV Kayathar SS (TANTRANSCO)"}, {"voltageLevel", "110 kV"}}},
          {"compliance", {{"gridCode", "Tamil Nadu Electricity Grid Code"}, {"forecastingObligation", "SLDC day-ahead"}}},
          {"contacts", {{"plantManager", "plant-manager@demo.dcmms.io"}, {"controlRoom", "+91 4632 260 200"}}},
          {"tags", {"demo", "wind", "tamil-nadu"}}});

  const std::string commission = "2021-11-02";
  const char* rows[] = {"A", "B", "C", "D"};
  const int perRow = (turbines + 3) / 4;
  for (int r = 0; r < 4 && r * perRow < turbines; ++r) {
    const int first = r * perRow + 1, last = std::min(turbines, (r + 1) * perRow);
    s.zone(kWindSite, std::string("ROW-") + rows[r], std::string("Row ") + rows[r], "turbine-row",
           "Turbines WTG-" + telemetry::paddedIndex(first) + " to WTG-" + telemetry::paddedIndex(last) +
               " on 33 kV feeder " + std::to_string(r + 1));
  }
  s.zone(kWindSite, "WF-SS", "Pooling substation", "substation", "33/110 kV pooling substation, met mast and O&M building");

  for (int i = 0; i < turbines; ++i) {
    const auto& a = plant.assets[static_cast<size_t>(i)];
    const int idx = i + 1;
    const std::string zone = std::string("ROW-") + rows[i / perRow];
    const auto pos = point(plant.latitude + 0.006 * (i / perRow), plant.longitude + 0.005 * (i % perRow));
    AssetDef t;
    t.id = a.assetId;
    t.site = kWindSite;
    t.zone = zone;
    t.category = "turbine";
    t.type = "wind-turbine";
    t.name = "Wind turbine " + suffixOf(a.assetId);
    t.manufacturer = "Vestas";
    t.model = "V112-3.0 MW, 94 m hub height";
    t.serial = serial("V112-", 2104200, idx);
    t.commissionDate = commission;
    t.warrantyExpiry = "2026-11-02";
    t.specs = {{"ratedPowerKw", a.ratedKw > 0 ? a.ratedKw : 3000.0},
               {"operatingVoltage", 650},
               {"rotorDiameterM", 112},
               {"hubHeightM", 94},
               {"cutInWindSpeedMs", 3},
               {"ratedWindSpeedMs", 12},
               {"cutOutWindSpeedMs", 25},
               {"iecClass", "IEC IIA"}};
    t.maintenance = maintenance("high", "predictive", 180);
    t.location = pos;
    s.asset(t);

    struct Part {
      const char* suffix;
      const char* category;
      const char* type;
      const char* name;
      const char* manufacturer;
      const char* model;
      const char* serialPrefix;
      double kw;
      double volts;
      const char* criticality;
      const char* strategy;
      int pmDays;
    };
    static const Part parts[] = {
        {"GBX", "turbine", "gearbox", "Gearbox", "ZF Wind Power", "3-stage planetary/helical, ratio 1:113", "ZFW-", 3300, 0,
         "high", "predictive", 180},
        {"GEN", "turbine", "generator", "Generator", "ABB", "Permanent-magnet synchronous generator 3.3 MW", "ABBG-", 3300,
         650, "high", "predictive", 365},
        {"CNV", "inverter", "full-scale-converter", "Converter", "Vestas", "VCS full-scale converter 3.0 MW", "VCS-", 3000,
         650, "high", "preventive", 180},
        {"TX", "transformer", "step-up-transformer", "Step-up transformer", "Voltamp Transformers",
         "Nacelle transformer 3.45 MVA 33/0.65 kV", "VT-NT-", 3450, 33000, "medium", "preventive", 365},
        {"BLD-A", "turbine", "blade", "Blade A", "Vestas", "V112 blade 54.6 m, glass/carbon", "VBL-", 0, 0, "medium",
         "condition-based", 365},
        {"BLD-B", "turbine", "blade", "Blade B", "Vestas", "V112 blade 54.6 m, glass/carbon", "VBL-", 0, 0, "medium",
         "condition-based", 365},
        {"BLD-C", "turbine", "blade", "Blade C", "Vestas", "V112 blade 54.6 m, glass/carbon", "VBL-", 0, 0, "medium",
         "condition-based", 365},
    };
    int n = 0;
    for (const auto& p : parts) {
      AssetDef c;
      c.id = a.assetId + "-" + p.suffix;
      c.site = kWindSite;
      c.zone = zone;
      c.parent = a.assetId;
      c.category = p.category;
      c.type = p.type;
      c.name = std::string(p.name) + " " + a.assetId;
      c.manufacturer = p.manufacturer;
      c.model = p.model;
      c.serial = serial(p.serialPrefix, 6600000 + 100000LL * n++, idx);
      c.commissionDate = commission;
      c.warrantyExpiry = "2026-11-02";
      if (p.kw > 0) c.specs["ratedPowerKw"] = p.kw;
      if (p.volts > 0) c.specs["operatingVoltage"] = p.volts;
      if (std::string_view(p.type) == "blade") c.specs = {{"lengthM", 54.6}, {"massT", 12.3}};
      if (std::string_view(p.type) == "gearbox") c.specs["oilVolumeLitres"] = 900;
      c.maintenance = maintenance(p.criticality, p.strategy, p.pmDays);
      s.asset(c);
    }
  }

  AssetDef met;
  met.id = "MET-01";
  met.site = kWindSite;
  met.zone = "WF-SS";
  met.category = "sensor";
  met.type = "met-mast";
  met.name = "Met mast 94 m";
  met.manufacturer = "Ammonit";
  met.model = "Meteo-40 logger, Thies First Class anemometers at 94/80/60 m";
  met.serial = "AMM-M40-118842";
  met.commissionDate = commission;
  met.specs = {{"ratedPowerKw", 0.05}, {"operatingVoltage", 24}, {"heightM", 94}};
  met.maintenance = maintenance("medium", "preventive", 180);
  met.location = point(plant.latitude - 0.004, plant.longitude - 0.004);
  s.asset(met);

  AssetDef mpt;
  mpt.id = "WF-MPT-01";
  mpt.site = kWindSite;
  mpt.zone = "WF-SS";
  mpt.category = "transformer";
  mpt.type = "power-transformer";
  mpt.name = "Pooling transformer 33/110 kV";
  mpt.manufacturer = "CG Power and Industrial Solutions";
  mpt.model = "ONAN/ONAF 80 MVA 110/33 kV YNd11 with OLTC";
  mpt.serial = "CG-PT-2021-0917";
  mpt.commissionDate = commission;
  mpt.warrantyExpiry = "2026-11-02";
  mpt.specs = {{"ratedPowerKw", 80000}, {"ratedPowerKva", 80000}, {"operatingVoltage", 110000}, {"secondaryVoltage", 33000}};
  mpt.maintenance = maintenance("high", "preventive", 365);
  mpt.location = point(plant.latitude - 0.005, plant.longitude - 0.002);
  s.asset(mpt);
}

// ---- battery -------------------------------------------------------------------------------

void seedBattery(PlantSeeder& s) {
  const telemetry::SimPlant plant = telemetry::demoBattery(kBatterySite);
  double mw = 0, mwh = 0;
  int pcsUnits = 0;
  for (const auto& a : plant.assets) {
    if (a.kind == AssetKind::pcs) {
      mw += (a.ratedKw > 0 ? a.ratedKw : 2500) / 1000.0;
      ++pcsUnits;
    }
    if (a.kind == AssetKind::batteryRack) mwh += a.capacityKwh / 1000.0;
  }
  s.site({{"siteId", kBatterySite},
          {"name", "Thar Battery Energy Storage"},
          {"type", "storage"},
          {"status", "active"},
          {"description", std::to_string(static_cast<int>(mwh)) + " MWh / " + std::to_string(static_cast<int>(mw)) +
                              " MW LFP battery in " + std::to_string(pcsUnits) +
                              " containers, co-located with SOLAR-01 (4-hour shifting of solar output)."},
          {"location", {{"lat", plant.latitude},
                        {"lon", plant.longitude},
                        {"state", "Rajasthan"},
                        {"country", "India"},
                        {"district", "Jaisalmer"},
                        {"address", "Village Sanu, Pokaran tehsil, Jaisalmer 345021"},
                        {"timezone", kSiteTimezone}}},
          {"capacity", {{"installedCapacityMw", mw}, {"energyCapacityMwh", mwh}, {"durationHours", mwh / mw}}},
          {"timezone", kSiteTimezone},
          {"grid", {{"connectionPoint", "220 kV Akal GSS (RVPN), shared bay with SOLAR-01"}, {"voltageLevel", "220 kV"}}},
          {"compliance", {{"fireCode", "NFPA 855"}, {"cea", "CEA safety regulations for BESS"}}},
          {"contacts", {{"plantManager", "plant-manager@demo.dcmms.io"}, {"controlRoom", "+91 2994 250 100"}}},
          {"tags", {"demo", "storage", "lfp"}}});

  const std::string commission = "2024-06-20";
  s.zone(kBatterySite, "BESS-YARD", "MV yard", "switchyard", "33 kV switchgear and the BESS step-up transformer");
  for (int i = 1; i <= pcsUnits; ++i)
    s.zone(kBatterySite, "CONT-" + telemetry::paddedIndex(i), "Container " + std::to_string(i), "container",
           "Battery container " + std::to_string(i) + ": PCS-" + telemetry::paddedIndex(i) + ", its racks, HVAC and fire suppression");

  AssetDef tx;
  tx.id = "BESS-TX-01";
  tx.site = kBatterySite;
  tx.zone = "BESS-YARD";
  tx.category = "transformer";
  tx.type = "step-up-transformer";
  tx.name = "BESS step-up transformer";
  tx.manufacturer = "Voltamp Transformers";
  tx.model = "ONAN 31.5 MVA 33/0.69 kV";
  tx.serial = "VT-BX-2024-0311";
  tx.commissionDate = commission;
  tx.warrantyExpiry = "2029-06-20";
  tx.specs = {{"ratedPowerKw", 31500}, {"ratedPowerKva", 31500}, {"operatingVoltage", 33000}, {"secondaryVoltage", 690}};
  tx.maintenance = maintenance("high", "preventive", 365);
  tx.location = point(plant.latitude + 0.0008, plant.longitude);
  s.asset(tx);

  std::map<std::string, std::string> zoneOf;
  for (const auto& a : plant.assets) {
    AssetDef d;
    d.id = a.assetId;
    d.site = kBatterySite;
    d.parent = a.parentId;
    d.commissionDate = commission;
    d.warrantyExpiry = "2034-06-20";
    const int idx = std::stoi(suffixOf(a.assetId));
    if (a.kind == AssetKind::pcs) {
      d.zone = "CONT-" + suffixOf(a.assetId);
      d.category = "inverter";
      d.type = "power-conversion-system";
      d.name = "PCS " + suffixOf(a.assetId);
      d.manufacturer = "Sungrow";
      d.model = "SC2500UD-MV bidirectional PCS";
      d.serial = serial("SG25UD-", 7300000, idx);
      d.specs = {{"ratedPowerKw", a.ratedKw > 0 ? a.ratedKw : 2500.0},
                 {"operatingVoltage", 690},
                 {"dcVoltageRange", "1000-1500 V"},
                 {"roundTripEfficiencyPct", 98.5}};
      d.maintenance = maintenance("high", "preventive", 180);
      d.location = point(plant.latitude - 0.0003 * ((idx - 1) / 5), plant.longitude + 0.0004 * ((idx - 1) % 5));
    } else if (a.kind == AssetKind::batteryRack) {
      d.zone = zoneOf[a.parentId];
      d.category = "battery";
      d.type = "battery-rack";
      d.name = "Battery string " + suffixOf(a.assetId);
      d.manufacturer = "CATL";
      d.model = "EnerOne+ LFP 314 Ah, liquid-cooled";
      d.serial = serial("CATL-E1-", 8800000, idx);
      d.warrantyExpiry = "2039-06-20";  // 15-year capacity warranty (70 % SoH)
      d.specs = {{"ratedPowerKw", a.ratedKw},
                 {"energyCapacityKwh", a.capacityKwh},
                 {"operatingVoltage", 1331},
                 {"chemistry", "LFP"},
                 {"cellCapacityAh", 314},
                 {"cycleLife", 8000}};
      d.maintenance = maintenance("high", "predictive", 90);
    } else {
      continue;
    }
    zoneOf[a.assetId] = d.zone;
    s.asset(d);
  }

  for (int i = 1; i <= pcsUnits; ++i) {
    const std::string n = telemetry::paddedIndex(i);
    AssetDef h;
    h.id = "BESS-HVAC-" + n;
    h.site = kBatterySite;
    h.zone = "CONT-" + n;
    h.category = "bos";
    h.type = "hvac-unit";
    h.name = "Thermal management unit container " + std::to_string(i);
    h.manufacturer = "Envicool";
    h.model = "EMW400 liquid-cooling chiller with dehumidifier";
    h.serial = serial("ENV-", 9100000, i);
    h.commissionDate = commission;
    h.warrantyExpiry = "2029-06-20";
    h.specs = {{"ratedPowerKw", 40}, {"operatingVoltage", 415}, {"coolingCapacityKw", 45}};
    h.maintenance = maintenance("medium", "preventive", 90);
    s.asset(h);

    AssetDef f;
    f.id = "BESS-FSS-" + n;
    f.site = kBatterySite;
    f.zone = "CONT-" + n;
    f.category = "sensor";
    f.type = "fire-suppression";
    f.name = "Fire detection and suppression container " + std::to_string(i);
    f.manufacturer = "Fike";
    f.model = "Li-ion off-gas detection + Novec 1230 clean-agent system";
    f.serial = serial("FIKE-", 9400000, i);
    f.commissionDate = commission;
    f.warrantyExpiry = "2029-06-20";
    f.specs = {{"ratedPowerKw", 0.2}, {"operatingVoltage", 24}, {"agent", "FK-5-1-12"}, {"agentMassKg", 120}};
    f.maintenance = maintenance("high", "preventive", 180);
    s.asset(f);
  }
}

}  // namespace

PlantCounts seedPlants(DemoWorld& world) {
  PlantSeeder s(world);
  seedSolar(s);
  seedWind(s);
  seedBattery(s);
  return s.counts();
}

}  // namespace dcmms::app
