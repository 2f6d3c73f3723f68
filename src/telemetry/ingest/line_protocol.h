// InfluxDB line protocol, as Telegraf and InfluxDB clients send it to POST /api/v1/write:
//
//   measurement[,tag=value...] field=value[,field=value...] [timestamp]
//
// Mapping: measurement = sensor type or metric name; tags site|site_id|siteId,
// asset|asset_id|assetId, sensor|sensor_id|sensorId, plus optional unit and quality|quality_flag;
// every other tag is kept as per-point metadata. Field "value" is the metric named by the
// measurement; every other numeric field is a further metric of the same sensor (metric = field
// key). The unit tag is the unit of the "value" field; other fields take the unit their name's
// suffix names ("temperature_c" → °C, "active_power_kw" → kW) or none. Integers (1i),
// unsigned (1u) and floats become doubles; booleans (t/true/f/false in any of Influx's
// spellings) become 1/0. Quoted string fields are kept as metadata, except a string field
// "quality", which sets the quality of the line's points. Without a sensor tag the sensor id is
// the measurement (canonical form). Metric names are stored in canonicalMetricName form. Timestamps use the request precision (default ns) and are truncated to
// milliseconds; a missing timestamp means the receive time (IngestContext::nowMs).
//
// Escapes: "\," and "\ " in measurements; "\,", "\=" and "\ " in tag keys, tag values and field
// keys; "\"" and "\\" in string fields; "\\" is a literal backslash everywhere. Blank lines and
// lines starting with '#' are skipped; CRLF line ends are accepted. A newline inside a quoted
// string field is not supported (lines are split on every '\n').
//
// Hot path: string_views into the body, one tag-set lookup per distinct series text (in the
// tenant's LineSeriesCache across requests), no heap allocation per point. A bad line becomes a Rejection (1-based line number, reason, the
// line's text) and never stops the lines after it.
#pragma once

#include <optional>
#include <string_view>

#include "telemetry/ingest/batch.h"
#include "telemetry/ingest/line_series_cache.h"
#include "telemetry/ingest/validate.h"

namespace dcmms::telemetry {

enum class Precision : uint8_t { ns, us, ms, s };

// "ns", "us", "ms", "s" (also Influx 1.x "n", "u", "µs"); "" = ns. nullopt = unknown.
std::optional<Precision> parsePrecision(std::string_view text);
std::string_view precisionName(Precision p);

// cache: the tenant's LineSeriesCache (null: the parse keeps its own for this body).
ParsedBatch parseLineProtocol(std::string_view body, Precision precision, const IngestContext& ctx,
                              LineSeriesCache* cache = nullptr);

}  // namespace dcmms::telemetry
