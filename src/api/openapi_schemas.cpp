// JSON Schemas of the OpenAPI components that routes name (RouteInfo::requestSchema and
// responseSchema). Written as JSON text so they read like the document they produce.
#include <boost/json.hpp>

#include "api/openapi.h"

namespace dcmms::api {

namespace {

constexpr const char* kTelemetrySchemas = R"json({
  "TelemetryEvent": {
    "type": "object",
    "description": "One reading (02 §4). Unknown assets, sites that do not hold the asset and sites outside the caller's scope are rejected per element.",
    "required": ["timestamp", "site_id", "asset_id", "sensor_type", "value", "unit"],
    "properties": {
      "event_id": {"type": "string", "description": "optional; replays of the same (series, timestamp) are stored once"},
      "timestamp": {"oneOf": [{"type": "integer", "description": "epoch ms"}, {"type": "string", "format": "date-time"}]},
      "site_id": {"type": "string"}, "asset_id": {"type": "string"},
      "sensor_id": {"type": "string", "description": "default: the sensor type"},
      "sensor_type": {"type": "string", "description": "the metric, e.g. TEMPERATURE, active_power_kw"},
      "value": {"type": "number", "description": "finite; out of the type's plausible range is kept and flagged"},
      "unit": {"type": "string", "description": "normalised (W → kW, …)"},
      "quality_flag": {"type": "string", "enum": ["GOOD", "UNCERTAIN", "BAD", "SENSOR_FAULT", "OUT_OF_RANGE"]},
      "metadata": {"type": "object", "description": "kept per point, returned by raw queries"}
    }
  },
  "TelemetryEvents": {"oneOf": [{"type": "array", "items": {"$ref": "#/components/schemas/TelemetryEvent"}},
                                 {"$ref": "#/components/schemas/TelemetryEvent"}]},
  "SensorReading": {
    "type": "object",
    "description": "One reading, or several metrics of one sensor at one time (metrics: name → number or {value, unit, quality}).",
    "required": ["assetId", "timestamp"],
    "properties": {
      "siteId": {"type": "string"}, "assetId": {"type": "string"}, "sensorId": {"type": "string"},
      "metricName": {"type": "string"}, "timestamp": {"oneOf": [{"type": "integer"}, {"type": "string", "format": "date-time"}]},
      "value": {"type": "number"}, "unit": {"type": "string"},
      "quality": {"type": "string", "enum": ["GOOD", "UNCERTAIN", "BAD", "SENSOR_FAULT", "OUT_OF_RANGE"]},
      "metrics": {"type": "object", "additionalProperties": {"nullable": true, "oneOf": [{"type": "number"}, {"type": "object"}]}},
      "metadata": {"type": "object"}
    }
  },
  "SensorReadings": {"oneOf": [{"type": "array", "items": {"$ref": "#/components/schemas/SensorReading"}},
                                {"type": "object", "properties": {"readings": {"type": "array", "items": {"$ref": "#/components/schemas/SensorReading"}}}}]},
  "LineProtocol": {
    "type": "string",
    "description": "InfluxDB line protocol: measurement[,site=…,asset=…,sensor=…,unit=…,quality=…,tag=…] value=<number>[,field=…] [timestamp]; precision by ?precision=ns|us|ms|s (default ns); gzip with Content-Encoding. 204 when every line is stored; 400 names each bad line (the good ones are stored); 503 TELEMETRY_OVERLOADED with Retry-After beyond the ingest memory bound."
  },
  "Rejection": {
    "type": "object",
    "properties": {
      "index": {"type": "integer", "description": "element index (JSON, 0-based) or line number (1-based)"},
      "field": {"type": "string"},
      "code": {"type": "string", "enum": ["MALFORMED", "MISSING_FIELD", "INVALID_TYPE", "NON_FINITE_VALUE", "INVALID_TIMESTAMP",
                                          "TIMESTAMP_TOO_OLD", "TIMESTAMP_IN_FUTURE", "INVALID_QUALITY", "INVALID_TOPIC",
                                          "UNKNOWN_ASSET", "SITE_MISMATCH", "SITE_ACCESS_DENIED"]},
      "message": {"type": "string"}
    }
  },
  "IngestResult": {
    "type": "object",
    "required": ["batchId", "accepted", "duplicates", "rejected", "rejections"],
    "properties": {
      "batchId": {"type": "string"},
      "accepted": {"type": "integer", "description": "points stored (durable when the answer leaves)"},
      "duplicates": {"type": "integer", "description": "points already stored (same series and timestamp)"},
      "suppressed": {"type": "integer", "description": "points inside the deadband (only when one is configured)"},
      "rejected": {"type": "integer", "description": "elements rejected; each is kept as a dead letter"},
      "rejections": {"type": "array", "maxItems": 100, "items": {"$ref": "#/components/schemas/Rejection"}},
      "status": {"type": "string", "enum": ["completed"], "description": "bulk endpoint only"}
    }
  },
  "TelemetrySeries": {
    "type": "array",
    "description": "Raw rows {timestamp, timestampMs, siteId, assetId, sensorId, metric, unit, value, quality, outOfRange, metadata} or buckets {timestamp, avg, min, max, sum, count, stddev, stddevPopulation, first, last, goodCount, badCount, outOfRangeCount}; meta carries tableUsed, queryDurationMs, aggregation and nextCursor. ?format=csv answers text/csv.",
    "items": {"type": "object"}
  },
  "SensorReadingsPage": {"$ref": "#/components/schemas/TelemetrySeries"},
  "Latest": {"type": "array", "items": {"type": "object", "properties": {
    "siteId": {"type": "string"}, "assetId": {"type": "string"}, "sensorId": {"type": "string"}, "metric": {"type": "string"},
    "unit": {"type": "string"}, "timestamp": {"type": "string", "format": "date-time"}, "value": {"type": "number"},
    "quality": {"type": "string"}}}},
  "Stats": {"type": "object", "properties": {"assetId": {"type": "string"}, "series": {"type": "array", "items": {"type": "object"}},
                                              "store": {"type": "object"}}},
  "DeadLetters": {"type": "array", "items": {"type": "object", "properties": {
    "deadLetterId": {"type": "string"}, "receivedAt": {"type": "string", "format": "date-time"},
    "source": {"type": "string", "enum": ["http-json", "sensor-readings", "line-protocol", "mqtt"]},
    "index": {"type": "integer"}, "topic": {"type": "string"}, "precision": {"type": "string"}, "raw": {"type": "string"},
    "reasons": {"type": "array", "items": {"$ref": "#/components/schemas/Rejection"}},
    "replayedAt": {"type": "string", "format": "date-time", "nullable": true}}}}
})json";

}  // namespace

const boost::json::object& componentSchemas() {
  static const boost::json::object schemas = boost::json::parse(kTelemetrySchemas).as_object();
  return schemas;
}

}  // namespace dcmms::api
