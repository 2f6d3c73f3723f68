#include "store/sqlite/sqlite_connection.h"

#include <mutex>

namespace dcmms::store {

namespace {

// Cached statements beyond this are dropped (idle ones) before a new one is cached, which bounds
// memory when callers build SQL dynamically (e.g. IN lists of varying length).
constexpr std::size_t kMaxCachedStatements = 256;
constexpr int kBusyTimeoutMs = 5000;

// A Row over the statement's current step. Valid while the statement sits on that row.
class SqliteRow final : public Row {
 public:
  explicit SqliteRow(sqlite3_stmt* stmt) : stmt_(stmt) {}
  int columnCount() const override { return sqlite3_column_count(stmt_); }
  std::string_view columnName(int i) const override {
    const char* n = sqlite3_column_name(stmt_, i);
    return n ? std::string_view(n) : std::string_view();
  }
  bool isNull(int i) const override { return sqlite3_column_type(stmt_, check(i)) == SQLITE_NULL; }
  int64_t getInt(int i) const override { return sqlite3_column_int64(stmt_, check(i)); }
  double getDouble(int i) const override { return sqlite3_column_double(stmt_, check(i)); }
  std::string_view text(int i) const override {
    check(i);
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
    if (!p) return {};
    return {p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i))};
  }
  Blob getBlob(int i) const override {
    check(i);
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, i));
    if (!p) return {};
    return Blob{{p, p + sqlite3_column_bytes(stmt_, i)}};
  }
  SqlValue value(int i) const override {
    switch (sqlite3_column_type(stmt_, check(i))) {
      case SQLITE_INTEGER: return getInt(i);
      case SQLITE_FLOAT: return getDouble(i);
      case SQLITE_TEXT: return getString(i);
      case SQLITE_BLOB: return getBlob(i);
      default: return std::monostate{};
    }
  }

 private:
  // SQLite reads out-of-range columns as NULL; make the mistake loud, as the PostgreSQL driver does.
  int check(int i) const {
    if (i < 0 || i >= sqlite3_column_count(stmt_)) {
      throw SqlError("result column index " + std::to_string(i) + " out of range");
    }
    return i;
  }

  sqlite3_stmt* stmt_;
};

bool onlySeparatorsLeft(std::string_view tail) {
  for (const char c : tail) {
    if (c != ';' && c != ' ' && c != '\n' && c != '\r' && c != '\t') return false;
  }
  return true;
}

// "UNIQUE constraint failed: users.email" -> "users.email"
std::string constraintFromMessage(std::string_view msg) {
  const auto pos = msg.find("failed: ");
  return pos == std::string_view::npos ? std::string() : std::string(msg.substr(pos + 8));
}

}  // namespace

void configureSqliteProcess() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Both calls fail harmlessly (SQLITE_MISUSE) if SQLite is already initialised.
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_initialize();
  });
}

// Borrows a prepared statement for one execution: the cached one when idle, else a private
// copy (the same SQL already running further up this thread's stack, e.g. from a row callback).
class SqliteConnection::Lease {
 public:
  Lease(SqliteConnection& conn, std::string_view sql) {
    auto it = conn.cache_.find(sql);
    if (it != conn.cache_.end() && !it->second.inUse) {
      entry_ = &it->second;
    } else if (it == conn.cache_.end()) {
      if (conn.cache_.size() >= kMaxCachedStatements) conn.evictIdle();
      sqlite3_stmt* stmt = conn.prepare(sql, true);
      try {
        entry_ = &conn.cache_.emplace(std::string(sql), Cached{stmt, false}).first->second;
      } catch (...) {
        sqlite3_finalize(stmt);
        throw;
      }
    }
    if (entry_) {
      entry_->inUse = true;
      stmt_ = entry_->stmt;
    } else {
      stmt_ = conn.prepare(sql, false);
    }
  }
  ~Lease() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    if (entry_) {
      entry_->inUse = false;
    } else {
      sqlite3_finalize(stmt_);
    }
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  sqlite3_stmt* get() const { return stmt_; }

 private:
  Cached* entry_ = nullptr;  // node-based map: stays valid while in use (eviction skips it)
  sqlite3_stmt* stmt_ = nullptr;
};

SqliteConnection::SqliteConnection(const std::string& path, std::shared_ptr<std::mutex> writeGate)
    : writeGate_(std::move(writeGate)) {
  configureSqliteProcess();
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  db_.reset(db);
  if (rc != SQLITE_OK) {
    throw SqlError("cannot open SQLite database '" + path + "': " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(db_.get(), 1);
  sqlite3_busy_timeout(db_.get(), kBusyTimeoutMs);
  try {
    auto mode = queryString("PRAGMA journal_mode=WAL");
    if (!mode || *mode != "wal") throw SqlError("SQLite database '" + path + "' cannot use WAL journal mode");
    // A larger auto-checkpoint interval lets hot B-tree pages (index tails, counters) be written back
    // once per checkpoint instead of once per 1,000 WAL pages; 64 MiB page cache per connection.
    execScript("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=16384; PRAGMA cache_size=-65536;");
  } catch (...) {
    finalizeAll();  // the destructor does not run for a half-built object
    throw;
  }
}

SqliteConnection::~SqliteConnection() {
  finalizeAll();
  if (holdsGate_) writeGate_->unlock();
}

void SqliteConnection::finalizeAll() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
  cache_.clear();
}

void SqliteConnection::Closer::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }

