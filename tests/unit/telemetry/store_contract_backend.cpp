#include "store_contract_backend.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>

#include <gtest/gtest.h>

#include "../scripted_server.h"
#include "telemetry/clickhouse/clickhouse_store.h"
#include "telemetry/clickhouse/http_client.h"
#include "telemetry/tsdb/engine.h"

#ifndef DCMMS_SOURCE_DIR
#error "DCMMS_SOURCE_DIR must name the repository root (set in CMakeLists.txt)"
#endif

namespace dcmms::telemetry::testing {

namespace {

using ::dcmms::testing::makeTempDir;

// The throw-away ClickHouse: started on first use, stopped by the environment at the end.
::dcmms::testing::ScriptedServer& server() {
  static ::dcmms::testing::ScriptedServer s("ClickHouse", DCMMS_SOURCE_DIR "/scripts/start-clickhouse.sh", "DCMMS_CH_URL", "CH");
  return s;
}

class ChServerEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { server().stop(); }
};

// gtest owns the environment.
[[maybe_unused]] const auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(new ChServerEnvironment);

std::string uniqueDatabaseName() {
  static std::atomic<int> counter{0};
  return "contract_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
}

}  // namespace

StoreBackend::StoreBackend(std::string kind) : kind_(std::move(kind)) {
  if (kind_ == "tsdb") dir_ = makeTempDir("dcmms-contract");
  else if (kind_ == "clickhouse") database_ = uniqueDatabaseName();
  else throw std::invalid_argument("unknown backend " + kind_);
}

StoreBackend::~StoreBackend() {
  if (!database_.empty()) {
    clickhouse::HttpClient admin(clickhouse::HttpClientOptions{server().url()});
    if (auto r = admin.queryServer("DROP DATABASE IF EXISTS " + database_); !r)
      std::fprintf(stderr, "warning: cannot drop test database: %s\n", r.error().message.c_str());
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::unique_ptr<TelemetryStore> StoreBackend::open(const RetentionPolicy& retention) const {
  if (kind_ == "tsdb") {
    tsdb::TsdbOptions o;
    o.dir = dir_;
    o.backgroundThread = false;  // checkpoints on flush() only: deterministic
    o.retention = retention;
    auto s = tsdb::TsdbStore::open(std::move(o));
    if (!s) throw std::runtime_error(s.error().message);
    return std::move(s.value());
  }
  clickhouse::ClickHouseOptions o;
  o.url = server().url();
  o.database = database_;
  o.retention = retention;
  o.maxKeysPerLookup = 16;  // exercise chunked dedup lookups
  auto s = clickhouse::ClickHouseStore::open(std::move(o));
  if (!s) throw std::runtime_error(s.error().message);
  return std::move(s.value());
}

}  // namespace dcmms::telemetry::testing
