// Rendering of stored entity documents for a caller: cost redaction (01 §6.1: fields are
// absent, not null, for roles without cost visibility), fields= projection and expand=.
#pragma once

#include <string>

#include "api/api_call.h"
#include "domain/entity_store.h"

namespace dcmms::api {

// Removes cost fields from a work order document.
void redactCosts(json::object& wo);
// Keeps only the listed top-level fields (plus the id field).
void project(json::object& doc, const std::vector<std::string>& fields, std::string_view idField);

// A work order as the caller may see it; `docText` is the stored JSON.
std::string renderWorkOrder(ApiCall& call, std::string_view docText, const domain::ListQuery& q);
std::string renderWorkOrder(ApiCall& call, json::object doc, const domain::ListQuery& q);
// An asset with expand=site,parentAsset,childAssets.
std::string renderAsset(ApiCall& call, json::object doc, const domain::ListQuery& q);
// Any other entity: fields= only.
std::string renderPlain(std::string_view docText, const domain::ListQuery& q, std::string_view idField);

}  // namespace dcmms::api
