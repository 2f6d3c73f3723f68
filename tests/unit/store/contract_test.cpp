// The SQL contract every driver must pass, run against SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store/sql.h"
#include "test_store.h"

namespace dcmms::store {
namespace {

class SqlContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { store_ = std::make_unique<testing::TestStore>(GetParam()); }
  void TearDown() override { store_.reset(); }
  Database& db() { return store_->db(); }
  SqlConnection& conn() { return db().connection(); }

  std::unique_ptr<testing::TestStore> store_;
};

TEST_P(SqlContract, DialectMatchesBackend) {
  EXPECT_EQ(db().dialectName(), GetParam());
  EXPECT_EQ(conn().dialect().name(), GetParam());
  EXPECT_TRUE(conn().dialect().supportsReturning());
}

TEST_P(SqlContract, CrudRoundTripWithAllValueTypesAndNull) {
  auto& c = conn();
  c.execScript("CREATE TABLE things (id TEXT PRIMARY KEY, n BIGINT, d DOUBLE PRECISION, s TEXT, b " +
               std::string(c.dialect().blobType()) + ", opt TEXT)");
  const Blob blob{{0x00, 0xff, 0x10, 0x00, 0x7f}};
  const int64_t big = 9007199254740993;  // not representable as a double
  EXPECT_EQ(c.exec("INSERT INTO things (id, n, d, s, b, opt) VALUES (?, ?, ?, ?, ?, ?)",
                   {"a", big, 1.5e-7, "Grüße, 'quoted' ?", blob, std::monostate{}}),
            1);
  EXPECT_EQ(c.exec("INSERT INTO things (id, n, d, s, b, opt) VALUES (?, ?, ?, ?, ?, ?)",
                   {"b", int64_t{-42}, -0.25, "", Blob{}, nullable(std::optional<std::string>("x"))}),
            1);

  int rows = 0;
  c.query("SELECT id, n, d, s, b, opt FROM things WHERE id = ?", {"a"}, [&](const Row& r) {
    ++rows;
    EXPECT_EQ(r.columnCount(), 6);
    EXPECT_EQ(r.getString(0), "a");
    EXPECT_EQ(r.getInt(1), big);
    EXPECT_DOUBLE_EQ(r.getDouble(2), 1.5e-7);
    EXPECT_EQ(r.getString("s"), "Grüße, 'quoted' ?");
    EXPECT_EQ(r.getBlob("b"), blob);
    EXPECT_TRUE(r.isNull("opt"));
    EXPECT_EQ(r.optString("opt"), std::nullopt);
    EXPECT_EQ(r.optInt("N"), big);  // names match case-insensitively
    EXPECT_EQ(r.value(1), SqlValue(big));
    EXPECT_EQ(r.value(2), SqlValue(1.5e-7));
    EXPECT_EQ(r.value(3), SqlValue(std::string("Grüße, 'quoted' ?")));
    EXPECT_EQ(r.value(4), SqlValue(blob));
    EXPECT_EQ(r.value(5), SqlValue());
    EXPECT_EQ(r.findColumn("missing"), -1);
    EXPECT_THROW(r.getString("missing"), SqlError);
    EXPECT_THROW(r.getString(6), SqlError);
    EXPECT_THROW(r.isNull(-1), SqlError);
  });
  EXPECT_EQ(rows, 1);

  auto b = c.queryOne("SELECT n, d, s, b, opt FROM things WHERE id = ?", {"b"}, [](const Row& r) {
    return std::make_tuple(r.getInt(0), r.getDouble(1), r.optString(2), r.getBlob(3), r.optString(4));
  });
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(std::get<0>(*b), -42);
  EXPECT_DOUBLE_EQ(std::get<1>(*b), -0.25);
  EXPECT_EQ(std::get<2>(*b), std::optional<std::string>(""));  // empty string is not NULL
  EXPECT_EQ(std::get<3>(*b), Blob{});
  EXPECT_EQ(std::get<4>(*b), std::optional<std::string>("x"));

  EXPECT_EQ(c.exec("UPDATE things SET opt = ?, n = n + 1 WHERE id = ?", {"set", "a"}), 1);
  EXPECT_EQ(c.queryString("SELECT opt FROM things WHERE id = ?", {"a"}), "set");
  EXPECT_EQ(c.queryInt("SELECT n FROM things WHERE id = ?", {"a"}), big + 1);
  EXPECT_EQ(c.exec("UPDATE things SET opt = NULL WHERE id = ?", {"none"}), 0);
  EXPECT_EQ(c.queryInt("SELECT n FROM things WHERE id = ?", {"none"}), std::nullopt);
  EXPECT_EQ(c.queryInt("SELECT COUNT(*) FROM things"), 2);
  EXPECT_EQ(c.exec("DELETE FROM things WHERE id IN (?, ?)", {"a", "b"}), 2);
  EXPECT_EQ(c.queryInt("SELECT COUNT(*) FROM things"), 0);
}

TEST_P(SqlContract, ColumnsByNameAcrossRows) {
  auto& c = conn();
  c.execScript("CREATE TABLE ab (a BIGINT, b BIGINT); INSERT INTO ab (a, b) VALUES (1, 10); INSERT INTO ab (a, b) VALUES (2, 20)");
  int64_t sum = 0;
  c.query("SELECT a, b FROM ab ORDER BY a", {}, [&](const Row& r) {
    std::string name = "a";  // same buffer, different names: lookups must not be confused
    sum += r.getInt(name);
    name = "b";
    sum += r.getInt(name) * 100;
    sum += r.getInt("A") * 10000;
  });
  EXPECT_EQ(sum, (1 + 1000 + 10000) + (2 + 2000 + 20000));
}

TEST_P(SqlContract, CachedStatementSurvivesSchemaChange) {
  auto& c = conn();
  c.execScript("CREATE TABLE sc (a BIGINT); INSERT INTO sc (a) VALUES (1)");
  const char* sql = "SELECT * FROM sc";
  EXPECT_EQ(c.queryAll(sql, {}, [](const Row& r) { return r.columnCount(); }), std::vector<int>{1});
  c.execScript("ALTER TABLE sc ADD COLUMN b TEXT");
  EXPECT_EQ(c.queryAll(sql, {}, [](const Row& r) { return r.columnCount(); }), std::vector<int>{2});
}

TEST_P(SqlContract, ReturningAndAutoIds) {
  auto& c = conn();
  c.execScript("CREATE TABLE seq (id " + std::string(c.dialect().autoIdType()) + ", name TEXT NOT NULL)");
  auto first = c.queryOne("INSERT INTO seq (name) VALUES (?) RETURNING id", {"one"}, [](const Row& r) { return r.getInt(0); });
  auto second = c.queryOne("INSERT INTO seq (name) VALUES (?) RETURNING id", {"two"}, [](const Row& r) { return r.getInt(0); });
  ASSERT_TRUE(first && second);
  EXPECT_GT(*second, *first);
  auto names = c.queryAll("SELECT name FROM seq ORDER BY id", {}, [](const Row& r) { return r.getString(0); });
  EXPECT_EQ(names, (std::vector<std::string>{"one", "two"}));
}

TEST_P(SqlContract, UpsertIsPortable) {
  auto& c = conn();
  c.execScript("CREATE TABLE kv (k TEXT PRIMARY KEY, v BIGINT NOT NULL)");
  const char* upsert = "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v";
  c.exec(upsert, {"a", int64_t{1}});
  c.exec(upsert, {"a", int64_t{2}});
  EXPECT_EQ(c.queryInt("SELECT v FROM kv WHERE k = ?", {"a"}), 2);
}

TEST_P(SqlContract, UniqueViolationIsTypedAndHidesValues) {
  auto& c = conn();
  c.execScript("CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT NOT NULL UNIQUE)");
  const std::string secret = "s3cret-token@example.com";
  c.exec("INSERT INTO users (id, email) VALUES (?, ?)", {int64_t{1}, secret});
  try {
    c.exec("INSERT INTO users (id, email) VALUES (?, ?)", {int64_t{2}, secret});
    FAIL() << "expected UniqueViolation";
  } catch (const UniqueViolation& e) {
    EXPECT_EQ(e.sqlState(), "23505");
    EXPECT_FALSE(e.constraint().empty());
    EXPECT_EQ(std::string(e.what()).find(secret), std::string::npos) << e.what();
  }
  EXPECT_THROW(c.exec("INSERT INTO users (id, email) VALUES (?, ?)", {int64_t{1}, "other"}), UniqueViolation);
  // Other errors are plain SqlError, and the connection stays usable.
  try {
    c.exec("INSERT INTO no_such_table (x) VALUES (?)", {secret});
    FAIL() << "expected SqlError";
  } catch (const UniqueViolation&) {
    FAIL() << "not a unique violation";
  } catch (const SqlError& e) {
    EXPECT_EQ(std::string(e.what()).find(secret), std::string::npos);
  }
  EXPECT_EQ(c.queryInt("SELECT COUNT(*) FROM users"), 1);
}

TEST_P(SqlContract, ForeignKeysAreEnforcedAndTyped) {
  auto& c = conn();
  c.execScript(
      "CREATE TABLE sites (id TEXT PRIMARY KEY);"
      "CREATE TABLE assets (id TEXT PRIMARY KEY, site_id TEXT NOT NULL REFERENCES sites(id))");
  c.exec("INSERT INTO sites (id) VALUES (?)", {"s1"});
  c.exec("INSERT INTO assets (id, site_id) VALUES (?, ?)", {"a1", "s1"});
  try {
    c.exec("INSERT INTO assets (id, site_id) VALUES (?, ?)", {"a2", "nope"});
    FAIL() << "expected ForeignKeyViolation";
  } catch (const ForeignKeyViolation& e) {
    EXPECT_EQ(e.sqlState(), "23503");
  }
  EXPECT_THROW(c.exec("DELETE FROM sites WHERE id = ?", {"s1"}), ForeignKeyViolation);
}

TEST_P(SqlContract, TransactionRollsBackOnException) {
  auto& c = conn();
  c.execScript("CREATE TABLE t (v BIGINT)");
  EXPECT_THROW(withTransaction(c,
                               [&] {
                                 c.exec("INSERT INTO t (v) VALUES (?)", {int64_t{1}});
                                 throw std::runtime_error("boom");
                               }),
               std::runtime_error);
  EXPECT_FALSE(c.inTransaction());
  EXPECT_EQ(c.queryInt("SELECT COUNT(*) FROM t"), 0);

  {
    Transaction tx(c);
    EXPECT_FALSE(tx.joined());
    EXPECT_TRUE(c.inTransaction());
    c.exec("INSERT INTO t (v) VALUES (?)", {int64_t{2}});
  }  // not committed: rolled back
  EXPECT_EQ(c.queryInt("SELECT COUNT(*) FROM t"), 0);

  const int64_t got = withTransaction(c, [&] {
    c.exec("INSERT INTO t (v) VALUES (?)", {int64_t{3}});
    return *c.queryInt("SELECT COUNT(*) FROM t");
  });
  EXPECT_EQ(got, 1);
  EXPECT_EQ(c.queryInt("SELECT COUNT(*) FROM t"), 1);
  EXPECT_THROW(c.commit(), SqlError);  // nothing open
}

TEST_P(SqlContract, NestedTransactionJoinsTheOuterOne) {
  auto& c = conn();
  c.execScript("CREATE TABLE t (v BIGINT)");
  {
    Transaction outer(c);
    {
      Transaction inner(c);
      EXPECT_TRUE(inner.joined());
      c.exec("INSERT INTO t (v) VALUES (?)", {int64_t{1}});
      inner.commit();  // no-op: the outer guard decides
    }
    EXPECT_TRUE(c.inTransaction());
    EXPECT_THROW(c.begin(), SqlError);
  }  // outer rolls back, taking the inner insert with it
  EXPECT_EQ(c.queryInt("SELECT COUNT(*) FROM t"), 0);
}

TEST_P(SqlContract, StatementErrorInsideTransactionThenRollback) {
  auto& c = conn();
  c.execScript("CREATE TABLE u (k TEXT PRIMARY KEY)");
  c.exec("INSERT INTO u (k) VALUES (?)", {"x"});
  EXPECT_THROW(withTransaction(c,
                               [&] {
                                 c.exec("INSERT INTO u (k) VALUES (?)", {"y"});
                                 c.exec("INSERT INTO u (k) VALUES (?)", {"x"});
                               }),
               UniqueViolation);
  EXPECT_FALSE(c.inTransaction());
  EXPECT_EQ(c.queryInt("SELECT COUNT(*) FROM u"), 1);
}

TEST_P(SqlContract, ConcurrentWritersOnSeparateConnectionsLoseNothing) {
  conn().execScript(
      "CREATE TABLE events (thread BIGINT NOT NULL, seq BIGINT NOT NULL);"
      "CREATE TABLE counters (id BIGINT PRIMARY KEY, n BIGINT NOT NULL);"
      "INSERT INTO counters (id, n) VALUES (1, 0)");
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        SqlConnection& c = db().connection();
        for (int i = 0; i < kPerThread; ++i) {
          Transaction tx(c);
          // Read-modify-write: a lost update would show as a counter below the row count.
          const int64_t n = *c.queryInt("SELECT n FROM counters WHERE id = 1");
          c.exec("INSERT INTO events (thread, seq) VALUES (?, ?)", {int64_t{t}, int64_t{i}});
          if (c.exec("UPDATE counters SET n = ? WHERE id = 1 AND n = ?", {n + 1, n}) != 1) {
            continue;  // lost the race (PostgreSQL read committed): the guard rolls back
          }
          tx.commit();
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
      db().releaseConnection();
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  const auto rows = conn().queryInt("SELECT COUNT(*) FROM events");
  const auto counter = conn().queryInt("SELECT n FROM counters WHERE id = 1");
  EXPECT_EQ(rows, counter);  // every committed insert also committed its counter step
  EXPECT_GT(*rows, 0);
  if (GetParam() == "sqlite") {
    EXPECT_EQ(rows, kThreads * kPerThread);  // writers serialise
  }
}

TEST_P(SqlContract, ConcurrentInsertsAllLand) {
  conn().execScript("CREATE TABLE rows4 (thread BIGINT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (thread, seq))");
  constexpr int kThreads = 4;
  constexpr int kPerThread = 100;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        SqlConnection& c = db().connection();
        for (int i = 0; i < kPerThread; ++i) {
          if (i % 2 == 0) {
            c.exec("INSERT INTO rows4 (thread, seq) VALUES (?, ?)", {int64_t{t}, int64_t{i}});
          } else {
            withTransaction(c, [&] { c.exec("INSERT INTO rows4 (thread, seq) VALUES (?, ?)", {int64_t{t}, int64_t{i}}); });
          }
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
      db().releaseConnection();
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(conn().queryInt("SELECT COUNT(*) FROM rows4"), kThreads * kPerThread);
}

TEST_P(SqlContract, PlaceholdersInsideLiteralsAreUntouched) {
  auto& c = conn();
  c.execScript("CREATE TABLE q (a TEXT, b TEXT, \"c?\" TEXT)");
  EXPECT_EQ(c.exec("INSERT INTO q (a, b, \"c?\") VALUES ('lit ?', ?, 'it''s ? here') -- trailing ? comment", {"param"}), 1);
  c.query("SELECT a, b, \"c?\", '?' AS d, CAST(? AS TEXT) AS e /* ? */ FROM q WHERE b = ?", {"bound", "param"},
          [](const Row& r) {
            EXPECT_EQ(r.getString(0), "lit ?");
            EXPECT_EQ(r.getString(1), "param");
            EXPECT_EQ(r.getString(2), "it's ? here");
            EXPECT_EQ(r.getString("d"), "?");
            EXPECT_EQ(r.getString("e"), "bound");
          });
}

TEST_P(SqlContract, WrongParameterCountIsAnError) {
  auto& c = conn();
  EXPECT_THROW(c.queryInt("SELECT CAST(? AS BIGINT)"), SqlError);
  EXPECT_THROW(c.queryInt("SELECT CAST(? AS BIGINT)", {int64_t{1}, int64_t{2}}), SqlError);
  EXPECT_EQ(c.queryInt("SELECT CAST(? AS BIGINT)", {int64_t{7}}), 7);
  EXPECT_THROW(c.exec("SELECT 1; SELECT 2"), SqlError);  // one statement only outside execScript
}

TEST_P(SqlContract, CaseInsensitiveLikeThroughDialect) {
  auto& c = conn();
  c.execScript("CREATE TABLE assets (name TEXT)");
  for (const char* n : {"Pump Station", "PUMP 2", "Inverter 50%", "inverter 500"}) c.exec("INSERT INTO assets (name) VALUES (?)", {n});
  const std::string like = std::string("SELECT COUNT(*) FROM assets WHERE name ") + c.dialect().ilike() + " ? ESCAPE '\\'";
  EXPECT_EQ(c.queryInt(like, {"%pump%"}), 2);
  EXPECT_EQ(c.queryInt(like, {"inverter%"}), 2);
  EXPECT_EQ(c.queryInt(like, {"%" + escapeLike("50%") + "%"}), 1);  // % taken literally
}

TEST_P(SqlContract, QueriesMayRunFromInsideARowCallback) {
  auto& c = conn();
  c.execScript("CREATE TABLE n (v BIGINT); INSERT INTO n (v) VALUES (1); INSERT INTO n (v) VALUES (2)");
  int64_t sum = 0;
  c.query("SELECT v FROM n ORDER BY v", {}, [&](const Row& outer) {
    // The same SQL text while it is still running further up the stack.
    c.query("SELECT v FROM n ORDER BY v", {}, [&](const Row& inner) { sum += outer.getInt(0) * inner.getInt(0); });
  });
  EXPECT_EQ(sum, 1 * 1 + 1 * 2 + 2 * 1 + 2 * 2);
}

TEST_P(SqlContract, ExceptionFromCallbackLeavesConnectionUsable) {
  auto& c = conn();
  c.execScript("CREATE TABLE n (v BIGINT); INSERT INTO n (v) VALUES (1); INSERT INTO n (v) VALUES (2)");
  EXPECT_THROW(c.query("SELECT v FROM n", {}, [](const Row&) { throw std::runtime_error("stop"); }), std::runtime_error);
  EXPECT_EQ(c.queryInt("SELECT COUNT(*) FROM n"), 2);
  EXPECT_EQ(c.queryInt("SELECT v FROM n ORDER BY v LIMIT 1"), 1);
}

TEST_P(SqlContract, ManyDistinctStatementsStayCorrect) {
  auto& c = conn();
  for (int i = 0; i < 600; ++i) {  // more than the per-connection statement cache holds
    EXPECT_EQ(c.queryInt("SELECT CAST(? AS BIGINT) + " + std::to_string(i), {int64_t{1}}), i + 1);
  }
}

TEST_P(SqlContract, EachThreadGetsItsOwnConnection) {
  SqlConnection* mine = &db().connection();
  EXPECT_EQ(mine, &db().connection());
  SqlConnection* other = nullptr;
  std::thread([&] {
    other = &db().connection();
    db().releaseConnection();
  }).join();
  EXPECT_NE(mine, other);
  auto dedicated = db().connect();
  EXPECT_EQ(dedicated->queryInt("SELECT CAST(? AS BIGINT)", {int64_t{5}}), 5);
}

INSTANTIATE_TEST_SUITE_P(Backends, SqlContract, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace dcmms::store
