#include "telemetry/clickhouse/schema.h"

#include <charconv>

#include "core/time_format.h"

namespace dcmms::telemetry::clickhouse {

namespace {

constexpr int64_t kDayMs = 86'400'000;

// Partition keys go through DateTime (UInt32 seconds): clamp to [1970, 2100) so
// pre-epoch and far-future points land in the first/last partition instead of wrapping.
std::string utcDateTime(std::string_view col) {
  return "toDateTime(intDiv(least(greatest(" + std::string(col) + ", 0), 4102444799999), 1000), 'UTC')";
}

std::string rollupTable(const std::string& db, Resolution r) {
  const std::string t = tierTable(tierOf(r));
  return "CREATE TABLE IF NOT EXISTS " + db + "." + t +
         " (series_id UInt32, bucket Int64, cnt AggregateFunction(count), sum_v AggregateFunction(sum, Float64),"
         " sum_sq AggregateFunction(sum, Float64), min_v AggregateFunction(min, Float64),"
         " max_v AggregateFunction(max, Float64), first_v AggregateFunction(argMin, Float64, Int64),"
         " last_v AggregateFunction(argMax, Float64, Int64), first_ts AggregateFunction(min, Int64),"
         " last_ts AggregateFunction(max, Int64), good AggregateFunction(sum, UInt64),"
         " bad AggregateFunction(sum, UInt64), oor AggregateFunction(sum, UInt64))"
         " ENGINE = AggregatingMergeTree PARTITION BY toYYYYMM(" + utcDateTime("bucket") +
         ") ORDER BY (series_id, bucket)";
}

std::string rollupView(const std::string& db, Resolution r) {
  const std::string t = tierTable(tierOf(r));
  // Counts follow the engine (tsdb/rollup.h): good = quality 0, bad = bad or sensor_fault,
  // out of range = flag bit 0.
  return "CREATE MATERIALIZED VIEW IF NOT EXISTS " + db + "." + t + "_mv TO " + db + "." + t +
         " AS SELECT series_id, " + bucketExpr("ts", resolutionMs(r)) +
         " AS bucket, countState() AS cnt, sumState(value) AS sum_v, sumState(value * value) AS sum_sq,"
         " minState(value) AS min_v, maxState(value) AS max_v, argMinState(value, ts) AS first_v,"
         " argMaxState(value, ts) AS last_v, minState(ts) AS first_ts, maxState(ts) AS last_ts,"
         " sumState(toUInt64(quality = 0)) AS good, sumState(toUInt64(quality >= 2)) AS bad,"
         " sumState(toUInt64(bitAnd(flags, 1) != 0)) AS oor FROM " + db + ".raw GROUP BY series_id, bucket";
}

}  // namespace

bool validIdentifier(std::string_view name) {
  if (name.empty() || name.size() > 64 || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

std::string bucketExpr(std::string_view col, int64_t ms) {
  const std::string c(col), w = "toInt64(" + std::to_string(ms) + ")";
  return "(" + c + " - ((" + c + " % " + w + ") + " + w + ") % " + w + ")";
}

const char* tierTable(Tier t) {
  switch (t) {
    case Tier::raw: return "raw";
    case Tier::m1: return "rollup_1m";
    case Tier::m5: return "rollup_5m";
    case Tier::m15: return "rollup_15m";
    case Tier::h1: return "rollup_1h";
  }
  return "raw";
}

std::vector<std::string> schemaStatements(const std::string& db) {
  std::vector<std::string> s;
  s.push_back("CREATE TABLE IF NOT EXISTS " + db +
              ".series (id UInt32, tenant String, site String, asset String, sensor String, metric String,"
              " unit String) ENGINE = MergeTree ORDER BY id");
  s.push_back("CREATE TABLE IF NOT EXISTS " + db +
              ".raw (series_id UInt32, ts Int64, value Float64, quality UInt8, flags UInt8, metadata String)"
              " ENGINE = MergeTree PARTITION BY toYYYYMMDD(" + utcDateTime("ts") + ") ORDER BY (series_id, ts)");
  s.push_back("CREATE TABLE IF NOT EXISTS " + db +
              ".latest (series_id UInt32, last_ts AggregateFunction(max, Int64),"
              " last_value AggregateFunction(argMax, Float64, Int64),"
              " last_quality AggregateFunction(argMax, UInt8, Int64),"
              " last_flags AggregateFunction(argMax, UInt8, Int64)) ENGINE = AggregatingMergeTree ORDER BY series_id");
  s.push_back("CREATE MATERIALIZED VIEW IF NOT EXISTS " + db + ".latest_mv TO " + db +
              ".latest AS SELECT series_id, maxState(ts) AS last_ts, argMaxState(value, ts) AS last_value,"
              " argMaxState(quality, ts) AS last_quality, argMaxState(flags, ts) AS last_flags FROM " + db +
              ".raw GROUP BY series_id");
  for (Resolution r : {Resolution::m1, Resolution::m5, Resolution::m15, Resolution::h1}) {
    s.push_back(rollupTable(db, r));
    s.push_back(rollupView(db, r));
  }
  return s;
}

std::optional<std::pair<int64_t, int64_t>> partitionRange(Tier t, std::string_view p) {
  // system.parts shows the partition value, possibly quoted.
  while (!p.empty() && (p.front() == '\'' || p.front() == '(')) p.remove_prefix(1);
  while (!p.empty() && (p.back() == '\'' || p.back() == ')')) p.remove_suffix(1);
  const bool daily = t == Tier::raw;
  if (p.size() != (daily ? 8u : 6u)) return std::nullopt;
  int64_t v = 0;
  if (std::from_chars(p.data(), p.data() + p.size(), v).ec != std::errc()) return std::nullopt;
  const int64_t y = daily ? v / 10000 : v / 100;
  const auto m = static_cast<unsigned>(daily ? v / 100 % 100 : v % 100);
  const auto d = static_cast<unsigned>(daily ? v % 100 : 1);
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  const int64_t start = daysFromCivil(y, m, d) * kDayMs;
  const int64_t end = daily ? start + kDayMs
                            : daysFromCivil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) * kDayMs;
  return std::pair{start, end};
}

}  // namespace dcmms::telemetry::clickhouse
