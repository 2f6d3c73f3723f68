// Errors as values at module edges. An Error carries the API error code of 01 §3,
// the HTTP status it maps to, a human message and per-field details.
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace dcmms {

struct FieldError {
  std::string field;
  std::string message;
  std::string code;
};

struct Error {
  int httpStatus = 500;
  std::string code = "INTERNAL_SERVER_ERROR";
  std::string message;
  std::vector<FieldError> details;

  static Error validation(std::string field, std::string code, std::string message) {
    return Error{400, "VALIDATION_ERROR", "Request validation failed",
                 {{std::move(field), std::move(message), std::move(code)}}};
  }
  static Error notFound(const std::string& what) {
    return Error{404, "RESOURCE_NOT_FOUND", what + " not found", {}};
  }
  static Error forbidden(std::string message, std::string code = "AUTHZ_INSUFFICIENT_PERMISSIONS") {
    return Error{403, std::move(code), std::move(message), {}};
  }
  static Error business(std::string code, std::string message, std::vector<FieldError> details = {}) {
    return Error{422, std::move(code), std::move(message), std::move(details)};
  }
  static Error conflict(std::string code, std::string message) {
    return Error{409, std::move(code), std::move(message), {}};
  }
  static Error internal(std::string message) {
    return Error{500, "INTERNAL_SERVER_ERROR", std::move(message), {}};
  }
};

// Thrown by services and caught in one place (the HTTP dispatcher), which renders the
// error envelope. Use Result<T> where the caller is expected to branch on failure.
class ApiException : public std::exception {
 public:
  explicit ApiException(Error e) : error_(std::move(e)) {}
  const Error& error() const noexcept { return error_; }
  const char* what() const noexcept override { return error_.message.c_str(); }

 private:
  Error error_;
};

[[noreturn]] inline void fail(Error e) { throw ApiException(std::move(e)); }

template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}        // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  const Error& error() const { return std::get<1>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  // Throws the error as ApiException when not ok.
  T& orThrow() {
    if (!ok()) fail(error());
    return value();
  }

 private:
  std::variant<T, Error> v_;
};

}  // namespace dcmms
