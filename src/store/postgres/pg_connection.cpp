#include "store/postgres/pg_connection.h"

#include <charconv>
#include <cstdlib>
#include <limits>

#include "core/log.h"
#include "store/placeholders.h"

namespace dcmms::store {

namespace {

// Type OIDs from PostgreSQL's catalog/pg_type.h (stable across versions).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

// Beyond this many prepared statements the connection deallocates them all and starts over,
// which bounds server memory when callers build SQL dynamically.
constexpr std::size_t kMaxPrepared = 256;

class PgRow final : public Row {
 public:
  explicit PgRow(const PGresult* res) : res_(res) {}
  void setRow(int r) { row_ = r; }

  int columnCount() const override { return PQnfields(res_); }
  std::string_view columnName(int i) const override {
    const char* n = PQfname(res_, i);
    return n ? std::string_view(n) : std::string_view();
  }
  bool isNull(int i) const override {
    checkColumn(i);
    return PQgetisnull(res_, row_, i) != 0;
  }
  std::string_view text(int i) const override {
    checkColumn(i);
    return {PQgetvalue(res_, row_, i), static_cast<std::size_t>(PQgetlength(res_, row_, i))};
  }
  int64_t getInt(int i) const override {
    if (isNull(i)) return 0;
    const std::string_view t = text(i);
    if (PQftype(res_, i) == kBoolOid) return t == "t" ? 1 : 0;
    int64_t v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec == std::errc() && p == t.data() + t.size()) return v;
    return static_cast<int64_t>(parseDouble(i, t));  // numeric such as "12.0"
  }
  double getDouble(int i) const override {
    if (isNull(i)) return 0.0;
    return parseDouble(i, text(i));
  }
  Blob getBlob(int i) const override {
    if (isNull(i)) return {};
    if (PQftype(res_, i) != kByteaOid) {
      const std::string_view t = text(i);
      return Blob{{t.begin(), t.end()}};
    }
    std::size_t n = 0;
    unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(res_, row_, i)), &n);
    if (!bytes) throw SqlError("cannot decode bytea column '" + std::string(columnName(i)) + "'");
    Blob out{{bytes, bytes + n}};
    PQfreemem(bytes);
    return out;
  }
  SqlValue value(int i) const override {
    if (isNull(i)) return std::monostate{};
    switch (PQftype(res_, i)) {
      case kBoolOid:
      case kInt2Oid:
      case kInt4Oid:
      case kInt8Oid:
      case kOidOid: return getInt(i);
      case kFloat4Oid:
      case kFloat8Oid:
      case kNumericOid: return getDouble(i);
      case kByteaOid: return getBlob(i);
      default: return getString(i);
    }
  }

 private:
  void checkColumn(int i) const {
    if (i < 0 || i >= PQnfields(res_)) throw SqlError("result column index " + std::to_string(i) + " out of range");
  }
  double parseDouble(int i, std::string_view t) const {
    double v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec == std::errc() && p == t.data() + t.size()) return v;
    if (t == "Infinity") return std::numeric_limits<double>::infinity();
    if (t == "-Infinity") return -std::numeric_limits<double>::infinity();
    if (t == "NaN") return std::numeric_limits<double>::quiet_NaN();
    throw SqlError("result column '" + std::string(columnName(i)) + "' is not a number");
  }

  const PGresult* res_;
  int row_ = 0;
};

bool succeeded(const PGresult* res) {
  if (!res) return false;
  const auto st = PQresultStatus(res);
  return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Messages such as `invalid input syntax for type bigint: "…"` quote the value bound; replace
// every text parameter that appears in the message so secrets never reach logs.
std::string redactParams(std::string msg, Params params) {
  for (const SqlValue& v : params) {
    const auto* s = std::get_if<std::string>(&v);
    if (!s || s->size() < 3) continue;
    for (auto pos = msg.find(*s); pos != std::string::npos; pos = msg.find(*s, pos + 10)) {
      msg.replace(pos, s->size(), "<redacted>");
    }
  }
  return msg;
}

void ignoreNotice(void*, const char*) {}

bool isStalePlan(const PGresult* res) {
  const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  const char* msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
  return state && msg && std::string_view(state) == "0A000" && std::string_view(msg).find("cached plan") != std::string_view::npos;
}

}  // namespace

