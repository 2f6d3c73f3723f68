// Route registration, one function per resource file.
#pragma once

#include "api/api_call.h"

namespace dcmms::api {

void registerAuthRoutes(ApiRoutes& r);
void registerCatalogRoutes(ApiRoutes& r);      // sites, zones, assets, crews, users
void registerWorkOrderRoutes(ApiRoutes& r);    // work orders and sub-resources, permits, attachments
void registerAdminRoutes(ApiRoutes& r);        // audit logs, API keys, test clock
void registerTelemetryRoutes(ApiRoutes& r);    // ingest, query, latest, stats, dead letters
// Health, metrics and the OpenAPI document (needs the complete router).
void registerSystemRoutes(ApiRoutes& r, const http::Router& router, std::function<std::string()> metrics);

}  // namespace dcmms::api
