#include "domain/access.h"

#include <algorithm>

#include "core/log.h"

namespace dcmms::domain {

namespace {

auth::ResourceCtx toCtx(const RequestContext& ctx, const ResourceRef& r) {
  auth::ResourceCtx rc;
  rc.tenantId = ctx.tenantId();
  rc.siteId = r.siteId;
  if (!r.assignedTo.empty()) rc.assignedTo.push_back(r.assignedTo);
  rc.createdBy = r.createdBy;
  rc.status = r.status;
  rc.type = r.type;
  rc.origin = r.origin;
  rc.amount = r.amount;
  rc.targetStatus = r.targetStatus;
  return rc;
}

}  // namespace

// An API key narrows its owner's permissions to its scopes ("read:*" style wildcards allowed).
bool keyAllows(const RequestContext& ctx, std::string_view permission) {
  if (!ctx.viaApiKey || ctx.apiKeyScopes.empty()) return true;
  for (const auto& s : ctx.apiKeyScopes) {
    if (s == "*" || s == permission) return true;
    if (s.size() > 2 && s.ends_with(":*") && permission.starts_with(std::string_view(s).substr(0, s.size() - 1))) return true;
  }
  return false;
}

bool hasPermission(const RequestContext& ctx, std::string_view permission, const ResourceRef& r) {
  return keyAllows(ctx, permission) && auth::authorize(ctx.principal, permission, toCtx(ctx, r), ctx.now).allowed;
}

void requirePermission(const RequestContext& ctx, std::string_view permission, const ResourceRef& r) {
  if (!keyAllows(ctx, permission))
    fail(Error::forbidden("This API key is not scoped for " + std::string(permission)));
  auth::Decision d = auth::authorize(ctx.principal, permission, toCtx(ctx, r), ctx.now);
  if (d.allowed) return;
  log::info("authz-denied", {{"userId", ctx.userId()},
                             {"action", std::string(permission)},
                             {"resource", r.siteId},
                             {"reason", d.reason},
                             {"requestId", ctx.requestId}});
  throw ApiException(d.error);
}

bool coversSite(const RequestContext& ctx, const std::string& siteId) {
  if (auth::siteScope(ctx.principal.role) != auth::SiteScope::OwnSites) return true;
  const auto& s = ctx.principal.siteIds;
  return std::find(s.begin(), s.end(), siteId) != s.end();
}

void requireSiteAccess(const RequestContext& ctx, const std::string& siteId) {
  if (!coversSite(ctx, siteId))
    fail(Error::forbidden("You have no access to site '" + siteId + "'", "AUTHZ_SITE_ACCESS_DENIED"));
}

Scope listScope(const RequestContext& ctx, bool workOrders) {
  Scope s;
  s.allSites = auth::siteScope(ctx.principal.role) != auth::SiteScope::OwnSites;
  if (!s.allSites) s.siteIds = ctx.principal.siteIds;
  if (workOrders && auth::assignedOnly(ctx.principal.role)) s.assignedTo = ctx.userId();
  return s;
}

bool assignedOnly(const RequestContext& ctx) { return auth::assignedOnly(ctx.principal.role); }
bool seesCosts(const RequestContext& ctx) { return auth::seesCosts(ctx.principal.role); }

bool canExecuteForOthers(const RequestContext& ctx) {
  using auth::Role;
  const Role r = ctx.principal.role;
  return r == Role::MaintenanceSupervisor || r == Role::PlantManager || r == Role::SystemAdministrator ||
         r == Role::SiteEngineer;
}

bool isAdmin(const RequestContext& ctx) { return ctx.principal.role == auth::Role::SystemAdministrator; }

std::optional<double> approvalCeiling(const RequestContext& ctx) { return auth::approvalCeiling(ctx.principal.role); }

}  // namespace dcmms::domain
