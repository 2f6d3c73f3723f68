#include "store/migrate.h"

#include <algorithm>
#include <set>

#include "core/log.h"

namespace dcmms::store {

namespace {

// Arbitrary constant shared by every dCMMS process migrating the same PostgreSQL database.
constexpr const char* kPgLock = "SELECT pg_advisory_xact_lock(7215853402)";

constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version BIGINT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL)";

void replaceAll(std::string& s, std::string_view from, std::string_view to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

// Inside a transaction: serialises migrators and makes sure the bookkeeping table exists.
void lockAndPrepare(SqlConnection& conn) {
  if (conn.dialect().name() == "postgresql") conn.query(kPgLock, {}, [](const Row&) {});
  conn.exec(kCreateTable);
}

bool isApplied(SqlConnection& conn, int version) {
  return conn.queryInt("SELECT 1 FROM schema_migrations WHERE version = ?", {int64_t{version}}).has_value();
}

}  // namespace

std::string expandMigrationSql(const std::string& sql, const Dialect& dialect) {
  std::string out = sql;
  replaceAll(out, "{{AUTO_ID}}", dialect.autoIdType());
  replaceAll(out, "{{BLOB}}", dialect.blobType());
  return out;
}

int applyMigrations(Database& db, const std::vector<Migration>& migrations, const Clock& clock) {
  std::vector<const Migration*> ordered;
  for (const auto& m : migrations) ordered.push_back(&m);
  std::sort(ordered.begin(), ordered.end(), [](const auto* a, const auto* b) { return a->version < b->version; });
  for (std::size_t i = 1; i < ordered.size(); ++i) {
    if (ordered[i]->version == ordered[i - 1]->version) {
      throw SqlError("duplicate migration version " + std::to_string(ordered[i]->version));
    }
  }

  SqlConnection& conn = db.connection();
  std::set<int64_t> applied;
  withTransaction(conn, [&] {
    lockAndPrepare(conn);
    conn.query("SELECT version FROM schema_migrations", {}, [&](const Row& r) { applied.insert(r.getInt(0)); });
  });

  int count = 0;
  for (const Migration* m : ordered) {
    if (applied.count(m->version)) continue;
    Transaction tx(conn);
    lockAndPrepare(conn);
    if (isApplied(conn, m->version)) continue;  // another process got here first
    conn.execScript(expandMigrationSql(m->sql, conn.dialect()));
    conn.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
              {int64_t{m->version}, m->name, clock.nowMs()});
    tx.commit();
    ++count;
    log::info("migration applied", {{"version", std::to_string(m->version)}, {"name", m->name}});
  }
  return count;
}

int applyMigrations(Database& db, const std::vector<Migration>& migrations) {
  const SystemClock clock;
  return applyMigrations(db, migrations, clock);
}

}  // namespace dcmms::store