PgConnection::PgConnection(std::string url) : url_(std::move(url)) { connect(); }

void PgConnection::connect() {
  conn_.reset(PQconnectdb(url_.c_str()));
  prepared_.clear();
  if (!conn_) throw SqlError("cannot allocate a PostgreSQL connection");
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    throw SqlError("cannot connect to PostgreSQL: " + trimmed(PQerrorMessage(conn_.get())));
  }
  PQsetNoticeProcessor(conn_.get(), ignoreNotice, nullptr);  // "already exists, skipping" etc.
  if (PQsetClientEncoding(conn_.get(), "UTF8") != 0) throw SqlError("PostgreSQL: cannot set client encoding UTF8");
}

void PgConnection::throwError(const PGresult* res, Params params) const {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const char* constraint = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : nullptr;
  // Only the primary message: DETAIL lines quote key values ("Key (email)=(…) already exists").
  std::string msg = redactParams(primary ? primary : trimmed(PQerrorMessage(conn_.get())), params);
  std::string code = state ? state : "";
  std::string name = constraint ? constraint : "";
  if (code == "23505") throw UniqueViolation(msg, std::move(code), std::move(name));
  if (code == "23503") throw ForeignKeyViolation(msg, std::move(code), std::move(name));
  throw SqlError(msg, std::move(code), std::move(name));
}

template <typename Attempt>
PgConnection::ResultPtr PgConnection::withReconnect(Attempt attempt, Params params) {
  if (lostTransaction_) throw SqlError("connection lost inside a transaction; roll back first");
  if (PQstatus(conn_.get()) == CONNECTION_BAD) reconnect();  // broke earlier; nothing was open
  // Only a statement that would have run on its own may be retried: inside a transaction the
  // earlier statements died with the session.
  const bool idle = PQtransactionStatus(conn_.get()) == PQTRANS_IDLE;
  ResultPtr res = attempt();
  if (succeeded(res.get())) return res;
  if (PQstatus(conn_.get()) == CONNECTION_BAD) {
    if (!idle) {
      lostTransaction_ = true;
    } else {
      reconnect();
      res = attempt();
      if (succeeded(res.get())) return res;
    }
  }
  throwError(res.get(), params);
}

void PgConnection::reconnect() {
  log::warn("postgresql connection lost, reconnecting");
  connect();
}

