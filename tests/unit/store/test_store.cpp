#include "test_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>

#include "store/postgres/pg_connection.h"

#ifndef DCMMS_SOURCE_DIR
#error "DCMMS_SOURCE_DIR must name the repository root (set in CMakeLists.txt)"
#endif

namespace dcmms::store::testing {

namespace {

// Reads the value of a `NAME='value'` line printed by start-postgres.sh.
std::string assignment(const std::string& output, const std::string& name) {
  const std::string prefix = name + "='";
  const auto start = output.find(prefix);
  if (start == std::string::npos) return {};
  const auto end = output.find('\'', start + prefix.size());
  return output.substr(start + prefix.size(), end - start - prefix.size());
}

// The throw-away server: started on first use, stopped by the environment at the end.
class PgServer {
 public:
  const std::string& url() {
    std::call_once(started_, [this] { start(); });
    if (url_.empty()) throw std::runtime_error("PostgreSQL test server did not start: " + error_);
    return url_;
  }
  void stop() {
    if (!stop_.empty()) {
      if (std::system((stop_ + " >/dev/null 2>&1").c_str()) != 0) std::fprintf(stderr, "warning: pg_ctl stop failed\n");
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
    if (const char* env = std::getenv("DCMMS_PG_URL"); env && *env) {
      url_ = env;
      return;
    }
    dir_ = makeTempDir();
    const std::string cmd = "bash '" DCMMS_SOURCE_DIR "/scripts/start-postgres.sh' '" + dir_ + "/pg' 2>&1";
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) {
      error_ = "popen failed";
      return;
    }
    std::string output;
    char buf[512];
    while (std::fgets(buf, sizeof buf, pipe)) output += buf;
    const int status = pclose(pipe);
    stop_ = assignment(output, "PG_STOP");
    if (status != 0) {
      error_ = output;
      return;
    }
    url_ = assignment(output, "PG_URL");
    if (url_.empty()) error_ = output;
  }

  std::once_flag started_;
  std::string url_, stop_, dir_, error_;
};

PgServer& server() {
  static PgServer s;
  return s;
}

class PgServerEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { server().stop(); }
};

// gtest owns the environment.
[[maybe_unused]] const auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(new PgServerEnvironment);

std::string uniqueSchemaName() {
  static std::atomic<int> counter{0};
  return "t" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
}

}  // namespace

std::string makeTempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "dcmms-store-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

const std::string& postgresUrl() { return server().url(); }

TestStore::TestStore(const std::string& backend) {
  if (backend == "sqlite") {
    dir_ = makeTempDir();
    url_ = "sqlite";
  } else {
    const std::string& base = postgresUrl();
    schema_ = uniqueSchemaName();
    PgConnection admin(base);
    admin.execScript("CREATE SCHEMA " + schema_);
    // libpq URI: options=-c search_path=<schema>, percent-encoded.
    url_ = base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema_;
  }
  db_ = Database::open(url_, dir_);
}

TestStore::~TestStore() {
  db_.reset();
  if (!schema_.empty()) {
    try {
      PgConnection admin(postgresUrl());
      admin.execScript("DROP SCHEMA " + schema_ + " CASCADE");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "warning: cannot drop test schema: %s\n", e.what());
    }
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

}  // namespace dcmms::store::testing
