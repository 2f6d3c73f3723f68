// Test support for the TelemetryStore contract suite: a fresh, isolated store per test on
// either implementation. tsdb: a new temp dir. clickhouse: a new database on a throw-away
// clickhouse-server started once per test binary by scripts/start-clickhouse.sh (or the
// server named by DCMMS_CH_URL).
#pragma once

#include <memory>
#include <string>

#include "telemetry/store.h"

namespace dcmms::telemetry::testing {

class StoreBackend {
 public:
  // kind: "tsdb" or "clickhouse". Throws if the backend cannot be set up.
  explicit StoreBackend(std::string kind);
  ~StoreBackend();
  StoreBackend(const StoreBackend&) = delete;
  StoreBackend& operator=(const StoreBackend&) = delete;

  // Opens a store over this backend's storage (the same data on every call, like a restart).
  std::unique_ptr<TelemetryStore> open(const RetentionPolicy& retention = {}) const;

 private:
  std::string kind_;
  std::string dir_;       // tsdb data dir
  std::string database_;  // clickhouse database
};

}  // namespace dcmms::telemetry::testing
