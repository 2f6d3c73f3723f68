#include "test_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>

#include "../scripted_server.h"
#include "store/postgres/pg_connection.h"

#ifndef DCMMS_SOURCE_DIR
#error "DCMMS_SOURCE_DIR must name the repository root (set in CMakeLists.txt)"
#endif

namespace dcmms::store::testing {

namespace {

// The throw-away PostgreSQL: started on first use, stopped by the environment at the end.
::dcmms::testing::ScriptedServer& server() {
  static ::dcmms::testing::ScriptedServer s("PostgreSQL", DCMMS_SOURCE_DIR "/scripts/start-postgres.sh", "DCMMS_PG_URL", "PG");
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

std::string makeTempDir() { return ::dcmms::testing::makeTempDir("dcmms-store"); }

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
