// Validation per 02 §6, shared by every ingest format: timestamp window, NaN/±Inf rejection,
// unit normalisation, per-type plausible ranges (out of range = kept and flagged) and quality
// spellings. A SeriesRule is resolved once per series; check() is the per-point hot path.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "telemetry/ingest/batch.h"
#include "telemetry/ingest/deadband.h"
#include "telemetry/ingest/sensor_types.h"
#include "telemetry/ingest/units.h"
#include "telemetry/point.h"

namespace dcmms::telemetry {

struct IngestPolicy {
  int64_t maxAgeMs = 7LL * 24 * 3600 * 1000;  // telemetry.maxAge (issue: default 7 days)
  int64_t maxFutureMs = 3600LL * 1000;        // telemetry.maxFuture (02 §6: now + 1 h)
  bool backfill = false;  // admin ?backfill=true: older points accepted, flagged kFlagBackfill
  // false: a unit already at canonical scale keeps the sender's spelling ("celsius" stays
  // "celsius", so round trips return the unit sent); true: always the canonical symbol ("°C").
  bool canonicalUnitSpelling = false;
  DeadbandConfig deadband;  // optional, off by default
};

// Everything a parser needs besides the bytes.
struct IngestContext {
  std::string tenantId;
  int64_t nowMs = 0;  // receive time: the window reference and the time of points sent without one
  IngestPolicy policy;
  const SensorRegistry* registry = nullptr;  // nullptr = SensorRegistry::builtin()
  // Resolves a missing siteId from the asset (optional; absent → the point is rejected).
  std::function<std::optional<std::string>(std::string_view assetId)> siteOfAsset;
};

struct QualityValue {
  Quality quality = Quality::good;
  uint8_t flags = kFlagNone;  // kFlagOutOfRange when the source itself says OUT_OF_RANGE
};

// Case-insensitive: GOOD/OK, UNCERTAIN/SUSPECT/WARNING, BAD, SENSOR_FAULT/FAULT, and
// OUT_OF_RANGE (→ good + kFlagOutOfRange). nullopt = unknown spelling.
std::optional<QualityValue> parseQuality(std::string_view text);
// Numeric OPC qualities: 0 and values above 255 as an OPC UA StatusCode (top two bits 00 good,
// 01 uncertain, else bad); 1..255 as OPC DA (≥192 good, 64..127 uncertain, else bad).
std::optional<QualityValue> qualityFromCode(int64_t code);

// How the points of one series are normalised and checked.
struct SeriesRule {
  std::string unit;  // the unit stored with the points
  UnitConversion conversion;
  bool ranged = false;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
};

class Validator {
 public:
  explicit Validator(const IngestContext& ctx);

  // metric: canonical metric name; unit: as sent ("" = none). An absent unit is taken from the
  // metric's suffix ("temperature_c" → °C). Ranges apply when the unit is absent or of the type's
  // dimension; an unknown unit is kept verbatim without range check.
  SeriesRule ruleFor(std::string_view metric, std::string_view unit) const;
  // The same, derived once per (metric, unit) for this validator's lifetime (one parse).
  const SeriesRule& rule(std::string_view metric, std::string_view unit) {
    ruleKey_.assign(metric);
    ruleKey_ += '\0';
    ruleKey_ += unit;
    auto it = rules_.find(ruleKey_);
    if (it == rules_.end()) it = rules_.emplace(ruleKey_, ruleFor(metric, unit)).first;
    return it->second;
  }

  // Normalises value in place and checks it; sets kFlagOutOfRange / kFlagBackfill in flags.
  // Returns the rejection reason, or nullopt when the point is accepted.
  std::optional<RejectCode> check(const SeriesRule& rule, double& value, int64_t timestampMs,
                                  uint8_t& flags) const {
    if (!std::isfinite(value)) return RejectCode::nonFiniteValue;
    if (timestampMs > newest_) return RejectCode::inFuture;
    if (timestampMs < oldest_) {
      if (!backfill_) return RejectCode::tooOld;
      flags |= kFlagBackfill;
    }
    if (!rule.conversion.identity()) {
      value = rule.conversion.apply(value);
      if (!std::isfinite(value)) return RejectCode::nonFiniteValue;
    }
    if (rule.ranged && (value < rule.min || value > rule.max)) flags |= kFlagOutOfRange;
    return std::nullopt;
  }

  // A human message for a rejection reason produced by check().
  std::string explain(RejectCode code, int64_t timestampMs) const;

  int64_t nowMs() const { return now_; }

 private:
  const SensorRegistry& registry_;
  IngestPolicy policy_;
  int64_t now_;
  int64_t oldest_;
  int64_t newest_;
  bool backfill_;
  std::unordered_map<std::string, SeriesRule> rules_;  // by metric '\0' unit
  std::string ruleKey_;
};

}  // namespace dcmms::telemetry
