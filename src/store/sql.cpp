#include "store/sql.h"

#include <iterator>

namespace dcmms::store {

namespace {
char asciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (asciiLower(a[i]) != asciiLower(b[i])) return false;
  }
  return true;
}
}  // namespace

// ---- Row ----

std::optional<std::string> Row::optString(int i) const {
  if (isNull(i)) return std::nullopt;
  return getString(i);
}

std::optional<int64_t> Row::optInt(int i) const {
  if (isNull(i)) return std::nullopt;
  return getInt(i);
}

std::optional<double> Row::optDouble(int i) const {
  if (isNull(i)) return std::nullopt;
  return getDouble(i);
}

int Row::findColumn(std::string_view name) const {
  for (const NameHit& hit : nameHits_) {
    if (hit.name == name.data() && hit.size == name.size() && hit.index >= 0 && hit.index < columnCount() &&
        equalsIgnoreCase(columnName(hit.index), name)) {
      return hit.index;
    }
  }
  const int n = columnCount();
  for (int i = 0; i < n; ++i) {
    if (equalsIgnoreCase(columnName(i), name)) {
      nameHits_[nextNameHit_++ % std::size(nameHits_)] = NameHit{name.data(), name.size(), i};
      return i;
    }
  }
  return -1;
}

int Row::columnIndex(std::string_view name) const {
  const int i = findColumn(name);
  if (i < 0) throw SqlError("no result column named '" + std::string(name) + "'");
  return i;
}

// ---- SqlConnection helpers ----

std::optional<int64_t> SqlConnection::queryInt(std::string_view sql, Params params) {
  auto v = queryOne(sql, params, [](const Row& r) { return r.optInt(0); });
  return v ? *v : std::nullopt;
}

std::optional<double> SqlConnection::queryDouble(std::string_view sql, Params params) {
  auto v = queryOne(sql, params, [](const Row& r) { return r.optDouble(0); });
  return v ? *v : std::nullopt;
}

std::optional<std::string> SqlConnection::queryString(std::string_view sql, Params params) {
  auto v = queryOne(sql, params, [](const Row& r) { return r.optString(0); });
  return v ? std::move(*v) : std::nullopt;
}

// ---- Transaction ----

Transaction::Transaction(SqlConnection& conn) : conn_(conn), owner_(!conn.inTransaction()) {
  if (owner_) conn_.begin();
}

Transaction::~Transaction() {
  if (!owner_ || done_) return;
  try {
    conn_.rollback();
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw; the
                   // connection is unusable anyway and the server discards the transaction.
  }
}

void Transaction::commit() {
  if (!owner_ || done_) return;
  conn_.commit();  // on failure the destructor rolls back whatever is still open
  done_ = true;
}

// ---- Database ----

SqlConnection& Database::connection() {
  const auto id = std::this_thread::get_id();
  std::lock_guard lock(mu_);
  auto it = perThread_.find(id);
  if (it != perThread_.end()) return *it->second;
  auto conn = createConnection();
  SqlConnection& ref = *conn;
  perThread_.emplace(id, std::move(conn));
  return ref;
}

void Database::releaseConnection() {
  std::unique_ptr<SqlConnection> conn;
  {
    std::lock_guard lock(mu_);
    auto it = perThread_.find(std::this_thread::get_id());
    if (it == perThread_.end()) return;
    conn = std::move(it->second);
    perThread_.erase(it);
  }
}

}  // namespace dcmms::store
