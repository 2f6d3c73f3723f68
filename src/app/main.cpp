// dcmms: the server binary and its subcommands (serve, migrate, demo, tenant, user, simulate).
#include <CLI/CLI.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "api/api_server.h"
#include "app/config.h"
#include "app/demo.h"
#include "core/json_util.h"
#include "core/log.h"
#include "domain/repo/schema.h"
#include "store/migrate.h"
#include "telemetry/sim/simulate_command.h"

namespace {

using namespace dcmms;

std::unique_ptr<store::Database> openStore(const app::Config& c) {
  std::filesystem::create_directories(c.dataDir);
  auto db = store::Database::open(c.db, c.dataDir);
  store::applyMigrations(*db, domain::schemaMigrations());
  return db;
}

int serve(app::Config cfg) {
  log::setMinLevel(cfg.logLevel == "debug" ? log::Level::debug : cfg.logLevel == "warn" ? log::Level::warn : log::Level::info);
  auto [host, port] = app::splitListen(cfg.listen);
  // Block termination signals in every thread; the main thread waits for them below.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto db = openStore(cfg);
  SystemClock systemClock;
  std::unique_ptr<ManualClock> manual;
  if (cfg.testClock) manual = std::make_unique<ManualClock>();
  const Clock& clock = manual ? static_cast<const Clock&>(*manual) : systemClock;
  api::AppConfig appCfg;
  appCfg.dataDir = cfg.dataDir;
  appCfg.testClock = cfg.testClock;
  appCfg.rateLimitsEnabled = cfg.rateLimits;
  appCfg.tsdbFastMode = cfg.tsdbFastMode;
  appCfg.telemetryStore = cfg.telemetryStore;
  appCfg.mqttHost = cfg.mqttHost;
  appCfg.mqttPort = cfg.mqttPort;
  appCfg.mqttSharedGroup = cfg.mqttSharedGroup;
  if (cfg.maxAgeHours > 0) appCfg.ingest.maxAgeMs = static_cast<int64_t>(cfg.maxAgeHours * 3600'000);
  if (cfg.maxFutureMinutes > 0) appCfg.ingest.maxFutureMs = static_cast<int64_t>(cfg.maxFutureMinutes * 60'000);
  if (cfg.deadbandPercent < 0 || cfg.deadbandAbsolute < 0 || cfg.deadbandWindowSeconds <= 0)
    throw std::invalid_argument("deadband percent and absolute must be >= 0 and its window > 0");
  if (cfg.ingestMemoryMb < 1) throw std::invalid_argument("--ingest-memory-mb must be at least 1");
  appCfg.ingestBudgetBytes = static_cast<size_t>(cfg.ingestMemoryMb * (1 << 20));
  auto& band = appCfg.ingest.deadband;
  band.enabled = cfg.deadbandPercent > 0 || cfg.deadbandAbsolute > 0;
  band.relative = cfg.deadbandPercent / 100;
  band.absolute = cfg.deadbandAbsolute;
  band.windowMs = static_cast<int64_t>(cfg.deadbandWindowSeconds * 1000);
  api::App app(appCfg, *db, clock, manual.get());
  app.registerJobs();
  app.startMqtt();
  http::ServerOptions opts;
  opts.host = host;
  opts.port = port;
  // Handlers are synchronous and wait on SQLite writes (or PostgreSQL round trips), so the
  // server runs more io threads than cores: while some wait, others parse and render, and
  // concurrent creates share group commits. 8 per core measured best on 2 cores (bench/api).
  opts.threads = cfg.threads > 0 ? cfg.threads : static_cast<int>(8 * std::max(1u, std::thread::hardware_concurrency()));
  api::ApiServer server(app, opts);
  server.start();
  app.scheduler.start(250);
  const std::string url = "http://" + host + ":" + std::to_string(server.port());
  if (!cfg.portFile.empty()) {
    std::ofstream(cfg.portFile + ".tmp") << server.port() << "\n";
    std::filesystem::rename(cfg.portFile + ".tmp", cfg.portFile);
  }
  log::info("listening", {{"url", url},
                          {"storage", db->describe()},
                          {"testClock", cfg.testClock ? "on" : "off"},
                          {"rateLimits", cfg.rateLimits ? "on" : "off"}});
  int sig = 0;
  sigwait(&sigs, &sig);
  log::info("shutting down", {{"signal", std::to_string(sig)}});
  app.scheduler.stop();
  server.stop(std::chrono::seconds(10));
  log::info("stopped");
  return 0;
}

std::vector<std::string> csv(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"dCMMS: maintenance management and telemetry for renewable power plants"};
  cli.require_subcommand(1);
  app::Config cfg;
  app::applyEnvironment(cfg);
  std::string configFile;
  auto addStoreOpts = [&](CLI::App* sub) {
    sub->add_option("--data-dir", cfg.dataDir, "data directory (SQLite file, keys, attachments)");
    sub->add_option("--db", cfg.db, "postgresql://... for PostgreSQL; default: SQLite in the data dir");
  };

  auto* serveCmd = cli.add_subcommand("serve", "run the server");
  addStoreOpts(serveCmd);
  serveCmd->add_option("--config", configFile, "JSON configuration file");
  serveCmd->add_option("--listen", cfg.listen, "HOST:PORT (port 0: any free port)");
  serveCmd->add_option("--threads", cfg.threads, "I/O threads (0: one per core)");
  serveCmd->add_option("--port-file", cfg.portFile, "write the bound port to this file once listening");
  serveCmd->add_flag("--test-clock", cfg.testClock, "enable PUT /api/v1/test/clock (tests only)");
  serveCmd->add_option("--mqtt", cfg.mqttHost, "MQTT broker host to subscribe to telemetry/+/+/+ (empty: no MQTT)");
  serveCmd->add_option("--mqtt-port", cfg.mqttPort, "MQTT broker port");
  serveCmd->add_option("--mqtt-shared-group", cfg.mqttSharedGroup, "MQTT 5 shared subscription group (several nodes)");
  serveCmd->add_option("--telemetry-store", cfg.telemetryStore, "clickhouse://HOST:PORT/DB for ClickHouse (default: embedded engine)");
  serveCmd->add_flag("--tsdb-fast", cfg.tsdbFastMode, "acknowledge telemetry before fsync (survives a process crash, not power loss)");
  serveCmd->add_option("--telemetry-max-age-hours", cfg.maxAgeHours, "reject points older than this (default 168)");
  serveCmd->add_option("--telemetry-max-future-minutes", cfg.maxFutureMinutes, "reject points further ahead than this (default 60)");
  serveCmd->add_option("--telemetry-deadband-percent", cfg.deadbandPercent,
                       "drop a good point that moved less than this % of its series' last kept value (default 0: off)");
  serveCmd->add_option("--ingest-memory-mb", cfg.ingestMemoryMb,
                       "memory for telemetry bodies in flight; beyond it ingest answers 503 + Retry-After (default 512)");
  serveCmd->add_option("--telemetry-deadband-absolute", cfg.deadbandAbsolute, "deadband floor in the series' unit (default 0)");
  serveCmd->add_option("--telemetry-deadband-window-seconds", cfg.deadbandWindowSeconds,
                       "a point this far from the last kept one is always kept (default 60)");

  auto* keyCmd = cli.add_subcommand("apikey", "manage API keys");
  keyCmd->require_subcommand(1);
  auto* keyCreate = keyCmd->add_subcommand("create", "create an API key for a user (printed once)");
  addStoreOpts(keyCreate);
  std::string keyEmail, keyName = "cli", keyScopes;
  keyCreate->add_option("--email", keyEmail, "owner (an active user)")->required();
  keyCreate->add_option("--name", keyName, "label");
  keyCreate->add_option("--scopes", keyScopes, "comma-separated permissions, e.g. write:telemetry");

  auto* simCmd = cli.add_subcommand("simulate", "generate plant telemetry (solar, wind, battery) and send it");
  telemetry::SimulateOptions sim;
  simCmd->add_option("--format", sim.format, "lp | json | mqtt");
  simCmd->add_option("--url", sim.url, "dCMMS base URL (lp/json)");
  simCmd->add_option("--api-key", sim.apiKey, "API key with write:telemetry");
  simCmd->add_flag("--gzip", sim.gzip, "gzip request bodies");
  simCmd->add_option("--mqtt-host", sim.mqttHost);
  simCmd->add_option("--mqtt-port", sim.mqttPort);
  simCmd->add_option("--rate", sim.rate, "points/s; 0 = real time (1 Hz per sensor); <0 = unlimited");
  simCmd->add_option("--time-scale", sim.timeScale, "real-time acceleration");
  simCmd->add_option("--duration", sim.durationS, "seconds; 0 = until stopped");
  simCmd->add_option("--max-points", sim.maxPoints);
  simCmd->add_option("--batch", sim.batchPoints, "points per request/message batch");
  simCmd->add_option("--seed", sim.seed);
  simCmd->add_option("--start-ms", sim.startMs, "simulated start, epoch ms (default: now)");
  simCmd->add_option("--fault", sim.faults, "[site/]asset:type:offsetS:durationS[:severity] (repeatable)");
  simCmd->add_option("--plants", sim.plantSpecPath, "plant spec JSON (default: the demo portfolio)");
  simCmd->add_option("--solar-site", sim.solarSiteId);
  simCmd->add_option("--wind-site", sim.windSiteId);
  simCmd->add_option("--battery-site", sim.batterySiteId);

  auto* migrateCmd = cli.add_subcommand("migrate", "apply database migrations and exit");
  addStoreOpts(migrateCmd);

  auto* demoCmd = cli.add_subcommand("demo", "seed the demo portfolio (solar, wind, battery; users per role; work orders)");
  addStoreOpts(demoCmd);
  std::string demoPassword = "Demo!Passw0rd#2026";
  demoCmd->add_option("--password", demoPassword, "password for every demo user");

  auto* tenantCmd = cli.add_subcommand("tenant", "manage tenants");
  tenantCmd->require_subcommand(1);
  auto* tenantCreate = tenantCmd->add_subcommand("create", "create a tenant");
  addStoreOpts(tenantCreate);
  std::string tenantName, tenantId;
  tenantCreate->add_option("--name", tenantName, "tenant name")->required();
  tenantCreate->add_option("--id", tenantId, "tenant id (default: generated)");

  auto* userCmd = cli.add_subcommand("user", "manage users");
  userCmd->require_subcommand(1);
  auto* userCreate = userCmd->add_subcommand("create", "create a user (usable while serve runs)");
  addStoreOpts(userCreate);
  domain::NewUser nu;
  std::string sites, skills;
  userCreate->add_option("--email", nu.email)->required();
  userCreate->add_option("--password", nu.password)->required();
  userCreate->add_option("--role", nu.role)->required();
  userCreate->add_option("--tenant", nu.tenantId);
  userCreate->add_option("--sites", sites, "comma-separated site ids");
  userCreate->add_option("--skills", skills, "comma-separated skills");
  userCreate->add_option("--name", nu.name);

  CLI11_PARSE(cli, argc, argv);
  try {
    if (simCmd->parsed()) return telemetry::runSimulateCommand(sim);
    if (serveCmd->parsed()) {
      if (!configFile.empty()) {
        app::Config fileCfg;
        app::applyConfigFile(fileCfg, configFile);
        app::applyEnvironment(fileCfg);
        // flags given on the command line win over the file
        if (serveCmd->count("--listen") == 0) cfg.listen = fileCfg.listen;
        if (serveCmd->count("--data-dir") == 0) cfg.dataDir = fileCfg.dataDir;
        if (serveCmd->count("--db") == 0) cfg.db = fileCfg.db;
        if (serveCmd->count("--threads") == 0) cfg.threads = fileCfg.threads;
        cfg.rateLimits = cfg.rateLimits && fileCfg.rateLimits;
        cfg.testClock = cfg.testClock || fileCfg.testClock;
      }
      return serve(cfg);
    }
    auto db = openStore(cfg);
    SystemClock clock;
    if (migrateCmd->parsed()) {
      std::cout << "{\"migrated\":true,\"storage\":\"" << db->describe() << "\"}\n";
      return 0;
    }
    auth::KeyPair keys = auth::KeyPair::loadOrCreate(cfg.dataDir);
    domain::AuditLog audit;
    domain::IdentityService identity(*db, audit, keys, clock);
    if (tenantCreate->parsed()) {
      std::cout << "{\"tenantId\":\"" << identity.createTenant(tenantName, tenantId) << "\"}\n";
      return 0;
    }
    if (userCreate->parsed()) {
      nu.siteIds = csv(sites);
      nu.skills = csv(skills);
      auto doc = identity.createUser(nu);
      std::cout << "{\"userId\":\"" << domain::str(doc, "userId") << "\",\"tenantId\":\"" << nu.tenantId << "\"}\n";
      return 0;
    }
    if (demoCmd->parsed()) return app::seedDemo(*db, cfg.dataDir, demoPassword);
    if (keyCreate->parsed()) {
      auto userRow = db->connection().queryOne(
          "SELECT tenant_id, id, doc FROM users WHERE email = ? AND status = 'active' AND deleted_at IS NULL", {keyEmail},
          [](const store::Row& r) { return std::make_tuple(r.getString(0), r.getString(1), r.getString(2)); });
      if (!userRow) throw std::runtime_error("no active user " + keyEmail);
      domain::RequestContext ctx;
      ctx.principal.tenantId = std::get<0>(*userRow);
      ctx.principal.userId = std::get<1>(*userRow);
      auto doc = boost::json::parse(std::get<2>(*userRow)).as_object();
      auto role = auth::parseRole(domain::str(doc, "role"));
      if (!role) throw std::runtime_error("user has an unknown role");
      ctx.principal.role = *role;
      ctx.principal.siteIds = domain::strings(doc, "siteIds");
      ctx.now = clock.nowMs();
      ctx.requestId = "cli";
      boost::json::array scopes;
      for (const auto& s : csv(keyScopes)) scopes.push_back(boost::json::value(s));
      auto out = identity.createApiKey(ctx, boost::json::object{{"name", keyName}, {"scopes", scopes}});
      std::cout << toJson(out) << "\n";
      return 0;
    }
  } catch (const ApiException& e) {
    std::cerr << "error: " << e.error().code << ": " << e.error().message;
    for (const auto& d : e.error().details) std::cerr << " [" << d.field << ": " << d.message << "]";
    std::cerr << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
