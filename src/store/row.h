// One result row, as seen by a query callback. A Row is a view of the driver's current row: it
// is valid only during the callback, and so are string_views returned by text(). Each driver
// reuses one Row object for all rows of a query, so reading a row allocates nothing beyond the
// strings the caller copies out.
//
// Getters by index are 0-based. get*() on NULL yield 0, 0.0, "" or an empty blob; use opt*()
// for nullable columns. Columns are found by name case-insensitively (PostgreSQL folds unquoted
// identifiers to lower case, SQLite keeps the spelling of the query); a missing name throws SqlError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/sql_value.h"

namespace dcmms::store {

class Row {
 public:
  virtual ~Row() = default;

  virtual int columnCount() const = 0;
  virtual std::string_view columnName(int i) const = 0;
  virtual bool isNull(int i) const = 0;
  virtual int64_t getInt(int i) const = 0;
  virtual double getDouble(int i) const = 0;
  // The column as text; valid until the callback returns.
  virtual std::string_view text(int i) const = 0;
  virtual Blob getBlob(int i) const = 0;
  // The column with its natural type (integer, real, text, blob or NULL).
  virtual SqlValue value(int i) const = 0;

  std::string getString(int i) const { return std::string(text(i)); }
  bool getBool(int i) const { return getInt(i) != 0; }
  std::optional<std::string> optString(int i) const;
  std::optional<int64_t> optInt(int i) const;
  std::optional<double> optDouble(int i) const;

  // Index of the column named `name`; throws SqlError when there is none.
  int columnIndex(std::string_view name) const;
  // Index of the column named `name`, or -1.
  int findColumn(std::string_view name) const;

  bool isNull(std::string_view name) const { return isNull(columnIndex(name)); }
  int64_t getInt(std::string_view name) const { return getInt(columnIndex(name)); }
  double getDouble(std::string_view name) const { return getDouble(columnIndex(name)); }
  std::string_view text(std::string_view name) const { return text(columnIndex(name)); }
  std::string getString(std::string_view name) const { return getString(columnIndex(name)); }
  bool getBool(std::string_view name) const { return getBool(columnIndex(name)); }
  Blob getBlob(std::string_view name) const { return getBlob(columnIndex(name)); }
  SqlValue value(std::string_view name) const { return value(columnIndex(name)); }
  std::optional<std::string> optString(std::string_view name) const { return optString(columnIndex(name)); }
  std::optional<int64_t> optInt(std::string_view name) const { return optInt(columnIndex(name)); }
  std::optional<double> optDouble(std::string_view name) const { return optDouble(columnIndex(name)); }

 private:
  // Remembers recent name lookups by the address of the name (callers pass literals), so reading
  // 50 rows by name scans the column list once per name, not once per row. A hit is verified.
  struct NameHit {
    const char* name = nullptr;
    std::size_t size = 0;
    int index = -1;
  };
  mutable NameHit nameHits_[8];
  mutable unsigned nextNameHit_ = 0;
};

}  // namespace dcmms::store
