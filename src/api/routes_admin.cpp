#include "api/routes.h"
#include "core/json_util.h"
#include "core/time_format.h"
#include "domain/access.h"
#include "domain/validate.h"

namespace dcmms::api {

void registerAdminRoutes(ApiRoutes& r) {
  r.add("GET", "/api/v1/audit-logs",
        {"Audit trail (filter by entityType, entityId, userId, action, timestamp)", "audit", true, "", "AuditPage",
         {"page", "pageSize", "sort", "filter[field][op]"}},
        [](ApiCall& call) {
          domain::requirePermission(call.ctx, "read:audit-logs");
          auto q = call.listQuery(domain::AuditLog::descriptor());
          auto page = call.app.audit.list(call.app.db.connection(), call.ctx.tenantId(), q);
          return pageResponse(call, page.itemsJson, q, page.totalItems);
        });
  r.add("POST", "/api/v1/api-keys", {"Create an API key (the key is shown once)", "api-keys", true, "ApiKeyCreate", "ApiKey", {}, 201},
        [](ApiCall& call) {
          auto out = call.app.identity.createApiKey(call.ctx, call.body());
          return dataResponse(call, out, 201, "/api/v1/api-keys/" + domain::str(out, "apiKeyId"));
        });
  r.add("GET", "/api/v1/api-keys", {"List API keys (never the secret)", "api-keys", true, "", "ApiKeyList"},
        [](ApiCall& call) { return dataResponse(call, call.app.identity.listApiKeys(call.ctx)); });
  r.add("DELETE", "/api/v1/api-keys/{id}", {"Revoke an API key", "api-keys", true, "", "", {}, 204}, [](ApiCall& call) {
    call.app.identity.revokeApiKey(call.ctx, call.param("id"));
    return noContent();
  });
  r.add("POST", "/api/v1/api-keys/{id}/rotate", {"Rotate an API key (the old one works 48 h more)", "api-keys", true, "", "ApiKey", {}, 201},
        [](ApiCall& call) {
          auto out = call.app.identity.rotateApiKey(call.ctx, call.param("id"));
          return dataResponse(call, out, 201, "/api/v1/api-keys/" + domain::str(out, "apiKeyId"));
        });
  r.add("PUT", "/api/v1/test/clock", {"Move the server clock (only with --test-clock)", "test", true, "Clock", "Clock"},
        [](ApiCall& call) {
          if (!call.app.manualClock)
            fail(Error{404, "RESOURCE_NOT_FOUND", "The test clock is disabled; start the server with --test-clock", {}});
          domain::requirePermission(call.ctx, "update:settings");
          auto body = call.body();
          const json::value* now = body.if_contains("now");
          std::optional<int64_t> t;
          if (now && now->is_string()) t = parseTimestamp(std::string_view(now->get_string()));
          else if (now && now->is_number()) t = now->to_number<int64_t>();
          if (!t) fail(Error::validation("now", "INVALID_DATE_FORMAT", "must be epoch ms or an ISO 8601 date-time"));
          call.app.manualClock->set(*t);
          call.app.scheduler.tick();  // run whatever became due, now
          return dataResponse(call, json::object{{"now", formatIso8601(*t)}, {"epochMs", *t}});
        },
        {true, RateClass::None, false, false});
}

}  // namespace dcmms::api
