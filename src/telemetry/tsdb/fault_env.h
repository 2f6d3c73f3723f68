// FaultInjectionEnv: wraps another Env for tests. It can fail the N-th sync or write from
// now on (and every later one: a failed fsync leaves the file state unknown), and it tracks
// how much of every file written through it was synced so that dropUnsyncedData() can
// simulate a power loss by truncating each file to its last synced length.
// Thread-safe.
#pragma once

#include <atomic>
#include <map>
#include <mutex>

#include "telemetry/tsdb/env.h"

namespace dcmms::telemetry::tsdb {

class FaultInjectionEnv final : public Env {
 public:
  explicit FaultInjectionEnv(Env& base) : base_(base) {}

  // The n-th following sync (1 = the next one) and all after it fail. -1 disables.
  void failSyncAfter(int n) { syncCountdown_.store(n); }
  void failWriteAfter(int n) { writeCountdown_.store(n); }
  void heal() {
    syncCountdown_.store(-1);
    writeCountdown_.store(-1);
  }
  uint64_t syncCount() const { return syncs_.load(); }
  // Truncates every file written through this env to its last synced size.
  Status dropUnsyncedData();

  Result<std::unique_ptr<WritableFile>> newWritableFile(const std::string& path) override;
  Result<std::unique_ptr<RandomAccessFile>> newRandomAccessFile(const std::string& path) override {
    return base_.newRandomAccessFile(path);
  }
  Result<std::string> readFile(const std::string& path) override { return base_.readFile(path); }
  Status createDirs(const std::string& path) override { return base_.createDirs(path); }
  Result<std::vector<std::string>> listDir(const std::string& path) override { return base_.listDir(path); }
  bool exists(const std::string& path) override { return base_.exists(path); }
  Status rename(const std::string& from, const std::string& to) override;
  Status removeFile(const std::string& path) override;
  Status removeAll(const std::string& path) override { return base_.removeAll(path); }
  Status syncDir(const std::string& path) override { return base_.syncDir(path); }
  Result<uint64_t> fileSize(const std::string& path) override { return base_.fileSize(path); }
  Status truncate(const std::string& path, uint64_t size) override { return base_.truncate(path, size); }

  // Used by the wrapped files.
  bool shouldFail(std::atomic<int>& countdown);
  bool syncShouldFail() {
    syncs_.fetch_add(1);
    return shouldFail(syncCountdown_);
  }
  bool writeShouldFail() { return shouldFail(writeCountdown_); }
  void recordSynced(const std::string& path, uint64_t size);

 private:
  Env& base_;
  std::atomic<int> syncCountdown_{-1};
  std::atomic<int> writeCountdown_{-1};
  std::atomic<uint64_t> syncs_{0};
  std::mutex mu_;
  std::map<std::string, uint64_t> synced_;  // path -> durable length
};

}  // namespace dcmms::telemetry::tsdb
