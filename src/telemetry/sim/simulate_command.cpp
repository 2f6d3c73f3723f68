#include "telemetry/sim/simulate_command.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "core/clock.h"
#include "core/error.h"
#include "telemetry/sim/http_sink.h"
#include "telemetry/sim/mqtt_sink.h"
#include "telemetry/sim/simulator.h"

namespace dcmms::telemetry {

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  return out;
}

std::optional<double> toDouble(const std::string& s) {
  try {
    size_t used = 0;
    double v = std::stod(s, &used);
    if (used != s.size()) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Appends the format's default path when the URL has none.
std::string targetUrl(const SimulateOptions& o) {
  const size_t scheme = o.url.find("://");
  const size_t pathStart = o.url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (pathStart != std::string::npos && pathStart + 1 < o.url.size()) return o.url;
  std::string base = pathStart == std::string::npos ? o.url : o.url.substr(0, pathStart);
  return o.format == "json" ? base + "/api/v1/telemetry" : base + "/api/v1/write?precision=" + o.precision;
}

std::vector<SimPlant> loadPlants(const SimulateOptions& o) {
  if (o.plantSpecPath.empty()) return demoPortfolio(o.solarSiteId, o.windSiteId, o.batterySiteId);
  std::ifstream in(o.plantSpecPath);
  if (!in) fail(Error::validation("plantSpecPath", "INVALID_VALUE", "cannot read " + o.plantSpecPath));
  std::stringstream text;
  text << in.rdbuf();
  return plantsFromJson(text.str());
}

}  // namespace

std::vector<SimPlant> demoPortfolio(const std::string& solarSiteId, const std::string& windSiteId,
                                    const std::string& batterySiteId) {
  return {demoSolarPlant(solarSiteId), demoWindFarm(windSiteId), demoBattery(batterySiteId)};
}

std::optional<FaultSpec> parseFaultSpec(const std::string& text, int64_t startMs) {
  auto parts = split(text, ':');
  if (parts.size() < 4 || parts.size() > 5) return std::nullopt;
  FaultSpec spec;
  std::string asset = parts[0];
  if (auto slash = asset.find('/'); slash != std::string::npos) {
    spec.siteId = asset.substr(0, slash);
    asset = asset.substr(slash + 1);
  }
  auto type = parseFaultType(parts[1]);
  auto offset = toDouble(parts[2]);
  auto duration = toDouble(parts[3]);
  auto severity = parts.size() == 5 ? toDouble(parts[4]) : std::optional<double>(1.0);
  if (asset.empty() || !type || !offset || !duration || !severity || *duration <= 0) return std::nullopt;
  spec.fault.assetId = asset;
  spec.fault.type = *type;
  spec.fault.startMs = startMs + static_cast<int64_t>(*offset * 1000);
  spec.fault.endMs = spec.fault.startMs + static_cast<int64_t>(*duration * 1000);
  spec.fault.severity = *severity;
  return spec;
}

int runSimulateCommand(const SimulateOptions& opts) { return runSimulateCommand(opts, std::cout, std::cerr); }

int runSimulateCommand(const SimulateOptions& o, std::ostream& out, std::ostream& err) {
  SystemClock clock;
  std::vector<SimPlant> plants;
  SimulatorOptions so;
  std::unique_ptr<Sink> sink;
  try {
    plants = loadPlants(o);
    if (o.printPlants) {
      out << plantsToJson(plants) << "\n";
      return 0;
    }
    if (o.format != "lp" && o.format != "json" && o.format != "mqtt") {
      fail(Error::validation("format", "INVALID_VALUE", "format must be lp, json or mqtt"));
    }
    if (o.precision != "ms" && o.precision != "ns") {
      fail(Error::validation("precision", "INVALID_VALUE", "precision must be ms or ns"));
    }
    so.mode = o.rate > 0 ? RateMode::pointsPerSecond : o.rate < 0 ? RateMode::unlimited : RateMode::realTime;
    so.pointsPerSecond = o.rate;
    so.timeScale = o.timeScale;
    so.durationMs = static_cast<int64_t>(o.durationS * 1000);
    so.maxPoints = o.maxPoints;
    so.startMs = o.startMs != 0 ? o.startMs : clock.nowMs();
    so.batchPoints = o.batchPoints;
    so.seed = o.seed;
    so.cancel = o.cancel;

    if (o.format == "mqtt") {
      MqttPublisherOptions mo;
      mo.host = o.mqttHost;
      mo.port = o.mqttPort;
      mo.username = o.mqttUsername;
      mo.password = o.mqttPassword;
      sink = std::make_unique<MqttSink>(mo);
    } else {
      HttpSinkOptions ho;
      ho.url = targetUrl(o);
      ho.apiKey = o.apiKey;
      ho.format = o.format == "json" ? HttpBodyFormat::json : HttpBodyFormat::lineProtocol;
      ho.precision = o.precision == "ns" ? TimePrecision::ns : TimePrecision::ms;
      ho.gzip = o.gzip;
      sink = std::make_unique<HttpSink>(ho);
    }

    Simulator sim(std::move(plants), so, *sink, clock);
    for (const std::string& text : o.faults) {
      auto spec = parseFaultSpec(text, so.startMs);
      if (!spec) {
        fail(Error::validation("fault", "INVALID_VALUE",
                               "expected [siteId/]assetId:type:startOffsetS:durationS[:severity], got '" + text + "'"));
      }
      bool applied = false;
      for (const auto& m : sim.plants()) {
        const auto& p = m.plant();
        if (!spec->siteId.empty() && p.siteId != spec->siteId) continue;
        for (const auto& a : p.assets) {
          if (a.assetId != spec->fault.assetId) continue;
          sim.injectFault(p.siteId, spec->fault);
          applied = true;
          break;
        }
      }
      if (!applied) fail(Error::validation("fault", "INVALID_VALUE", "no plant has asset '" + spec->fault.assetId + "'"));
    }

    size_t perSample = 0;
    for (const auto& m : sim.plants()) {
      out << "simulate: " << m.plant().siteId << " (" << toString(m.plant().kind) << ", " << m.plant().assets.size()
          << " assets, " << m.pointsPerSample() << " points per sample)\n";
      perSample += m.pointsPerSample();
    }
    out << "simulate: sending to " << sink->describe() << "; " << perSample << " points per "
        << (so.mode == RateMode::realTime ? "simulated second" : "sample") << "\n"
        << std::flush;

    SimStats st = sim.run();
    out << "simulate: sent " << st.points << " points in " << st.batches << " batches (" << st.bytes << " bytes) in "
        << st.wallMs << " ms: " << static_cast<uint64_t>(st.pointsPerSecond) << " points/s; simulated "
        << st.simulatedMs / 1000 << " s";
    if (st.errors > 0) out << "; " << st.errors << " failed batches, last: " << st.lastError;
    out << "\n";
    return st.errors > 0 ? 1 : 0;
  } catch (const ApiException& e) {
    err << "simulate: " << e.error().message;
    for (const auto& d : e.error().details) err << ": " << d.field << " " << d.message;
    err << "\n";
    return 2;
  }
}

}  // namespace dcmms::telemetry
