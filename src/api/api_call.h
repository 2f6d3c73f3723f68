// The API's request pipeline around each handler: authentication (bearer JWT or X-API-Key),
// rate limits with X-RateLimit-* headers, Idempotency-Key replay on POST, JSON body parsing,
// and the response envelopes of 01 §3 ({data, meta, links} and the error envelope).
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <optional>
#include <string>

#include "api/app.h"
#include "domain/list_query.h"
#include "http/http_types.h"
#include "http/router.h"

namespace dcmms::api {

namespace json = boost::json;

enum class RateClass { Standard, Login, Telemetry, None };

struct RouteFlags {
  bool authenticated = true;
  RateClass rate = RateClass::Standard;
  bool upload = false;
  bool idempotent = true;  // POST honours Idempotency-Key
};

struct ApiCall {
  http::Request& req;
  App& app;
  domain::RequestContext ctx;

  json::object body() const;  // the body as a JSON object (400 INVALID_JSON otherwise)
  std::string param(std::string_view name) const;
  std::optional<int64_t> ifMatch() const;
  domain::ListQuery listQuery(const domain::EntityDescriptor& d, const std::vector<std::string_view>& extra = {}) const;
};

using ApiHandler = std::function<http::Response(ApiCall&)>;

class ApiRoutes {
 public:
  ApiRoutes(App& app, http::Router& router) : app_(app), router_(router) {}
  void add(std::string method, std::string pattern, http::RouteInfo info, ApiHandler fn, RouteFlags flags = {});
  App& app() { return app_; }

 private:
  App& app_;
  http::Router& router_;
};

// ---- envelopes ----
std::string metaJson(const http::Request& req, int64_t nowMs, const std::string& extra = {});
http::Response jsonResponse(int status, std::string body);
// {data: <dataJson>, meta, links:{self}}
http::Response dataResponse(const ApiCall& call, std::string dataJson, int status = 200, const std::string& selfLink = {});
http::Response dataResponse(const ApiCall& call, const json::value& data, int status = 200, const std::string& selfLink = {});
// A page of items with meta.pagination and links first/previous/self/next/last.
http::Response pageResponse(const ApiCall& call, const std::string& itemsJson, const domain::ListQuery& q, int64_t total);
http::Response noContent();
http::Response errorResponse(const http::Request& req, int64_t nowMs, const Error& e);
void setEtag(http::Response& r, int64_t version);

// Builds the link for `path` keeping the request's query except page (URL-encoded).
std::string pageLink(const http::Request& req, int page, int pageSize);

}  // namespace dcmms::api