PgConnection::ResultPtr PgConnection::executePrepared(std::string_view sql, Params params, bool retryingStalePlan) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    if (prepared_.size() >= kMaxPrepared) {
      ResultPtr r(PQexec(conn_.get(), "DEALLOCATE ALL"));
      if (!succeeded(r.get())) return r;
      prepared_.clear();
    }
    RewrittenSql rewritten = rewritePlaceholders(sql);
    Prepared p{"dcmms_" + std::to_string(++nextStatementId_), rewritten.placeholders};
    ResultPtr r(PQprepare(conn_.get(), p.name.c_str(), rewritten.text.c_str(), 0, nullptr));
    if (!succeeded(r.get())) return r;
    it = prepared_.emplace(std::string(sql), std::move(p)).first;
  }
  const Prepared& p = it->second;
  if (p.placeholders != static_cast<int>(params.size())) {
    throw SqlError("statement has " + std::to_string(p.placeholders) + " parameters, " +
                   std::to_string(params.size()) + " given");
  }

  const std::size_t n = params.size();
  values_.assign(n, nullptr);
  lengths_.assign(n, 0);
  formats_.assign(n, 0);
  numbers_.clear();
  numberOffsets_.assign(n, std::string::npos);
  static const char kEmpty = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const SqlValue& v = params[i];
    if (const auto* s = std::get_if<std::string>(&v)) {
      values_[i] = s->c_str();
    } else if (const auto* b = std::get_if<Blob>(&v)) {
      values_[i] = b->bytes.empty() ? &kEmpty : reinterpret_cast<const char*>(b->bytes.data());
      lengths_[i] = static_cast<int>(b->bytes.size());
      formats_[i] = 1;  // binary: bytea without escaping
    } else if (!std::holds_alternative<std::monostate>(v)) {
      char buf[32];
      auto [end, ec] = std::holds_alternative<int64_t>(v) ? std::to_chars(buf, buf + sizeof buf, std::get<int64_t>(v))
                                                          : std::to_chars(buf, buf + sizeof buf, std::get<double>(v));
      (void)ec;  // 32 bytes hold any int64 or shortest double
      numberOffsets_[i] = numbers_.size();
      numbers_.append(buf, end);
      numbers_.push_back('\0');
    }
  }
  for (std::size_t i = 0; i < n; ++i) {  // numbers_ no longer grows: its pointers are stable now
    if (numberOffsets_[i] != std::string::npos) values_[i] = numbers_.data() + numberOffsets_[i];
  }
  ResultPtr res(PQexecPrepared(conn_.get(), p.name.c_str(), static_cast<int>(n), values_.data(), lengths_.data(),
                               formats_.data(), 0));
  if (!succeeded(res.get()) && isStalePlan(res.get())) {
    // The schema changed under the prepared statement ("cached plan must not change result
    // type", e.g. SELECT * after ALTER TABLE). Forget it; re-prepare and retry once when no
    // transaction was aborted by the failure.
    prepared_.erase(it);  // the server-side statement is freed with the session
    if (!retryingStalePlan && PQtransactionStatus(conn_.get()) == PQTRANS_IDLE) {
      return executePrepared(sql, params, true);
    }
  }
  return res;
}

int64_t PgConnection::exec(std::string_view sql, Params params) {
  ResultPtr res = withReconnect([&] { return executePrepared(sql, params); }, params);
  const char* tuples = PQcmdTuples(res.get());
  return (tuples && *tuples) ? std::strtoll(tuples, nullptr, 10) : 0;
}

void PgConnection::query(std::string_view sql, Params params, RowCallback fn) {
  ResultPtr res = withReconnect([&] { return executePrepared(sql, params); }, params);
  PgRow row(res.get());
  const int rows = PQntuples(res.get());
  for (int r = 0; r < rows; ++r) {
    row.setRow(r);
    fn(row);
  }
}

PgConnection::ResultPtr PgConnection::simple(const char* sql) {
  return withReconnect([&] { return ResultPtr(PQexec(conn_.get(), sql)); }, {});
}

void PgConnection::execScript(std::string_view sql) {
  const std::string text(sql);
  simple(text.c_str());
}

void PgConnection::begin() {
  if (inTransaction()) throw SqlError("a transaction is already open on this connection");
  simple("BEGIN");
}

void PgConnection::commit() {
  if (lostTransaction_) {
    lostTransaction_ = false;
    throw SqlError("connection lost inside a transaction; it was rolled back");
  }
  const auto st = PQtransactionStatus(conn_.get());
  if (st == PQTRANS_IDLE) throw SqlError("no transaction is open on this connection");
  if (st == PQTRANS_INERROR) {
    // COMMIT would silently roll back; make the failure visible instead.
    ResultPtr r(PQexec(conn_.get(), "ROLLBACK"));
    throw SqlError("transaction aborted by an earlier error; rolled back");
  }
  simple("COMMIT");
}

void PgConnection::rollback() {
  if (lostTransaction_) {  // the server discarded it with the session
    lostTransaction_ = false;
    return;
  }
  const auto st = PQtransactionStatus(conn_.get());
  if (st == PQTRANS_INTRANS || st == PQTRANS_INERROR) simple("ROLLBACK");
}

bool PgConnection::inTransaction() const {
  if (lostTransaction_) return true;
  const auto st = PQtransactionStatus(conn_.get());
  return st == PQTRANS_INTRANS || st == PQTRANS_INERROR || st == PQTRANS_ACTIVE;
}

}  // namespace dcmms::store
