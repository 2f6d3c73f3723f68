// Test support for the store contract suite: a fresh, isolated store per test on either backend.
// SQLite: a new file in a temp dir. PostgreSQL: a new schema on a throw-away server started once
// per test binary by scripts/start-postgres.sh (or the server named by DCMMS_PG_URL).
#pragma once

#include <memory>
#include <string>

#include "store/sql.h"

namespace dcmms::store::testing {

// Creates a directory under the system temp dir; the caller removes it.
std::string makeTempDir();

// The URL of the shared test PostgreSQL server, started on first use.
const std::string& postgresUrl();

class TestStore {
 public:
  // backend: "sqlite" or "postgresql".
  explicit TestStore(const std::string& backend);
  ~TestStore();
  TestStore(const TestStore&) = delete;
  TestStore& operator=(const TestStore&) = delete;

  Database& db() { return *db_; }
  // A second, independent Database over the same data, like a second server process.
  std::unique_ptr<Database> openAnother() const { return Database::open(url_, dir_); }

 private:
  std::string dir_;     // SQLite data dir
  std::string schema_;  // PostgreSQL schema
  std::string url_;
  std::unique_ptr<Database> db_;
};

}  // namespace dcmms::store::testing
