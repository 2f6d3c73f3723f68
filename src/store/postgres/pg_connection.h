// PostgreSQL driver over libpq: text-format parameters and results, one named prepared statement
// per distinct SQL text (after `?` -> $n rewriting), cached per connection.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/sql.h"
#include "store/string_hash.h"

namespace dcmms::store {

class PgConnection final : public SqlConnection {
 public:
  // Connects; throws SqlError when the server cannot be reached.
  explicit PgConnection(std::string url);

  int64_t exec(std::string_view sql, Params params = {}) override;
  void query(std::string_view sql, Params params, RowCallback fn) override;
  void execScript(std::string_view sql) override;
  void begin() override;
  void commit() override;
  void rollback() override;
  bool inTransaction() const override;
  const Dialect& dialect() const override { return postgresDialect(); }

 private:
  struct ConnCloser {
    void operator()(PGconn* c) const noexcept { PQfinish(c); }
  };
  struct ResultClearer {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
  };
  using ResultPtr = std::unique_ptr<PGresult, ResultClearer>;

  void connect();
  void reconnect();
  // Runs `attempt` and returns its successful result. When it fails because the connection broke
  // while no transaction was open, reconnects once and retries. Otherwise throws.
  template <typename Attempt>
  ResultPtr withReconnect(Attempt attempt, Params params);
  ResultPtr executePrepared(std::string_view sql, Params params, bool retryingStalePlan = false);
  ResultPtr simple(const char* sql);
  [[noreturn]] void throwError(const PGresult* res, Params params) const;

  struct Prepared {
    std::string name;
    int placeholders = 0;
  };

  std::string url_;
  std::unique_ptr<PGconn, ConnCloser> conn_;
  std::unordered_map<std::string, Prepared, StringHash, std::equal_to<>> prepared_;
  unsigned nextStatementId_ = 0;
  // The session died inside a transaction: statements fail until rollback()/commit() ends it,
  // so later statements cannot silently run outside the transaction the caller thinks is open.
  bool lostTransaction_ = false;
  // Scratch buffers for binding, reused so a warm connection binds without allocating.
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  std::string numbers_;
  std::vector<std::size_t> numberOffsets_;
};

}  // namespace dcmms::store
