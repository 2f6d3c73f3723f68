#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "telemetry/tsdb/env.h"

namespace dcmms::telemetry::tsdb {
namespace {

Error errnoError(const std::string& what, const std::string& path) {
  return ioError(what + " " + path + ": " + std::strerror(errno));
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) { buf_.reserve(kBuf); }
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }
  Status append(std::string_view data) override {
    size_ += data.size();
    if (buf_.size() + data.size() <= kBuf) {
      buf_.append(data);
      return Ok{};
    }
    if (auto s = flushBuffer(); !s) return s;
    if (data.size() >= kBuf) return writeAll(data);
    buf_.append(data);
    return Ok{};
  }
  Status flush() override { return flushBuffer(); }
  Status sync() override {
    if (auto s = flushBuffer(); !s) return s;
    if (::fdatasync(fd_) != 0) return errnoError("fdatasync", path_);
    return Ok{};
  }
  Status close() override {
    auto s = flushBuffer();
    if (fd_ >= 0 && ::close(fd_) != 0 && s) s = errnoError("close", path_);
    fd_ = -1;
    return s;
  }
  uint64_t size() const override { return size_; }

 private:
  static constexpr size_t kBuf = 64 * 1024;
  Status flushBuffer() {
    if (buf_.empty()) return Ok{};
    auto s = writeAll(buf_);
    buf_.clear();
    return s;
  }
  Status writeAll(std::string_view d) {
    while (!d.empty()) {
      const ssize_t n = ::write(fd_, d.data(), d.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return errnoError("write", path_);
      }
      d.remove_prefix(static_cast<size_t>(n));
    }
    return Ok{};
  }
  std::string path_;
  int fd_;
  std::string buf_;
  uint64_t size_ = 0;
};

class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(std::string path, int fd, uint64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixRandomAccessFile() override { ::close(fd_); }
  Status read(uint64_t offset, size_t n, char* dst) const override {
    while (n > 0) {
      const ssize_t r = ::pread(fd_, dst, n, static_cast<off_t>(offset));
      if (r < 0) {
        if (errno == EINTR) continue;
        return errnoError("pread", path_);
      }
      if (r == 0) return ioError("short read " + path_);
      dst += r;
      n -= static_cast<size_t>(r);
      offset += static_cast<uint64_t>(r);
    }
    return Ok{};
  }
  uint64_t size() const override { return size_; }

 private:
  std::string path_;
  int fd_;
  uint64_t size_;
};

class PosixEnv final : public Env {
 public:
  Result<std::unique_ptr<WritableFile>> newWritableFile(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return errnoError("open", path);
    return std::unique_ptr<WritableFile>(std::make_unique<PosixWritableFile>(path, fd));
  }
  Result<std::unique_ptr<RandomAccessFile>> newRandomAccessFile(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errnoError("open", path);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      return errnoError("fstat", path);
    }
    return std::unique_ptr<RandomAccessFile>(
        std::make_unique<PosixRandomAccessFile>(path, fd, static_cast<uint64_t>(st.st_size)));
  }
  Result<std::string> readFile(const std::string& path) override {
    auto f = newRandomAccessFile(path);
    if (!f) return f.error();
    std::string out(f.value()->size(), '\0');
    if (auto s = f.value()->read(0, out.size(), out.data()); !s) return s.error();
    return out;
  }
  Status createDirs(const std::string& path) override {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) return ioError("mkdir " + path + ": " + ec.message());
    return Ok{};
  }
  Result<std::vector<std::string>> listDir(const std::string& path) override {
    DIR* d = ::opendir(path.c_str());
    if (!d) return errnoError("opendir", path);
    std::vector<std::string> names;
    while (const dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(std::move(n));
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
  }
  bool exists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }
  Status rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return errnoError("rename", from);
    return Ok{};
  }
  Status removeFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return errnoError("unlink", path);
    return Ok{};
  }
  Status removeAll(const std::string& path) override {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    if (ec) return ioError("remove " + path + ": " + ec.message());
    return Ok{};
  }
  Status syncDir(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errnoError("open dir", path);
    const int r = ::fsync(fd);
    ::close(fd);
    if (r != 0) return errnoError("fsync dir", path);
    return Ok{};
  }
  Result<uint64_t> fileSize(const std::string& path) override {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return errnoError("stat", path);
    return static_cast<uint64_t>(st.st_size);
  }
  Status truncate(const std::string& path, uint64_t size) override {
    if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0) return errnoError("truncate", path);
    return Ok{};
  }
};

}  // namespace

Env& posixEnv() {
  static PosixEnv env;  // stateless
  return env;
}

Status writeFileAtomic(Env& env, const std::string& path, std::string_view data) {
  const std::string tmp = path + ".tmp";
  auto f = env.newWritableFile(tmp);
  if (!f) return f.error();
  auto& file = *f.value();
  if (auto s = file.append(data); !s) return s;
  if (auto s = file.sync(); !s) return s;
  if (auto s = file.close(); !s) return s;
  if (auto s = env.rename(tmp, path); !s) return s;
  const auto slash = path.find_last_of('/');
  return env.syncDir(slash == std::string::npos ? "." : path.substr(0, slash));
}

}  // namespace dcmms::telemetry::tsdb
