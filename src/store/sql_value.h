// Values bound to and read from SQL statements, and the parameter list passed to a statement.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace dcmms::store {

// Raw bytes: SQLite BLOB, PostgreSQL BYTEA.
struct Blob {
  std::vector<std::uint8_t> bytes;
  bool operator==(const Blob&) const = default;
};

// std::monostate is SQL NULL. Integers of any width below 64 bits and bool convert to int64_t;
// string literals and std::string to std::string. Unsigned 64-bit values need an explicit cast.
using SqlValue = std::variant<std::monostate, int64_t, double, std::string, Blob>;

// NULL when the optional is empty.
template <typename T>
SqlValue nullable(const std::optional<T>& v) {
  if (!v) return std::monostate{};
  return SqlValue(*v);
}

// A non-owning view of the parameters of one statement execution, bound in order to the `?`
// placeholders. Built from a braced list `{id, "name", 2.5}`, a vector or a span; the values must
// outlive the call (a braced list lives until the end of the full expression, which suffices;
// never keep a Params built from a braced list in a variable — keep a vector instead).
class Params {
 public:
  Params() = default;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winit-list-lifetime"  // a view by design, see above
  Params(std::initializer_list<SqlValue> list) : data_(list.begin()), size_(list.size()) {}
#pragma GCC diagnostic pop
  Params(const std::vector<SqlValue>& v) : data_(v.data()), size_(v.size()) {}  // NOLINT
  Params(std::span<const SqlValue> s) : data_(s.data()), size_(s.size()) {}      // NOLINT

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const SqlValue& operator[](std::size_t i) const { return data_[i]; }
  const SqlValue* begin() const { return data_; }
  const SqlValue* end() const { return data_ + size_; }

 private:
  const SqlValue* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace dcmms::store
