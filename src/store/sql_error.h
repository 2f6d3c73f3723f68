// Exceptions thrown by the SQL layer. Messages carry the driver's message only, never parameter
// values (they may hold secrets); sqlState() uses PostgreSQL SQLSTATE codes on both drivers for
// the constraint classes repositories map (23505 unique, 23503 foreign key).
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace dcmms::store {

class SqlError : public std::runtime_error {
 public:
  explicit SqlError(const std::string& message, std::string sqlState = {}, std::string constraint = {})
      : std::runtime_error(message), sqlState_(std::move(sqlState)), constraint_(std::move(constraint)) {}
  // Five-character SQLSTATE when known, else empty.
  const std::string& sqlState() const noexcept { return sqlState_; }
  // The violated constraint: PostgreSQL's constraint name, SQLite's "table.column" list.
  const std::string& constraint() const noexcept { return constraint_; }

 private:
  std::string sqlState_;
  std::string constraint_;
};

// A UNIQUE or PRIMARY KEY constraint rejected the write; repositories map it to 409.
class UniqueViolation : public SqlError {
 public:
  using SqlError::SqlError;
};

// A FOREIGN KEY constraint rejected the write (missing parent, or a delete of a referenced row).
class ForeignKeyViolation : public SqlError {
 public:
  using SqlError::SqlError;
};

}  // namespace dcmms::store
