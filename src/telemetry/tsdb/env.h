// Env: every file-system operation of the engine goes through this interface so tests can
// substitute a fault-injecting implementation (fault_env.h). Implementations are
// thread-safe; a single WritableFile is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "telemetry/store.h"

namespace dcmms::telemetry::tsdb {

inline Error ioError(std::string message) { return Error{503, "TSDB_IO_ERROR", std::move(message), {}}; }
inline Error corruption(std::string message) { return Error{500, "TSDB_CORRUPTION", std::move(message), {}}; }

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status append(std::string_view data) = 0;
  // Flushes buffered bytes and makes them durable (fdatasync).
  virtual Status sync() = 0;
  // Flushes buffered bytes to the OS without making them durable.
  virtual Status flush() = 0;
  virtual Status close() = 0;
  virtual uint64_t size() const = 0;
};

class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads exactly n bytes at offset into dst.
  virtual Status read(uint64_t offset, size_t n, char* dst) const = 0;
  virtual uint64_t size() const = 0;
};

class Env {
 public:
  virtual ~Env() = default;
  // Creates or truncates.
  virtual Result<std::unique_ptr<WritableFile>> newWritableFile(const std::string& path) = 0;
  virtual Result<std::unique_ptr<RandomAccessFile>> newRandomAccessFile(const std::string& path) = 0;
  virtual Result<std::string> readFile(const std::string& path) = 0;
  virtual Status createDirs(const std::string& path) = 0;
  // Names (not paths) of the entries of a directory, sorted.
  virtual Result<std::vector<std::string>> listDir(const std::string& path) = 0;
  virtual bool exists(const std::string& path) = 0;
  virtual Status rename(const std::string& from, const std::string& to) = 0;
  virtual Status removeFile(const std::string& path) = 0;
  virtual Status removeAll(const std::string& path) = 0;
  virtual Status syncDir(const std::string& path) = 0;
  virtual Result<uint64_t> fileSize(const std::string& path) = 0;
  virtual Status truncate(const std::string& path, uint64_t size) = 0;
};

// The process-wide POSIX implementation (stateless).
Env& posixEnv();

// Writes data to path atomically: temp file, fsync, rename, fsync of the directory.
Status writeFileAtomic(Env& env, const std::string& path, std::string_view data);

}  // namespace dcmms::telemetry::tsdb
