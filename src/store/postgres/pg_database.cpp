#include "store/postgres/pg_database.h"

#include "store/postgres/pg_connection.h"

namespace dcmms::store {

namespace {

class PgDatabase final : public Database {
 public:
  explicit PgDatabase(std::string url) : url_(std::move(url)) {}
  const Dialect& dialect() const override { return postgresDialect(); }
  std::string describe() const override { return redactPostgresUrl(url_); }

 protected:
  std::unique_ptr<SqlConnection> createConnection() override { return std::make_unique<PgConnection>(url_); }

 private:
  std::string url_;
};

}  // namespace

std::string redactPostgresUrl(const std::string& url) {
  std::string out = url.substr(0, url.find('?'));
  const auto scheme = out.find("://");
  if (scheme == std::string::npos) return out;
  const auto at = out.find('@', scheme + 3);
  if (at == std::string::npos) return out;
  const auto colon = out.find(':', scheme + 3);
  if (colon != std::string::npos && colon < at) out.erase(colon, at - colon);
  return out;
}

std::unique_ptr<Database> openPostgresDatabase(const std::string& url) {
  auto db = std::make_unique<PgDatabase>(url);
  db->connection();  // fail fast when the server is unreachable
  return db;
}

}  // namespace dcmms::store
