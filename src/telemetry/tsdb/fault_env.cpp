#include "telemetry/tsdb/fault_env.h"

namespace dcmms::telemetry::tsdb {
namespace {

class FaultWritableFile final : public WritableFile {
 public:
  FaultWritableFile(FaultInjectionEnv& env, std::string path, std::unique_ptr<WritableFile> base)
      : env_(env), path_(std::move(path)), base_(std::move(base)) {}
  Status append(std::string_view data) override {
    if (env_.writeShouldFail()) return ioError("injected write failure " + path_);
    return base_->append(data);
  }
  Status flush() override { return base_->flush(); }
  Status sync() override {
    if (env_.syncShouldFail()) {
      (void)base_->flush();  // bytes reach the OS but are not known durable
      return ioError("injected fsync failure " + path_);
    }
    auto s = base_->sync();
    if (s) env_.recordSynced(path_, base_->size());
    return s;
  }
  Status close() override { return base_->close(); }
  uint64_t size() const override { return base_->size(); }

 private:
  FaultInjectionEnv& env_;
  std::string path_;
  std::unique_ptr<WritableFile> base_;
};

}  // namespace

bool FaultInjectionEnv::shouldFail(std::atomic<int>& countdown) {
  int c = countdown.load();
  while (c > 0) {
    if (countdown.compare_exchange_weak(c, c - 1)) return c == 1;
  }
  return c == 0;
}

void FaultInjectionEnv::recordSynced(const std::string& path, uint64_t size) {
  std::lock_guard l(mu_);
  synced_[path] = size;
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::newWritableFile(const std::string& path) {
  auto f = base_.newWritableFile(path);
  if (!f) return f.error();
  {
    std::lock_guard l(mu_);
    synced_[path] = 0;
  }
  return std::unique_ptr<WritableFile>(std::make_unique<FaultWritableFile>(*this, path, std::move(f.value())));
}

Status FaultInjectionEnv::rename(const std::string& from, const std::string& to) {
  auto s = base_.rename(from, to);
  if (s) {
    std::lock_guard l(mu_);
    if (auto it = synced_.find(from); it != synced_.end()) {
      synced_[to] = it->second;
      synced_.erase(it);
    }
  }
  return s;
}

Status FaultInjectionEnv::removeFile(const std::string& path) {
  {
    std::lock_guard l(mu_);
    synced_.erase(path);
  }
  return base_.removeFile(path);
}

Status FaultInjectionEnv::dropUnsyncedData() {
  std::lock_guard l(mu_);
  for (const auto& [path, size] : synced_) {
    if (!base_.exists(path)) continue;
    if (auto s = base_.truncate(path, size); !s) return s;
  }
  return Ok{};
}

}  // namespace dcmms::telemetry::tsdb
