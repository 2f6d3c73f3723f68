#include "store/sqlite/sqlite_database.h"

#include "store/sqlite/sqlite_connection.h"

namespace dcmms::store {

namespace {

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(std::string path) : path_(std::move(path)) {}
  const Dialect& dialect() const override { return sqliteDialect(); }
  std::string describe() const override { return "sqlite:" + path_; }

 protected:
  std::unique_ptr<SqlConnection> createConnection() override {
    return std::make_unique<SqliteConnection>(path_, writeGate_);
  }

 private:
  std::string path_;
  std::shared_ptr<std::mutex> writeGate_ = std::make_shared<std::mutex>();
};

}  // namespace

std::unique_ptr<Database> openSqliteDatabase(const std::string& path) {
  configureSqliteProcess();
  auto db = std::make_unique<SqliteDatabase>(path);
  db->connection();  // fail fast on a bad path, and switch the file to WAL before other threads come
  return db;
}

}  // namespace dcmms::store
