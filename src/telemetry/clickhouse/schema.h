// The ClickHouse schema of the telemetry store (see docs/decisions.md §ClickHouse adapter):
//   series            catalogue, ids assigned by the adapter (MergeTree ORDER BY id)
//   raw               MergeTree PARTITION BY UTC day ORDER BY (series_id, ts)
//   rollup_{1m,5m,15m,1h}  AggregatingMergeTree PARTITION BY UTC month ORDER BY (series_id, bucket),
//                     fed by materialized views on raw (one partial state per insert block)
//   latest            AggregatingMergeTree ORDER BY series_id (argMax by ts), fed by a view
// Written for ClickHouse 18.16: no DateTime64, no codecs, no SimpleAggregateFunction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/store.h"

namespace dcmms::telemetry::clickhouse {

// Timestamps the adapter stores: |ts| <= 2^62 ms, like the embedded engine.
inline constexpr int64_t kMaxTimestamp = int64_t{1} << 62;

// A database name usable unquoted: [A-Za-z_][A-Za-z0-9_]*.
bool validIdentifier(std::string_view name);

// Statements creating every table and view in `db` (idempotent: IF NOT EXISTS).
std::vector<std::string> schemaStatements(const std::string& db);

// Table holding a tier ("raw", "rollup_1m", …).
const char* tierTable(Tier t);

// Time range [start, end) in epoch ms covered by a partition of the tier's table, parsed
// from its partition value ("20240101" for raw, "202401" for roll-ups).
std::optional<std::pair<int64_t, int64_t>> partitionRange(Tier t, std::string_view partition);

// SQL for the calendar-aligned bucket start of `col` at width `ms` (floor, also below 0).
std::string bucketExpr(std::string_view col, int64_t ms);

}  // namespace dcmms::telemetry::clickhouse
