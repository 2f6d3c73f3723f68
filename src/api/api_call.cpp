#include "api/api_call.h"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "auth/api_key.h"
#include "auth/crypto.h"
#include "core/json_util.h"
#include "core/log.h"
#include "core/time_format.h"
#include "domain/entity_store.h"

namespace dcmms::api {

json::object ApiCall::body() const {
  if (req.body.empty()) return {};
  return parseJsonObject(req.body);
}

std::string ApiCall::param(std::string_view name) const { return std::string(req.param(name)); }

std::optional<int64_t> ApiCall::ifMatch() const { return domain::parseIfMatch(req.header("If-Match")); }

domain::ListQuery ApiCall::listQuery(const domain::EntityDescriptor& d, const std::vector<std::string_view>& extra) const {
  return domain::parseListQuery(req.query, d, extra);
}

std::string metaJson(const http::Request& req, int64_t nowMs, const std::string& extra) {
  std::string m = "{\"requestId\":";
  appendJsonString(m, req.requestId);
  m += ",\"timestamp\":\"" + formatIso8601(nowMs) + "\"";
  if (!extra.empty()) m += "," + extra;
  m += "}";
  return m;
}

http::Response jsonResponse(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

http::Response dataResponse(const ApiCall& call, std::string dataJson, int status, const std::string& selfLink) {
  std::string b = "{\"data\":" + dataJson + ",\"meta\":" + metaJson(call.req, call.ctx.now) + ",\"links\":{\"self\":";
  appendJsonString(b, selfLink.empty() ? call.req.target : selfLink);
  b += "}}";
  return jsonResponse(status, std::move(b));
}

http::Response dataResponse(const ApiCall& call, const json::value& data, int status, const std::string& selfLink) {
  return dataResponse(call, toJson(data), status, selfLink);
}

std::string pageLink(const http::Request& req, int page, int pageSize) {
  std::string out = req.path + "?";
  bool first = true;
  auto add = [&](std::string_view k, std::string_view v) {
    if (!first) out += "&";
    first = false;
    out += boost::urls::encode(k, boost::urls::unreserved_chars);
    out += "=";
    out += boost::urls::encode(v, boost::urls::unreserved_chars);
  };
  for (const auto& [k, v] : req.query)
    if (k != "page" && k != "pageSize" && k != "limit") add(k, v);
  add("page", std::to_string(page));
  add("pageSize", std::to_string(pageSize));
  return out;
}

http::Response pageResponse(const ApiCall& call, const std::string& itemsJson, const domain::ListQuery& q, int64_t total) {
  const int64_t totalPages = total == 0 ? 0 : (total + q.pageSize - 1) / q.pageSize;
  std::string pag = "\"pagination\":{\"page\":" + std::to_string(q.page) + ",\"pageSize\":" + std::to_string(q.pageSize) +
                    ",\"totalItems\":" + std::to_string(total) + ",\"totalPages\":" + std::to_string(totalPages) +
                    ",\"hasNext\":" + (q.page < totalPages ? "true" : "false") +
                    ",\"hasPrevious\":" + (q.page > 1 ? "true" : "false") + "}";
  std::string b = "{\"data\":" + itemsJson + ",\"meta\":" + metaJson(call.req, call.ctx.now, pag) + ",\"links\":{";
  b += "\"self\":";
  appendJsonString(b, pageLink(call.req, q.page, q.pageSize));
  b += ",\"first\":";
  appendJsonString(b, pageLink(call.req, 1, q.pageSize));
  if (q.page > 1) {
    b += ",\"previous\":";
    appendJsonString(b, pageLink(call.req, static_cast<int>(std::min<int64_t>(q.page - 1, std::max<int64_t>(totalPages, 1))), q.pageSize));
  }
  if (q.page < totalPages) {
    b += ",\"next\":";
    appendJsonString(b, pageLink(call.req, q.page + 1, q.pageSize));
  }
  b += ",\"last\":";
  appendJsonString(b, pageLink(call.req, static_cast<int>(std::max<int64_t>(totalPages, 1)), q.pageSize));
  b += "}}";
  return jsonResponse(200, std::move(b));
}

http::Response noContent() {
  http::Response r;
  r.status = 204;
  r.contentType.clear();
  return r;
}

http::Response errorResponse(const http::Request& req, int64_t nowMs, const Error& e) {
  json::object err{{"code", e.code}, {"message", e.message}};
  json::array details;
  for (const auto& d : e.details) details.push_back(json::object{{"field", d.field}, {"message", d.message}, {"code", d.code}});
  err["details"] = std::move(details);
  err["requestId"] = req.requestId;
  err["timestamp"] = formatIso8601(nowMs);
  return jsonResponse(e.httpStatus, toJson(json::object{{"error", std::move(err)}}));
}

void setEtag(http::Response& r, int64_t version) { r.setHeader("ETag", "\"" + std::to_string(version) + "\""); }

namespace {

void addRateHeaders(http::Request& req, const RateDecision& d) {
  req.extraResponseHeaders.emplace_back("X-RateLimit-Limit", std::to_string(d.limit));
  req.extraResponseHeaders.emplace_back("X-RateLimit-Remaining", std::to_string(d.remaining));
  req.extraResponseHeaders.emplace_back("X-RateLimit-Reset", std::to_string(d.resetEpochSec));
  if (!d.allowed) req.extraResponseHeaders.emplace_back("Retry-After", std::to_string(d.retryAfterSec));
}

[[noreturn]] void tooMany(const RateDecision& d) {
  fail(Error{429, "RATE_LIMIT_EXCEEDED",
             "Rate limit of " + std::to_string(d.limit) + " requests per hour exceeded; retry in " +
                 std::to_string(d.retryAfterSec) + " s",
             {}});
}

// Collectors written for InfluxDB present the key as "Authorization: Token <key>", as the
// password of Basic auth, or as the p= query parameter (InfluxDB 1.x clients).
std::string influxStyleKey(const http::Request& req, std::string_view authz) {
  if (authz.size() > 6 && (authz.substr(0, 6) == "Token " || authz.substr(0, 6) == "token ")) return std::string(authz.substr(6));
  if (authz.size() > 6 && (authz.substr(0, 6) == "Basic " || authz.substr(0, 6) == "basic ")) {
    auto raw = auth::base64UrlDecode(authz.substr(6));
    if (!raw) {  // standard base64 with +/ and padding
      std::string t(authz.substr(6));
      for (auto& ch : t) ch = ch == '+' ? '-' : ch == '/' ? '_' : ch;
      while (!t.empty() && t.back() == '=') t.pop_back();
      raw = auth::base64UrlDecode(t);
    }
    if (raw) {
      auto colon = raw->find(':');
      if (colon != std::string::npos) return raw->substr(colon + 1);
    }
  }
  if (authz.empty())
    if (auto p = req.queryParam("p"); p && auth::looksLikeApiKey(*p)) return *p;
  return {};
}

void authenticate(ApiCall& call) {
  auto& req = call.req;
  std::string_view authz = req.header("Authorization");
  std::string influxKey = influxStyleKey(req, authz);
  std::string_view apiKey = influxKey.empty() ? req.header("X-API-Key") : std::string_view(influxKey);
  if (authz.empty() && apiKey.empty()) {
    fail(Error{401, "AUTH_MISSING_TOKEN", "Authentication required: send Authorization: Bearer <token> or X-API-Key", {}});
  }
  if (!apiKey.empty()) {
    call.ctx.principal = call.app.identity.authenticateApiKey(apiKey, call.ctx.apiKeyScopes);
    call.ctx.viaApiKey = true;
    return;
  }
  if (authz.size() < 7 || (authz.substr(0, 7) != "Bearer " && authz.substr(0, 7) != "bearer "))
    fail(Error{401, "AUTH_INVALID_TOKEN", "Authorization must be 'Bearer <token>'", {}});
  call.ctx.principal = call.app.identity.authenticateBearer(authz.substr(7));
}

}  // namespace

void ApiRoutes::add(std::string method, std::string pattern, http::RouteInfo info, ApiHandler fn, RouteFlags flags) {
  info.authenticated = flags.authenticated;
  App& app = app_;
  http::Route route{std::move(method), std::move(pattern), {}, std::move(info), flags.upload};
  const bool isPost = route.method == "POST";
  route.handler = [&app, fn = std::move(fn), flags, isPost](http::Request& req) -> http::Response {
    ApiCall call{req, app, {}};
    call.ctx.requestId = req.requestId;
    call.ctx.ip = req.remoteIp;
    call.ctx.now = app.clock.nowMs();
    const auto& lim = app.config.limits;
    if (flags.rate == RateClass::Login) {
      RateDecision d = app.rateLimiter.hit("login:" + req.remoteIp, lim.loginPerHourPerIp, call.ctx.now);
      addRateHeaders(req, d);
      if (!d.allowed) tooMany(d);
    }
    if (flags.authenticated) {
      authenticate(call);
      if (flags.rate != RateClass::None && flags.rate != RateClass::Login) {
        int64_t limit = call.ctx.viaApiKey ? lim.servicePerHour
                        : call.ctx.principal.role == auth::Role::SystemAdministrator ? lim.adminPerHour
                                                                                      : lim.userPerHour;
        std::string key = "user:" + call.ctx.userId();
        if (flags.rate == RateClass::Telemetry) {
          limit = std::max(limit, lim.telemetryPerHour);
          key = "telemetry:" + call.ctx.userId();
        }
        RateDecision d = app.rateLimiter.hit(key, limit, call.ctx.now);
        addRateHeaders(req, d);
        if (!d.allowed) tooMany(d);
      }
    } else if (flags.rate == RateClass::Standard) {
      RateDecision d = app.rateLimiter.hit("anon:" + req.remoteIp, lim.anonymousPerHour, call.ctx.now);
      addRateHeaders(req, d);
      if (!d.allowed) tooMany(d);
    }
    // Idempotency-Key: a replay returns the stored status and body (offline clients retry).
    std::string idemKey;
    if (isPost && flags.idempotent && flags.authenticated) idemKey = std::string(req.header("Idempotency-Key"));
    if (!idemKey.empty()) {
      if (idemKey.size() > 200) fail(Error::validation("Idempotency-Key", "INVALID_FIELD_VALUE", "at most 200 characters"));
      auto& c = app.db.connection();
      struct Stored {
        std::string path;
        int64_t status;
        std::string body;
      };
      auto stored = c.queryOne("SELECT path, status, body FROM idempotency_keys WHERE tenant_id = ? AND user_id = ? AND idem_key = ?",
                               {call.ctx.tenantId(), call.ctx.userId(), idemKey},
                               [](const store::Row& r) { return Stored{r.getString(0), r.getInt(1), r.getString(2)}; });
      if (stored) {
        if (stored->path != req.path)
          fail(Error::conflict("RESOURCE_CONFLICT", "Idempotency-Key was already used for " + stored->path));
        http::Response r = jsonResponse(static_cast<int>(stored->status), stored->body);
        r.setHeader("Idempotent-Replay", "true");
        return r;
      }
    }
    http::Response resp = fn(call);
    if (!idemKey.empty() && resp.status < 500) {
      try {
        app.db.connection().exec(
            "INSERT INTO idempotency_keys (tenant_id, user_id, idem_key, method, path, status, body, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            {call.ctx.tenantId(), call.ctx.userId(), idemKey, req.method, req.path, static_cast<int64_t>(resp.status),
             resp.body, call.ctx.now});
      } catch (const store::UniqueViolation&) {
        // A concurrent request with the same key stored first; this one still succeeded.
      }
    }
    return resp;
  };
  router_.add(std::move(route));
}

}  // namespace dcmms::api
