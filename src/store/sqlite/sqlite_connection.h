// SQLite driver: one sqlite3 handle used by one thread, with a per-connection cache of prepared
// statements keyed by SQL text.
#pragma once

#include <memory>
#include <mutex>

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/sql.h"
#include "store/string_hash.h"

namespace dcmms::store {

// Once per process, before the first connection: no memory statistics (a global mutex on every
// allocation) and SQLITE_CONFIG_MULTITHREAD (no per-connection mutex; each connection stays on
// one thread). Ignored when SQLite was already initialised by someone else.
void configureSqliteProcess();

class SqliteConnection final : public SqlConnection {
 public:
  // Opens (creating if needed) the database file and applies the connection pragmas:
  // WAL journal, synchronous=NORMAL, busy_timeout 5000 ms, foreign_keys ON.
  // writeGate: shared by every connection of one Database. Writers queue on it in-process
  // instead of spinning in SQLite's sleep-based busy handler, which collapses throughput when
  // several threads write at once; busy_timeout still covers other processes (the CLI).
  explicit SqliteConnection(const std::string& path, std::shared_ptr<std::mutex> writeGate = nullptr);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  int64_t exec(std::string_view sql, Params params = {}) override;
  void query(std::string_view sql, Params params, RowCallback fn) override;
  void execScript(std::string_view sql) override;
  void begin() override;
  void commit() override;
  void rollback() override;
  bool inTransaction() const override;
  const Dialect& dialect() const override { return sqliteDialect(); }

 private:
  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool inUse = false;
  };
  class Lease;

  struct Closer {
    void operator()(sqlite3* db) const noexcept;
  };

  sqlite3_stmt* prepare(std::string_view sql, bool persistent);
  void evictIdle();
  void finalizeAll();
  // Throws the exception matching the connection's last error (UniqueViolation, ...).
  [[noreturn]] void throwError(int rc) const;
  void bind(sqlite3_stmt* stmt, Params params);
  // Steps `stmt` to completion, calling fn (when given) for each row.
  void run(sqlite3_stmt* stmt, const RowCallback* fn);

  std::unique_ptr<sqlite3, Closer> db_;
  std::unordered_map<std::string, Cached, StringHash, std::equal_to<>> cache_;
  std::shared_ptr<std::mutex> writeGate_;
  bool holdsGate_ = false;
};

}  // namespace dcmms::store
