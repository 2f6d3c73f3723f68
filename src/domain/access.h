// Authorisation helpers for services: thin wrappers over the policy in auth/policy.h that
// throw the API's 403 errors and translate role scopes into list conditions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/context.h"
#include "domain/repo/doc_table.h"

namespace dcmms::domain {

struct ResourceRef {
  std::string siteId;
  std::string assignedTo;
  std::string createdBy;
  std::string status;  // current status (draft-only deletes)
  std::string type;    // work-order type (emergency-only grants)
  std::string origin;  // automationMetadata.origin (alarm-only creation)
  std::optional<double> amount;  // estimated cost (approval ceilings)
  std::string targetStatus;      // asset status being set (field/remote status grants)
};

bool hasPermission(const RequestContext& ctx, std::string_view permission, const ResourceRef& r = {});
// Throws 403 (AUTHZ_INSUFFICIENT_PERMISSIONS naming the permission, or AUTHZ_SITE_ACCESS_DENIED).
void requirePermission(const RequestContext& ctx, std::string_view permission, const ResourceRef& r = {});
// True when the principal's scope covers the site (admins and all-site readers always).
bool coversSite(const RequestContext& ctx, const std::string& siteId);
void requireSiteAccess(const RequestContext& ctx, const std::string& siteId);
// Rows a principal may list: its sites, and only assigned work for technicians/contractors.
Scope listScope(const RequestContext& ctx, bool workOrders);
bool assignedOnly(const RequestContext& ctx);
bool seesCosts(const RequestContext& ctx);
// Supervisors, plant managers and admins may execute work assigned to someone else (01 §5).
bool canExecuteForOthers(const RequestContext& ctx);
bool isAdmin(const RequestContext& ctx);
std::optional<double> approvalCeiling(const RequestContext& ctx);

}  // namespace dcmms::domain
