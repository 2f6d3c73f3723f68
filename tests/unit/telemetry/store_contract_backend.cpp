#include "store_contract_backend.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>

#include <gtest/gtest.h>

#include "telemetry/clickhouse/clickhouse_store.h"
#include "telemetry/clickhouse/http_client.h"
#include "telemetry/tsdb/engine.h"

#ifndef DCMMS_SOURCE_DIR
#error "DCMMS_SOURCE_DIR must name the repository root (set in CMakeLists.txt)"
#endif

namespace dcmms::telemetry::testing {

namespace {

std::string makeTempDir(const char* prefix) {
  std::string tmpl = (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

// Reads the value of a `NAME='value'` line printed by start-clickhouse.sh.
std::string assignment(const std::string& output, const std::string& name) {
  const std::string prefix = name + "='";
  const auto start = output.find(prefix);
  if (start == std::string::npos) return {};
  const auto end = output.find('\'', start + prefix.size());
  return output.substr(start + prefix.size(), end - start - prefix.size());
}

// The throw-away server: started on first use, stopped by the environment at the end.
class ChServer {
 public:
  const std::string& url() {
    std::call_once(started_, [this] { start(); });
    if (url_.empty()) throw std::runtime_error("ClickHouse test server did not start: " + error_);
    return url_;
  }
  void stop() {
    if (!stop_.empty()) {
      if (std::system((stop_ + " >/dev/null 2>&1").c_str()) != 0)
        std::fprintf(stderr, "warning: stopping clickhouse-server failed\n");
      stop_.clear();
    }
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
      dir_.clear();
    }
  }

 private:
  void start() {
    if (const char* env = std::getenv("DCMMS_CH_URL"); env && *env) {
      url_ = env;
      return;
    }
    dir_ = makeTempDir("dcmms-ch");
    const std::string cmd = "bash '" DCMMS_SOURCE_DIR "/scripts/start-clickhouse.sh' '" + dir_ + "/ch' 2>&1";
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) {
      error_ = "popen failed";
      return;
    }
    std::string output;
    char buf[512];
    while (std::fgets(buf, sizeof buf, pipe)) output += buf;
    const int status = pclose(pipe);
    stop_ = assignment(output, "CH_STOP");
    if (status != 0) {
      error_ = output;
      return;
    }
    url_ = assignment(output, "CH_URL");
    if (url_.empty()) error_ = output;
  }

  std::once_flag started_;
  std::string url_, stop_, dir_, error_;
};

ChServer& server() {
  static ChServer s;
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
