// Driver-specific behaviour outside the shared contract: URL handling, SQLite durability
// settings, PostgreSQL reconnects and aborted transactions, placeholder rewriting.
#include <gtest/gtest.h>

#include <filesystem>

#include "store/placeholders.h"
#include "store/postgres/pg_database.h"
#include "store/sql.h"
#include "test_store.h"

namespace dcmms::store {
namespace {

TEST(Placeholders, RewritesOutsideLiteralsAndComments) {
  auto r = rewritePlaceholders("SELECT ?, '?', 'a''?', \"?\", E'\\'?', $$?$$, $t$ ? $t$ -- ?\n, ? /* ? */, ?");
  EXPECT_EQ(r.text, "SELECT $1, '?', 'a''?', \"?\", E'\\'?', $$?$$, $t$ ? $t$ -- ?\n, $2 /* ? */, $3");
  EXPECT_EQ(r.placeholders, 3);
  EXPECT_EQ(rewritePlaceholders("a=? AND b=?").text, "a=$1 AND b=$2");
  EXPECT_EQ(rewritePlaceholders("x$y = ?").text, "x$y = $1");  // '$' inside an identifier
  EXPECT_EQ(rewritePlaceholders("'unterminated ?").placeholders, 0);
}

TEST(EscapeLike, EscapesWildcards) { EXPECT_EQ(escapeLike("50%_a\\b"), "50\\%\\_a\\\\b"); }

TEST(PostgresUrl, RedactsPasswordAndOptions) {
  EXPECT_EQ(redactPostgresUrl("postgresql://u:secret@h:5432/db?sslmode=require&password=x"), "postgresql://u@h:5432/db");
  EXPECT_EQ(redactPostgresUrl("postgresql://u@h/db"), "postgresql://u@h/db");
  EXPECT_EQ(redactPostgresUrl("postgresql://h:5432/db"), "postgresql://h:5432/db");
}

class TempDir {
 public:
  TempDir() : path_(testing::makeTempDir()) {}
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(DatabaseOpen, DefaultIsSqliteFileInDataDir) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  auto db = Database::open("", data);
  EXPECT_EQ(db->dialectName(), "sqlite");
  EXPECT_TRUE(std::filesystem::exists(data + "/dcmms.db"));
  EXPECT_EQ(db->describe(), "sqlite:" + data + "/dcmms.db");
  EXPECT_EQ(Database::open("sqlite", data)->dialectName(), "sqlite");
}

TEST(DatabaseOpen, ExplicitSqlitePathCreatesParent) {
  TempDir dir;
  const std::string file = dir.path() + "/a/b/store.db";
  auto db = Database::open("sqlite:" + file, "");
  db->connection().execScript("CREATE TABLE t (x BIGINT)");
  EXPECT_TRUE(std::filesystem::exists(file));
}

TEST(DatabaseOpen, RejectsUnknownUrlsWithoutEchoingThem) {
  try {
    Database::open("mysql://root:hunter2@h/db", "/tmp");
    FAIL();
  } catch (const SqlError& e) {
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos);
  }
  EXPECT_THROW(Database::open("postgresql://127.0.0.1:1/none?connect_timeout=2", ""), SqlError);
}

TEST(SqliteDriver, UsesWalNormalSyncBusyTimeoutAndForeignKeys) {
  testing::TestStore store("sqlite");
  auto& c = store.db().connection();
  EXPECT_EQ(c.queryString("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(c.queryInt("PRAGMA synchronous"), 1);  // NORMAL
  EXPECT_EQ(c.queryInt("PRAGMA foreign_keys"), 1);
  EXPECT_EQ(c.queryInt("PRAGMA busy_timeout"), 5000);
}

TEST(SqliteDriver, BadScriptReportsTheDriverMessage) {
  testing::TestStore store("sqlite");
  try {
    store.db().connection().execScript("CREATE TABLE ok (x BIGINT); SELEC nonsense");
    FAIL();
  } catch (const SqlError& e) {
    EXPECT_NE(std::string(e.what()).find("syntax error"), std::string::npos) << e.what();
  }
}

TEST(PostgresDriver, ReconnectsOnceAfterTheSessionIsKilled) {
  testing::TestStore store("postgresql");
  auto& c = store.db().connection();
  c.execScript("CREATE TABLE r (v BIGINT)");
  c.exec("INSERT INTO r (v) VALUES (?)", {int64_t{1}});
  const auto pid = c.queryInt("SELECT pg_backend_pid()");
  auto killer = store.db().connect();
  EXPECT_EQ(killer->queryInt("SELECT CAST(pg_terminate_backend(CAST(? AS INTEGER)) AS INTEGER)", {*pid}), 1);
  // The next statement finds the session gone, reconnects and runs (re-preparing on the new session).
  EXPECT_EQ(c.queryInt("SELECT COUNT(*) FROM r"), 1);
  EXPECT_NE(c.queryInt("SELECT pg_backend_pid()"), pid);
}

TEST(PostgresDriver, KilledSessionInsideATransactionIsNotRetried) {
  testing::TestStore store("postgresql");
  auto& c = store.db().connection();
  c.execScript("CREATE TABLE r (v BIGINT)");
  const auto pid = c.queryInt("SELECT pg_backend_pid()");
  auto killer = store.db().connect();
  {
    Transaction tx(c);
    c.exec("INSERT INTO r (v) VALUES (?)", {int64_t{1}});
    killer->queryInt("SELECT CAST(pg_terminate_backend(CAST(? AS INTEGER)) AS INTEGER)", {*pid});
    EXPECT_THROW(c.exec("INSERT INTO r (v) VALUES (?)", {int64_t{2}}), SqlError);
  }
  EXPECT_EQ(c.queryInt("SELECT COUNT(*) FROM r"), 0);  // reconnected on the next idle statement
}

TEST(PostgresDriver, CommitAfterAFailedStatementThrows) {
  testing::TestStore store("postgresql");
  auto& c = store.db().connection();
  c.execScript("CREATE TABLE u (k TEXT PRIMARY KEY)");
  c.begin();
  c.exec("INSERT INTO u (k) VALUES (?)", {"a"});
  EXPECT_THROW(c.exec("INSERT INTO u (k) VALUES (?)", {"a"}), UniqueViolation);
  EXPECT_THROW(c.commit(), SqlError);  // PostgreSQL would silently roll back
  EXPECT_FALSE(c.inTransaction());
  EXPECT_EQ(c.queryInt("SELECT COUNT(*) FROM u"), 0);
}

TEST(PostgresDriver, ValueErrorsDoNotEchoTextParameters) {
  testing::TestStore store("postgresql");
  auto& c = store.db().connection();
  try {
    c.queryInt("SELECT CAST(? AS BIGINT)", {"topsecretvalue"});
    FAIL();
  } catch (const SqlError& e) {
    EXPECT_EQ(std::string(e.what()).find("topsecretvalue"), std::string::npos) << e.what();
    EXPECT_EQ(e.sqlState(), "22P02");
  }
}

}  // namespace
}  // namespace dcmms::store