void SqliteConnection::evictIdle() {
  for (auto it = cache_.begin(); it != cache_.end();) {
    if (it->second.inUse) {
      ++it;
    } else {
      sqlite3_finalize(it->second.stmt);
      it = cache_.erase(it);
    }
  }
}

sqlite3_stmt* SqliteConnection::prepare(std::string_view sql, bool persistent) {
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                    persistent ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, &tail);
  if (rc != SQLITE_OK) throwError(rc);
  if (!stmt) throw SqlError("empty SQL statement");
  const std::string_view rest(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
  if (!onlySeparatorsLeft(rest)) {
    sqlite3_finalize(stmt);
    throw SqlError("more than one SQL statement; use execScript");
  }
  return stmt;
}

void SqliteConnection::throwError(int rc) const {
  const int ext = sqlite3_extended_errcode(db_.get());
  std::string msg = sqlite3_errmsg(db_.get());
  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
    std::string constraint = constraintFromMessage(msg);
    throw UniqueViolation(msg, "23505", std::move(constraint));
  }
  if (ext == SQLITE_CONSTRAINT_FOREIGNKEY) throw ForeignKeyViolation(msg, "23503");
  if (msg.empty() || msg == "not an error") msg = sqlite3_errstr(rc);
  throw SqlError(msg);
}

void SqliteConnection::bind(sqlite3_stmt* stmt, Params params) {
  const int expected = sqlite3_bind_parameter_count(stmt);
  if (expected != static_cast<int>(params.size())) {
    throw SqlError("statement has " + std::to_string(expected) + " parameters, " + std::to_string(params.size()) +
                   " given");
  }
  for (int i = 0; i < expected; ++i) {
    const SqlValue& v = params[static_cast<std::size_t>(i)];
    int rc = SQLITE_OK;
    // SQLITE_STATIC: the values outlive the execution and the Lease clears the bindings after it.
    if (const auto* s = std::get_if<std::string>(&v)) {
      rc = sqlite3_bind_text64(stmt, i + 1, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
    } else if (const auto* n = std::get_if<int64_t>(&v)) {
      rc = sqlite3_bind_int64(stmt, i + 1, *n);
    } else if (const auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(stmt, i + 1, *d);
    } else if (const auto* b = std::get_if<Blob>(&v)) {
      rc = b->bytes.empty() ? sqlite3_bind_zeroblob(stmt, i + 1, 0)
                            : sqlite3_bind_blob64(stmt, i + 1, b->bytes.data(), b->bytes.size(), SQLITE_STATIC);
    } else {
      rc = sqlite3_bind_null(stmt, i + 1);
    }
    if (rc != SQLITE_OK) throwError(rc);
  }
}

void SqliteConnection::run(sqlite3_stmt* stmt, const RowCallback* fn) {
  const SqliteRow row(stmt);
  for (;;) {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      if (fn) (*fn)(row);
    } else if (rc == SQLITE_DONE) {
      return;
    } else {
      throwError(rc);
    }
  }
}

int64_t SqliteConnection::exec(std::string_view sql, Params params) {
  Lease lease(*this, sql);
  bind(lease.get(), params);
  const int64_t before = sqlite3_total_changes64(db_.get());
  run(lease.get(), nullptr);
  // changes64() keeps the count of the last INSERT/UPDATE/DELETE, so only trust it when this
  // statement changed something.
  return sqlite3_total_changes64(db_.get()) == before ? 0 : sqlite3_changes64(db_.get());
}

void SqliteConnection::query(std::string_view sql, Params params, RowCallback fn) {
  Lease lease(*this, sql);
  bind(lease.get(), params);
  run(lease.get(), &fn);
}

void SqliteConnection::execScript(std::string_view sql) {
  const std::string text(sql);
  char* err = nullptr;
  const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &err);
  sqlite3_free(err);  // the same message stays readable through sqlite3_errmsg()
  if (rc != SQLITE_OK) throwError(rc);
}

void SqliteConnection::begin() {
  if (inTransaction()) throw SqlError("a transaction is already open on this connection");
  if (writeGate_ && !holdsGate_) {
    writeGate_->lock();
    holdsGate_ = true;
  }
  try {
    exec("BEGIN IMMEDIATE");
  } catch (...) {
    if (holdsGate_) {
      holdsGate_ = false;
      writeGate_->unlock();
    }
    throw;
  }
}

void SqliteConnection::commit() {
  if (!inTransaction()) throw SqlError("no transaction is open on this connection");
  exec("COMMIT");  // on failure the transaction stays open and the gate held until rollback()
  if (holdsGate_) {
    holdsGate_ = false;
    writeGate_->unlock();
  }
}

void SqliteConnection::rollback() {
  if (inTransaction()) exec("ROLLBACK");
  if (holdsGate_) {
    holdsGate_ = false;
    writeGate_->unlock();
  }
}

bool SqliteConnection::inTransaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }

}  // namespace dcmms::store
