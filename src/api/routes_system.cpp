#include "api/openapi.h"
#include "api/routes.h"

namespace dcmms::api {

void registerSystemRoutes(ApiRoutes& r, const http::Router& router, std::function<std::string()> metrics) {
  r.add("GET", "/healthz", {"Liveness", "system", false, "", "Health"},
        [](ApiCall&) { return jsonResponse(200, "{\"status\":\"ok\"}"); }, {false, RateClass::None, false, false});
  r.add("GET", "/readyz", {"Readiness: the database answers", "system", false, "", "Health"},
        [](ApiCall& call) {
          try {
            call.app.db.connection().queryInt("SELECT 1");
          } catch (const std::exception&) {
            return jsonResponse(503, "{\"status\":\"unavailable\",\"reason\":\"database\"}");
          }
          return jsonResponse(200, "{\"status\":\"ready\",\"database\":\"" + std::string(call.app.db.dialectName()) + "\"}");
        },
        {false, RateClass::None, false, false});
  r.add("GET", "/metrics", {"Prometheus metrics", "system", false, "", "text"},
        [metrics](ApiCall&) {
          http::Response resp;
          resp.contentType = "text/plain; version=0.0.4";
          resp.body = metrics();
          return resp;
        },
        {false, RateClass::None, false, false});
  r.add("GET", "/api/v1/openapi.json", {"This API's OpenAPI 3 document", "system", false, "", "OpenAPI"},
        [&router](ApiCall&) { return jsonResponse(200, buildOpenApi(router)); }, {false, RateClass::None, false, false});
}

}  // namespace dcmms::api
