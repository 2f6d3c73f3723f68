#include "telemetry/ingest/validate.h"

#include <array>
#include <cctype>

#include "core/time_format.h"

namespace dcmms::telemetry {
namespace {

struct QualitySpelling {
  std::string_view text;  // upper case
  QualityValue value;
};

constexpr std::array kQualities{
    QualitySpelling{"GOOD", {Quality::good, kFlagNone}},
    QualitySpelling{"OK", {Quality::good, kFlagNone}},
    QualitySpelling{"UNCERTAIN", {Quality::uncertain, kFlagNone}},
    QualitySpelling{"SUSPECT", {Quality::uncertain, kFlagNone}},
    QualitySpelling{"WARNING", {Quality::uncertain, kFlagNone}},
    QualitySpelling{"BAD", {Quality::bad, kFlagNone}},
    QualitySpelling{"SENSOR_FAULT", {Quality::sensor_fault, kFlagNone}},
    QualitySpelling{"FAULT", {Quality::sensor_fault, kFlagNone}},
    QualitySpelling{"OUT_OF_RANGE", {Quality::good, kFlagOutOfRange}},
};

int64_t saturatingAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) {
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return r;
}

std::string durationText(int64_t ms) {
  if (ms % (24 * 3600 * 1000LL) == 0) return std::to_string(ms / (24 * 3600 * 1000LL)) + " d";
  if (ms % (3600 * 1000LL) == 0) return std::to_string(ms / (3600 * 1000LL)) + " h";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

}  // namespace

std::optional<QualityValue> parseQuality(std::string_view text) {
  if (text.empty() || text.size() > 16) return std::nullopt;
  char buf[16];
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    buf[i] = c == '-' || c == ' ' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  const std::string_view upper(buf, text.size());
  for (const auto& q : kQualities) {
    if (q.text == upper) return q.value;
  }
  return std::nullopt;
}

std::optional<QualityValue> qualityFromCode(int64_t code) {
  if (code < 0 || code > 0xFFFFFFFFLL) return std::nullopt;
  if (code == 0) return QualityValue{Quality::good, kFlagNone};  // OPC UA StatusCode Good
  if (code <= 255) {
    if (code >= 192) return QualityValue{Quality::good, kFlagNone};
    if (code >= 64 && code < 128) return QualityValue{Quality::uncertain, kFlagNone};
    return QualityValue{Quality::bad, kFlagNone};
  }
  switch (code >> 30) {
    case 0: return QualityValue{Quality::good, kFlagNone};
    case 1: return QualityValue{Quality::uncertain, kFlagNone};
    default: return QualityValue{Quality::bad, kFlagNone};
  }
}

Validator::Validator(const IngestContext& ctx)
    : registry_(ctx.registry ? *ctx.registry : SensorRegistry::builtin()),
      policy_(ctx.policy),
      now_(ctx.nowMs),
      oldest_(saturatingAdd(ctx.nowMs, -std::max<int64_t>(0, ctx.policy.maxAgeMs))),
      newest_(saturatingAdd(ctx.nowMs, std::max<int64_t>(0, ctx.policy.maxFutureMs))),
      backfill_(ctx.policy.backfill) {}

SeriesRule Validator::ruleFor(std::string_view metric, std::string_view unit) const {
  const MetricResolution res = registry_.resolve(metric);
  SeriesRule rule;
  std::optional<UnitInfo> info = unit.empty() ? res.suffixUnit : lookupUnit(unit);
  bool rangeApplies = res.type && (res.type->min || res.type->max);
  if (info) {
    rule.conversion = info->toCanonical;
    const bool rename = unit.empty() || policy_.canonicalUnitSpelling || !info->toCanonical.identity();
    rule.unit = rename ? std::string(info->canonical) : std::string(unit);
    if (res.type && res.type->dimension != Dimension::none && res.type->dimension != info->dimension) {
      rangeApplies = false;  // e.g. a "temperature" metric sent in volts: nothing to compare
    }
  } else {
    rule.unit = std::string(unit);
    // An unknown unit on a dimensioned type cannot be compared with the range.
    if (!unit.empty() && res.type && res.type->dimension != Dimension::none) rangeApplies = false;
  }
  if (rangeApplies) {
    rule.ranged = true;
    if (res.type->min) rule.min = *res.type->min;
    if (res.type->max) rule.max = *res.type->max;
  }
  return rule;
}

std::string Validator::explain(RejectCode code, int64_t timestampMs) const {
  switch (code) {
    case RejectCode::nonFiniteValue: return "value is NaN or infinite";
    case RejectCode::tooOld:
      return "timestamp " + formatIso8601(timestampMs) + " is older than the max age of " +
             durationText(policy_.maxAgeMs) + " (admins may backfill with ?backfill=true)";
    case RejectCode::inFuture:
      return "timestamp " + formatIso8601(timestampMs) + " is more than " +
             durationText(policy_.maxFutureMs) + " in the future";
    default: return std::string(rejectCodeName(code));
  }
}

}  // namespace dcmms::telemetry
