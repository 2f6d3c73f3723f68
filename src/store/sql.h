// The SQL storage interface: repositories speak portable SQL with `?` placeholders through an
// SqlConnection; a Database hands each thread its own connection. Two drivers implement it:
// SQLite (embedded default, a file in the data dir) and PostgreSQL (libpq). See README.md.
//
// Thread model: an SqlConnection is used by one thread at a time. Database::connection() returns
// the calling thread's connection, created on first use and owned by the Database.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/dialect.h"
#include "store/row.h"
#include "store/sql_error.h"
#include "store/sql_value.h"

namespace dcmms::store {

// A non-owning reference to a callable taking `const Row&` (no allocation, unlike std::function).
// Only for use as a parameter: the callable must outlive the call.
class RowCallback {
 public:
  template <typename F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, RowCallback> && std::is_invocable_v<F&, const Row&>)
  RowCallback(F&& fn)  // NOLINT(google-explicit-constructor)
      : obj_(const_cast<void*>(static_cast<const void*>(std::addressof(fn)))),
        call_([](void* obj, const Row& row) { (*static_cast<std::remove_reference_t<F>*>(obj))(row); }) {}
  void operator()(const Row& row) const { call_(obj_, row); }

 private:
  void* obj_;
  void (*call_)(void*, const Row&);
};

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;

  // Runs one statement; returns the number of rows inserted, updated or deleted.
  virtual int64_t exec(std::string_view sql, Params params = {}) = 0;
  // Runs one statement and calls `fn` for each result row, in order. Exceptions thrown by `fn`
  // abort the query and propagate. Other statements may run on this connection from inside `fn`.
  virtual void query(std::string_view sql, Params params, RowCallback fn) = 0;
  // Runs several `;`-separated statements without parameters (migrations, test setup).
  virtual void execScript(std::string_view sql) = 0;

  // Opens a write transaction (SQLite: BEGIN IMMEDIATE, taking the write lock up front so
  // concurrent writers wait up to busy_timeout instead of deadlocking). Throws if one is open.
  //
  // A statement that fails inside a transaction: roll back (the Transaction guard does when the
  // exception leaves its scope). PostgreSQL aborts the whole transaction on any error while SQLite
  // keeps it, so code that catches an error and carries on inside the transaction is not portable.
  virtual void begin() = 0;
  // Throws SqlError when no transaction is open, or when the commit fails (on PostgreSQL also
  // when an earlier statement failed or the session was lost: the work is rolled back).
  virtual void commit() = 0;
  // Rolls back the open transaction; does nothing when none is open.
  virtual void rollback() = 0;
  virtual bool inTransaction() const = 0;

  virtual const Dialect& dialect() const = 0;

  // The first row mapped by `map`, or nullopt when there is no row. Later rows are read and
  // ignored, so write LIMIT 1 where more than one row can match.
  template <typename F>
  auto queryOne(std::string_view sql, Params params, F&& map)
      -> std::optional<std::invoke_result_t<F&, const Row&>> {
    std::optional<std::invoke_result_t<F&, const Row&>> out;
    query(sql, params, [&](const Row& row) {
      if (!out) out.emplace(map(row));
    });
    return out;
  }
  // All rows mapped by `map`.
  template <typename F>
  auto queryAll(std::string_view sql, Params params, F&& map) -> std::vector<std::invoke_result_t<F&, const Row&>> {
    std::vector<std::invoke_result_t<F&, const Row&>> out;
    query(sql, params, [&](const Row& row) { out.push_back(map(row)); });
    return out;
  }
  // Column 0 of the first row; nullopt when there is no row or the value is NULL.
  std::optional<int64_t> queryInt(std::string_view sql, Params params = {});
  std::optional<double> queryDouble(std::string_view sql, Params params = {});
  std::optional<std::string> queryString(std::string_view sql, Params params = {});
};

// RAII transaction: begins on construction and rolls back on destruction unless committed.
// Nesting: constructed on a connection that is already in a transaction, the guard joins it
// without a savepoint — its commit() and its destructor do nothing and the outermost guard
// decides. An exception that escapes the outer guard therefore undoes the inner work too; one
// caught inside the outer scope does not undo what the inner scope wrote before throwing.
class Transaction {
 public:
  explicit Transaction(SqlConnection& conn);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();
  // True when this guard joined an enclosing transaction.
  bool joined() const { return !owner_; }

 private:
  SqlConnection& conn_;
  bool owner_;
  bool done_ = false;
};

// Runs fn() inside a Transaction and commits when it returns normally.
template <typename F>
auto withTransaction(SqlConnection& conn, F&& fn) -> decltype(fn()) {
  Transaction tx(conn);
  if constexpr (std::is_void_v<decltype(fn())>) {
    fn();
    tx.commit();
  } else {
    auto result = fn();
    tx.commit();
    return result;
  }
}

// Opens a store and hands out one connection per thread.
class Database {
 public:
  // url "" or "sqlite"        -> SQLite file <dataDir>/dcmms.db (dataDir is created)
  //     "sqlite:/path/x.db"   -> SQLite file /path/x.db
  //     "postgresql://..." or "postgres://..." -> PostgreSQL (a libpq connection URI)
  // Throws SqlError when the store cannot be opened or the URL is not understood.
  static std::unique_ptr<Database> open(const std::string& url, const std::string& dataDir);

  virtual ~Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // The calling thread's connection, created on first use and kept until the Database is
  // destroyed or the thread calls releaseConnection(). Never share it with another thread.
  SqlConnection& connection();
  // Closes the calling thread's connection (call before a short-lived thread ends).
  void releaseConnection();
  // A new connection owned by the caller (e.g. a dedicated background job).
  std::unique_ptr<SqlConnection> connect() { return createConnection(); }

  virtual const Dialect& dialect() const = 0;
  std::string_view dialectName() const { return dialect().name(); }
  // Where the data lives, without credentials (for logs).
  virtual std::string describe() const = 0;

 protected:
  Database() = default;
  virtual std::unique_ptr<SqlConnection> createConnection() = 0;

 private:
  std::mutex mu_;
  std::unordered_map<std::thread::id, std::unique_ptr<SqlConnection>> perThread_;
};

}  // namespace dcmms::store
