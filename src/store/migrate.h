// Schema migrations. The domain owns the list; this applies the pending ones in version order,
// each in its own transaction together with its row in schema_migrations(version, name,
// applied_at epoch ms). Re-running is a no-op. Two processes starting at once are safe: each
// migration re-checks its version under a lock (SQLite: BEGIN IMMEDIATE, the database write
// lock; PostgreSQL: pg_advisory_xact_lock), so exactly one of them applies it.
//
// Migration SQL is `;`-separated portable SQL (see dialect.h) with two placeholders expanded per
// dialect: {{AUTO_ID}} (Dialect::autoIdType) and {{BLOB}} (Dialect::blobType). It must not contain
// BEGIN/COMMIT. PostgreSQL and SQLite both run DDL transactionally, so a failing migration leaves
// no trace and stops the run with SqlError.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "store/sql.h"

namespace dcmms::store {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// Returns how many migrations this call applied. Throws SqlError on duplicate versions.
int applyMigrations(Database& db, const std::vector<Migration>& migrations, const Clock& clock);
int applyMigrations(Database& db, const std::vector<Migration>& migrations);

// The migration SQL with {{AUTO_ID}} and {{BLOB}} replaced for `dialect`.
std::string expandMigrationSql(const std::string& sql, const Dialect& dialect);

}  // namespace dcmms::store
