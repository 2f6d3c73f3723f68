#include "api/routes.h"
#include "core/json_util.h"
#include "core/time_format.h"
#include "telemetry/ingest/body_codec.h"

namespace dcmms::api {

namespace {

bool flag(const http::Request& req, std::string_view name) {
  auto v = req.queryParam(name);
  return v && (*v == "true" || *v == "1");
}

std::string firstParam(const http::Request& req, std::initializer_list<std::string_view> names) {
  for (auto n : names)
    if (auto v = req.queryParam(n)) return *v;
  return {};
}

// The body, decompressed when Content-Encoding says so (gzip/deflate; bounded), holding its
// share of the ingest memory budget while the request runs: parsing builds about twice the text
// in rows and series, so a body counts three times its size (its decoded text once more).
struct AdmittedBody {
  ByteBudget::Permit received;
  std::optional<ByteBudget::Permit> inflated;
  telemetry::DecodedBody body;
  std::string_view view() const { return body.view(); }
};

[[noreturn]] void overloaded() {
  fail(Error{503, "TELEMETRY_OVERLOADED", "Telemetry ingest is at its memory bound; retry shortly", {}});
}

AdmittedBody decoded(ApiCall& call) {
  const auto& req = call.req;
  auto received = call.app.ingestBudget.tryAcquire(req.body.size() * 3);
  if (!received) overloaded();
  auto body = telemetry::decodeBody(req.body, req.header("Content-Encoding"), 64u << 20);
  if (!body.ok()) fail(body.error());
  std::optional<ByteBudget::Permit> inflated;
  if (body->view().data() != req.body.data()) {
    inflated = call.app.ingestBudget.tryAcquire(body->view().size() * 3);
    if (!inflated) overloaded();
  }
  return AdmittedBody{std::move(*received), std::move(inflated), std::move(body.value())};
}

json::object outcomeJson(const domain::IngestOutcome& o) {
  json::array rej;
  for (const auto& r : o.rejections)
    rej.push_back(json::object{{"index", r.index},
                               {"field", r.field},
                               {"code", std::string(telemetry::rejectCodeName(r.code))},
                               {"message", r.message}});
  json::object out{{"batchId", o.batchId},   {"accepted", o.accepted},   {"duplicates", o.duplicates},
                   {"rejected", o.rejected}, {"rejections", std::move(rej)}};
  if (o.suppressed) out["suppressed"] = o.suppressed;  // only with a deadband configured
  return out;
}

void requireSomeBody(std::string_view body) {
  if (body.empty()) fail(Error{400, "VALIDATION_ERROR", "The request body is empty", {{"body", "is required", "MISSING_REQUIRED_FIELD"}}});
}

domain::TelemetryQuery parseQuery(const ApiCall& call) {
  const auto& req = call.req;
  static const std::vector<std::string_view> known = {
      "assetId", "asset_id", "sensorId", "sensor_id", "sensorType", "sensor_type", "metric", "siteId", "site_id",
      "start", "start_time", "startTime", "end", "end_time", "endTime", "aggregation", "limit", "cursor", "format"};
  for (const auto& [k, v] : req.query)
    if (std::find(known.begin(), known.end(), k) == known.end())
      fail(Error::validation(k, "UNKNOWN_FIELD", "unknown query parameter '" + k + "'"));
  domain::TelemetryQuery q;
  q.assetId = firstParam(req, {"assetId", "asset_id"});
  q.sensorId = firstParam(req, {"sensorId", "sensor_id"});
  q.metric = firstParam(req, {"metric", "sensorType", "sensor_type"});
  q.siteId = firstParam(req, {"siteId", "site_id"});
  auto time = [&](std::initializer_list<std::string_view> names, const char* field) -> int64_t {
    std::string v = firstParam(req, names);
    if (v.empty()) return 0;
    auto t = parseTimestamp(v);
    if (!t) fail(Error::validation(field, "INVALID_DATE_FORMAT", "must be epoch ms or ISO 8601"));
    return *t;
  };
  q.startMs = time({"start", "start_time", "startTime"}, "start");
  q.endMs = time({"end", "end_time", "endTime"}, "end");
  q.aggregation = firstParam(req, {"aggregation"});
  q.cursor = firstParam(req, {"cursor"});
  if (std::string l = firstParam(req, {"limit"}); !l.empty()) {
    try {
      long long n = std::stoll(l);
      if (n < 1) throw std::invalid_argument("limit");
      q.limit = static_cast<size_t>(std::min<long long>(n, 10'000));
    } catch (const std::exception&) {
      fail(Error::validation("limit", "INVALID_FIELD_TYPE", "must be a positive integer"));
    }
  }
  if (q.assetId.empty() && q.siteId.empty())
    fail(Error::validation("assetId", "MISSING_REQUIRED_FIELD", "assetId (or siteId) is required"));
  return q;
}

std::string withCursor(const http::Request& req, const std::string& cursor) {
  std::string out = req.path + "?";
  bool first = true;
  for (const auto& [k, v] : req.query) {
    if (k == "cursor") continue;
    out += (first ? "" : "&") + k + "=" + v;
    first = false;
  }
  return out + (first ? "" : "&") + "cursor=" + cursor;
}

http::Response queryResponse(ApiCall& call, json::object res) {
  std::string next(res["nextCursor"].as_string());
  std::string body = "{\"data\":" + toJson(res["data"]) + ",\"meta\":";
  json::object meta = res["meta"].as_object();
  meta["requestId"] = call.req.requestId;
  meta["timestamp"] = formatIso8601(call.ctx.now);
  if (!next.empty()) meta["nextCursor"] = next;
  body += toJson(meta) + ",\"links\":{\"self\":";
  appendJsonString(body, call.req.target);
  if (!next.empty()) {
    body += ",\"next\":";
    appendJsonString(body, withCursor(call.req, next));
  }
  body += "}}";
  return jsonResponse(200, std::move(body));
}

}  // namespace

void registerTelemetryRoutes(ApiRoutes& r) {
  const RouteFlags ingestFlags{true, RateClass::Telemetry, /*upload=*/true, false};
  r.add("POST", "/api/v1/telemetry", {"Ingest TelemetryEvent JSON (array)", "telemetry", true, "TelemetryEvents", "IngestResult"},
        [](ApiCall& call) {
          auto decodedBody = decoded(call);
          std::string_view body = decodedBody.view();
          requireSomeBody(body);
          auto out = call.app.telemetry.ingestEvents(call.ctx, body, flag(call.req, "backfill"));
          if (out.wholeBodyMalformed)
            fail(Error{400, "INVALID_JSON", "The body is not valid JSON (kept as a dead letter)",
                       {{"body", out.rejections.empty() ? "malformed" : out.rejections[0].message, "INVALID_JSON"}}});
          return dataResponse(call, outcomeJson(out), 200);
        },
        ingestFlags);
  r.add("POST", "/api/v1/sensor-readings/bulk", {"Ingest SensorReading / multi-metric bodies", "telemetry", true, "SensorReadings", "IngestResult", {}, 202},
        [](ApiCall& call) {
          auto decodedBody = decoded(call);
          std::string_view body = decodedBody.view();
          requireSomeBody(body);
          auto out = call.app.telemetry.ingestSensorReadings(call.ctx, body, flag(call.req, "backfill"));
          if (out.wholeBodyMalformed)
            fail(Error{400, "INVALID_JSON", "The body is not valid JSON (kept as a dead letter)", {{"body", "malformed", "INVALID_JSON"}}});
          json::object d = outcomeJson(out);
          d["status"] = "completed";  // durable on return: nothing is left processing
          return dataResponse(call, d, 202);
        },
        ingestFlags);
  r.add("POST", "/api/v1/write", {"InfluxDB line protocol (precision=ns|us|ms|s, gzip accepted)", "telemetry", true, "LineProtocol", "", {"precision", "db", "backfill"}, 204},
        [](ApiCall& call) {
          auto decodedBody = decoded(call);
          std::string_view body = decodedBody.view();
          auto out = call.app.telemetry.ingestLineProtocol(call.ctx, body, call.req.queryParam("precision").value_or("ns"),
                                                           flag(call.req, "backfill"));
          if (out.rejected > 0) {
            // Like InfluxDB's partial write: the good lines are stored, the answer names the bad ones.
            Error e{400, "VALIDATION_ERROR",
                    "partial write: " + std::to_string(out.rejected) + " line(s) rejected, " + std::to_string(out.accepted) + " stored",
                    {}};
            for (const auto& rj : out.rejections)
              e.details.push_back({"line " + std::to_string(rj.index) + (rj.field.empty() ? "" : " " + rj.field),
                                   rj.message, std::string(telemetry::rejectCodeName(rj.code))});
            fail(e);
          }
          return noContent();
        },
        ingestFlags);
  r.add("GET", "/api/v1/telemetry",
        {"Query raw or aggregated telemetry", "telemetry", true, "", "TelemetrySeries",
         {"assetId", "sensorId", "metric", "siteId", "start", "end", "aggregation", "limit", "cursor", "format"}},
        [](ApiCall& call) {
          auto q = parseQuery(call);
          if (call.req.queryParam("format").value_or("") == "csv") {
            http::Response resp;
            resp.contentType = "text/csv; charset=utf-8";
            resp.body = call.app.telemetry.exportCsv(call.ctx, q);
            resp.setHeader("Content-Disposition", "attachment; filename=\"telemetry.csv\"");
            return resp;
          }
          return queryResponse(call, call.app.telemetry.query(call.ctx, q));
        });
  r.add("GET", "/api/v1/sensor-readings", {"Raw readings, cursor-paged (limit ≤ 500)", "telemetry", true, "", "SensorReadingsPage",
                                            {"assetId", "sensorId", "metric", "siteId", "start", "end", "limit", "cursor"}},
        [](ApiCall& call) {
          auto q = parseQuery(call);
          q.aggregation = "raw";
          q.limit = q.limit ? std::min<size_t>(q.limit, 500) : 50;
          if (!q.startMs) q.startMs = 1;
          return queryResponse(call, call.app.telemetry.query(call.ctx, q));
        });
  r.add("GET", "/api/v1/telemetry/latest", {"Latest value of every series of a site or the fleet", "telemetry", true, "", "Latest", {"siteId"}},
        [](ApiCall& call) {
          return dataResponse(call, call.app.telemetry.latest(call.ctx, firstParam(call.req, {"siteId", "site_id"})));
        });
  r.add("GET", "/api/v1/telemetry/stats", {"Per-series statistics of an asset (last 24 h)", "telemetry", true, "", "Stats", {"assetId"}},
        [](ApiCall& call) {
          std::string asset = firstParam(call.req, {"assetId", "asset_id"});
          if (asset.empty()) fail(Error::validation("assetId", "MISSING_REQUIRED_FIELD", "assetId is required"));
          return dataResponse(call, call.app.telemetry.stats(call.ctx, asset));
        });
  r.add("GET", "/api/v1/telemetry/dead-letters", {"Rejected telemetry with reasons", "telemetry", true, "", "DeadLetters", {"page", "pageSize"}},
        [](ApiCall& call) {
          domain::ListQuery q = domain::parseListQuery(call.req.query, domain::AuditLog::descriptor());
          auto res = call.app.telemetry.listDeadLetters(call.ctx, q.page, q.pageSize);
          return pageResponse(call, toJson(res["items"]), q, res["total"].as_int64());
        });
  r.add("POST", "/api/v1/telemetry/dead-letters/{id}/replay", {"Replay a dead letter through ingest", "telemetry", true, "", "IngestResult"},
        [](ApiCall& call) { return dataResponse(call, outcomeJson(call.app.telemetry.replayDeadLetter(call.ctx, call.param("id")))); });
}

}  // namespace dcmms::api
