// Database::open: picks the driver from the URL.
#include <filesystem>
#include <system_error>

#include "store/postgres/pg_database.h"
#include "store/sql.h"
#include "store/sqlite/sqlite_database.h"

namespace dcmms::store {

namespace {

void createDirectories(const std::filesystem::path& dir) {
  if (dir.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw SqlError("cannot create directory '" + dir.string() + "': " + ec.message());
}

}  // namespace

std::unique_ptr<Database> Database::open(const std::string& url, const std::string& dataDir) {
  if (url.empty() || url == "sqlite") {
    if (dataDir.empty()) throw SqlError("the SQLite store needs a data directory");
    createDirectories(dataDir);
    return openSqliteDatabase((std::filesystem::path(dataDir) / "dcmms.db").string());
  }
  if (url.rfind("sqlite:", 0) == 0) {
    const std::filesystem::path path(url.substr(7));
    if (path.empty()) throw SqlError("empty SQLite path in store URL");
    createDirectories(path.parent_path());
    return openSqliteDatabase(path.string());
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) return openPostgresDatabase(url);
  throw SqlError("unsupported store URL (expected sqlite, sqlite:<path> or postgresql://...)");
}

}  // namespace dcmms::store
