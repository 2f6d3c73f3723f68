// Shared fixtures for the ingest tests.
#pragma once

#include <string>

#include "telemetry/ingest/batch.h"
#include "telemetry/ingest/validate.h"

namespace dcmms::telemetry::testing {

inline constexpr int64_t kNow = 1764118923456;  // 2025-11-26T01:02:03.456Z
inline constexpr int64_t kHour = 3600 * 1000LL;

inline IngestContext context(IngestPolicy policy = {}) {
  IngestContext ctx;
  ctx.tenantId = "t1";
  ctx.nowMs = kNow;
  ctx.policy = policy;
  return ctx;
}

inline std::string codes(const ParsedBatch& b) {
  std::string s;
  for (const auto& r : b.rejections()) {
    if (!s.empty()) s += ' ';
    s += std::to_string(r.index) + ":" + std::string(rejectCodeName(r.code));
    if (!r.field.empty()) s += "(" + r.field + ")";
  }
  return s;
}

}  // namespace dcmms::telemetry::testing
