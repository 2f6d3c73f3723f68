// ABAC evaluation (01 §5): tenant isolation, contractor time windows, the role grant, site
// and assignment scope, then the grant's constraints. Every check is a deny; an allow is
// returned only when none fires, and a missing grant is the default deny.
#include "auth/policy.h"

#include <algorithm>
#include <limits>

#include "auth/jwt.h"

namespace dcmms::auth {
namespace {

constexpr int64_t kMsPerDay = 24LL * 60 * 60 * 1000;
constexpr double kMaxMobileDistanceM = 5000;  // policy 5: execute within 5 km of the asset

Decision deny(std::string code, std::string message, std::string reason) {
  Decision d;
  d.reason = std::move(reason);
  d.error = Error::forbidden(std::move(message), std::move(code));
  return d;
}

Decision forbidden(std::string message, std::string reason) {
  return deny("AUTHZ_RESOURCE_FORBIDDEN", std::move(message), std::move(reason));
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool isContractorPrincipal(const Principal& p) {
  return isContractor(p.role) || p.employmentType == "contractor";
}

bool isTimeLimited(const Principal& p) {
  return isContractorPrincipal(p) || p.role == Role::Auditor || p.employmentType == "auditor";
}

bool outsideContract(const Principal& p, int64_t ms) {
  return (p.contractStartMs != 0 && ms < p.contractStartMs) || (p.contractEndMs != 0 && ms >= p.contractEndMs);
}

bool withinHours(const WorkingHours& h, int64_t nowMs) {
  int64_t local = (nowMs + int64_t(h.utcOffsetMinutes) * 60'000) % kMsPerDay;
  if (local < 0) local += kMsPerDay;
  const int minute = static_cast<int>(local / 60'000);
  return minute >= h.startMinute && minute < h.endMinute;
}

bool onlyFields(const std::vector<std::string>& fields, std::initializer_list<std::string_view> allowed) {
  return std::all_of(fields.begin(), fields.end(), [&](const std::string& f) {
    return std::find(allowed.begin(), allowed.end(), f) != allowed.end();
  });
}

bool noneOfFields(const std::vector<std::string>& fields, std::initializer_list<std::string_view> banned) {
  return std::none_of(fields.begin(), fields.end(), [&](const std::string& f) {
    return std::find(banned.begin(), banned.end(), f) != banned.end();
  });
}

std::string_view domainOf(Role role) {
  switch (role) {
    case Role::InventoryCoordinator: return "inventory";
    case Role::EhsOfficer: return "safety";
    case Role::ComplianceOfficer: return "compliance";
    default: return "";
  }
}

// The first violated constraint of a targeted check, by name; empty when all hold.
std::string_view violatedConstraint(const Principal& p, uint32_t constraints, const ResourceCtx& ctx) {
  auto fails = [&](Constraint c, bool ok) { return (constraints & c) != 0 && !ok; };
  if (fails(kAlarmOrigin, ctx.origin == "alarm")) return constraintName(kAlarmOrigin);
  if (fails(kOwnTeam, ctx.ownTeam.value_or(false))) return constraintName(kOwnTeam);
  if (fails(kFieldNotesOnly,
            onlyFields(ctx.fields, {"status", "notes", "completionNotes", "attachments", "tasks", "measurements"}))) {
    return constraintName(kFieldNotesOnly);
  }
  if (fails(kDraftOnly, ctx.status == "draft")) return constraintName(kDraftOnly);
  if (constraints & kWithinCeiling) {
    const auto ceiling = approvalCeiling(p.role);
    if (!ceiling || ctx.amount.value_or(0) > *ceiling) return constraintName(kWithinCeiling);
  }
  if (fails(kEscalationOnly, ctx.amount.has_value() && *ctx.amount > kPlantManagerCeiling)) {
    return constraintName(kEscalationOnly);
  }
  if (fails(kSafetyOnly, ctx.category == "safety")) return constraintName(kSafetyOnly);
  if (fails(kComplianceOnly, ctx.category == "compliance")) return constraintName(kComplianceOnly);
  if (fails(kDescriptiveFields,
            noneOfFields(ctx.fields, {"siteId", "parentAssetId", "category", "type", "status", "assetId"}))) {
    return constraintName(kDescriptiveFields);
  }
  const std::string_view s = ctx.targetStatus;
  if (fails(kFieldStatus, s == "operational" || s == "degraded" || s == "failed" || s == "under-maintenance")) {
    return constraintName(kFieldStatus);
  }
  if (fails(kRemoteStatus, s == "operational" || s == "degraded" || s == "failed")) {
    return constraintName(kRemoteStatus);
  }
  if (fails(kAutoReserveOnly, ctx.automatic)) return constraintName(kAutoReserveOnly);
  if (fails(kWarrantyPartsOnly, ctx.warrantyPart)) return constraintName(kWarrantyPartsOnly);
  if (fails(kBessOnly, ctx.assetCategory == "battery")) return constraintName(kBessOnly);
  if (fails(kInventoryOnly, ctx.category == "inventory")) return constraintName(kInventoryOnly);
  if (fails(kOwnDomain, !domainOf(p.role).empty() && ctx.category == domainOf(p.role))) {
    return constraintName(kOwnDomain);
  }
  if (fails(kOperatorsOnly, ctx.targetRole == roleName(Role::ScadaOperator))) return constraintName(kOperatorsOnly);
  if (fails(kScadaOnly, ctx.category == "scada")) return constraintName(kScadaOnly);
  if (fails(kMinorOnly, ctx.severity == "minor")) return constraintName(kMinorOnly);
  if (fails(kEmergencyOnly, ctx.type == "emergency")) return constraintName(kEmergencyOnly);
  return {};
}

}  // namespace

std::string_view scopeName(Scope scope) {
  switch (scope) {
    case Scope::None: return "none";
    case Scope::Own: return "own";
    case Scope::Assigned: return "assigned";
    case Scope::Site: return "site";
    case Scope::All: return "all";
    case Scope::Global: return "global";
  }
  return "none";
}

std::optional<Principal> principalFromClaims(const jwt::Claims& c) {
  const auto role = parseRole(c.role);
  if (!role) return std::nullopt;
  Principal p;
  p.userId = c.sub;
  p.tenantId = c.tenantId;
  p.role = *role;
  p.siteIds = c.siteIds;
  p.skills = c.skills;
  p.employmentType = c.employmentType;
  p.mfa = c.mfa;
  return p;
}

Decision authorize(const Principal& p, std::string_view permission, const ResourceCtx& ctx, int64_t nowMs) {
  // Other tenants' data is never reachable, whatever the role.
  if (!ctx.tenantId.empty() && ctx.tenantId != p.tenantId) {
    return forbidden("Resource belongs to another tenant", "tenant");
  }
  // Policy 3: contractors only inside their contract period and working hours; auditors'
  // access is time-limited by the same contract period.
  if (isTimeLimited(p) && outsideContract(p, nowMs)) {
    return forbidden("Access is outside the contract period", "contract-period");
  }
  if (isContractorPrincipal(p)) {
    if (!withinHours(p.contractorHours, nowMs)) {
      return forbidden("Contractor access is limited to working hours", "contractor-hours");
    }
    if (ctx.occurredAtMs && outsideContract(p, *ctx.occurredAtMs)) {
      return forbidden("Record lies outside the contract period", "contract-period");
    }
  }

  const Grant grant = grantFor(p.role, permission);
  if (grant.scope == Scope::None) {
    return deny("AUTHZ_INSUFFICIENT_PERMISSIONS", "Missing permission " + std::string(permission), "no-permission");
  }

  // Policy 1: site-bound grants reach only the user's sites.
  if ((grant.scope == Scope::Site || grant.scope == Scope::Assigned) && !ctx.siteId.empty() &&
      !contains(p.siteIds, ctx.siteId)) {
    return deny("AUTHZ_SITE_ACCESS_DENIED", "No access to site " + ctx.siteId, "foreign-site");
  }
  if (ctx.targeted()) {
    // Policy 2 (for execute) and the A cells: only work assigned to the user.
    if (grant.scope == Scope::Assigned && !contains(ctx.assignedTo, p.userId)) {
      return forbidden("Only the assignee may do this", "not-assigned");
    }
    if (grant.scope == Scope::Own) {
      const std::string& owner = ctx.ownerId.empty() ? ctx.createdBy : ctx.ownerId;
      if (owner != p.userId) return forbidden("Only the owner may do this", "not-owner");
    }
    // Policy 5: mobile execution near the asset only.
    if (permission == "execute:work-orders" && ctx.distanceToAssetM && *ctx.distanceToAssetM > kMaxMobileDistanceM) {
      return forbidden("Execution is allowed within 5 km of the asset", "too-far");
    }
    if (const auto violated = violatedConstraint(p, grant.constraints, ctx); !violated.empty()) {
      return forbidden("Permission " + std::string(permission) + " is limited (" + std::string(violated) + ")",
                       "constraint:" + std::string(violated));
    }
  }

  Decision d;
  d.allowed = true;
  d.scope = grant.scope;
  d.constraints = grant.constraints;
  d.flagged = isContractorPrincipal(p) || p.role == Role::EmergencyResponder;
  return d;
}

CostVisibility costVisibility(Role role) {
  const Grant g = grantFor(role, "read:costs");
  if (g.scope == Scope::None) return CostVisibility::None;
  return (g.constraints & kPartsCostsOnly) ? CostVisibility::PartsOnly : CostVisibility::Full;
}

bool seesCosts(Role role) { return costVisibility(role) != CostVisibility::None; }

bool requiresMfa(Role role) {
  return role == Role::SystemAdministrator || role == Role::EmergencyResponder || isContractor(role) ||
         grantFor(role, "approve:work-orders").scope != Scope::None;
}

SiteScope siteScope(Role role) {
  switch (grantFor(role, "read:sites").scope) {
    case Scope::Global: return SiteScope::Global;
    case Scope::All: return SiteScope::AllSites;
    default: return SiteScope::OwnSites;
  }
}

bool assignedOnly(Role role) { return grantFor(role, "read:work-orders").scope == Scope::Assigned; }

std::optional<double> approvalCeiling(Role role) {
  switch (role) {
    case Role::SiteEngineer: return kSiteEngineerCeiling;
    case Role::PlantManager: return kPlantManagerCeiling;
    case Role::PortfolioManager:
    case Role::SystemAdministrator: return std::numeric_limits<double>::infinity();
    default: return std::nullopt;
  }
}

}  // namespace dcmms::auth
