// ABAC evaluation (01 §5) and the role helpers the API uses.
#include <gtest/gtest.h>

#include <cmath>

#include "auth/jwt.h"
#include "auth/policy.h"

namespace dcmms::auth {
namespace {

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kMidnightUtc = 1'700'006'400'000;  // 2023-11-15T00:00:00Z
constexpr int64_t kNoon = kMidnightUtc + 12 * kHour;

Principal user(Role role, std::string id = "u1", std::vector<std::string> sites = {"S1"}) {
  Principal p;
  p.userId = std::move(id);
  p.tenantId = "t1";
  p.role = role;
  p.siteIds = std::move(sites);
  p.employmentType = isContractor(role) ? "contractor" : "employee";
  return p;
}

ResourceCtx workOrder(std::string site, std::vector<std::string> assignees = {}) {
  ResourceCtx c;
  c.tenantId = "t1";
  c.siteId = std::move(site);
  c.resourceId = "WO-20240101-0001";
  c.assignedTo = std::move(assignees);
  return c;
}

void expectDenied(const Decision& d, std::string_view code, std::string_view reason = {}) {
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.error.httpStatus, 403);
  EXPECT_EQ(d.error.code, code) << d.error.message;
  if (!reason.empty()) {
    EXPECT_EQ(d.reason, reason);
  }
}

TEST(PolicyAbac, ForeignSiteIsSiteAccessDenied) {
  const Principal tx = user(Role::FieldTechnicianElectrical, "TX", {"S2"});
  expectDenied(authorize(tx, "read:work-orders", workOrder("S1", {"TX"}), kNoon), "AUTHZ_SITE_ACCESS_DENIED",
               "foreign-site");
  const Principal pm = user(Role::PlantManager, "PM");
  expectDenied(authorize(pm, "create:work-orders", workOrder("S2"), kNoon), "AUTHZ_SITE_ACCESS_DENIED");
  EXPECT_TRUE(authorize(pm, "create:work-orders", workOrder("S1"), kNoon));
}

TEST(PolicyAbac, TechniciansSeeOnlyAssignedWork) {
  const Principal t1 = user(Role::FieldTechnicianElectrical, "T1");
  EXPECT_TRUE(authorize(t1, "read:work-orders", workOrder("S1", {"T1"}), kNoon));
  expectDenied(authorize(t1, "read:work-orders", workOrder("S1", {"T2"}), kNoon), "AUTHZ_RESOURCE_FORBIDDEN",
               "not-assigned");
  // List level: allowed, with the scope the caller must filter by.
  const Decision list = authorize(t1, "read:work-orders", ResourceCtx{}, kNoon);
  EXPECT_TRUE(list.allowed);
  EXPECT_EQ(list.scope, Scope::Assigned);
  // T1 may not create or approve (acceptance 17).
  const Decision create = authorize(t1, "create:work-orders", workOrder("S1"), kNoon);
  expectDenied(create, "AUTHZ_INSUFFICIENT_PERMISSIONS", "no-permission");
  EXPECT_NE(create.error.message.find("create:work-orders"), std::string::npos);
  expectDenied(authorize(t1, "approve:work-orders", workOrder("S1", {"T1"}), kNoon), "AUTHZ_INSUFFICIENT_PERMISSIONS");
  expectDenied(authorize(t1, "read:audit-logs", ResourceCtx{}, kNoon), "AUTHZ_INSUFFICIENT_PERMISSIONS");
}

TEST(PolicyAbac, OnlyTheAssigneeExecutesExceptSupervisorsAndPlantManagers) {
  const ResourceCtx wo = workOrder("S1", {"T1"});
  EXPECT_TRUE(authorize(user(Role::FieldTechnicianElectrical, "T1"), "execute:work-orders", wo, kNoon));
  EXPECT_FALSE(authorize(user(Role::FieldTechnicianElectrical, "T2"), "execute:work-orders", wo, kNoon));
  EXPECT_TRUE(authorize(user(Role::MaintenanceSupervisor, "MS"), "execute:work-orders", wo, kNoon));
  EXPECT_TRUE(authorize(user(Role::PlantManager, "PM"), "execute:work-orders", wo, kNoon));
  EXPECT_TRUE(authorize(user(Role::SystemAdministrator, "A", {}), "execute:work-orders", wo, kNoon));
  EXPECT_FALSE(authorize(user(Role::SiteEngineer, "SE"), "execute:work-orders", wo, kNoon));
  EXPECT_TRUE(authorize(user(Role::SiteEngineer, "SE"), "execute:work-orders", workOrder("S1", {"SE"}), kNoon));
}

TEST(PolicyAbac, MobileExecutionFarFromTheAssetIsDenied) {
  const Principal t1 = user(Role::FieldTechnicianElectrical, "T1");
  ResourceCtx wo = workOrder("S1", {"T1"});
  wo.distanceToAssetM = 4'999;
  EXPECT_TRUE(authorize(t1, "execute:work-orders", wo, kNoon));
  wo.distanceToAssetM = 5'001;
  expectDenied(authorize(t1, "execute:work-orders", wo, kNoon), "AUTHZ_RESOURCE_FORBIDDEN", "too-far");
}

TEST(PolicyAbac, TenantWideAndGlobalRolesIgnoreSiteLists) {
  const Principal re = user(Role::ReliabilityEngineer, "RE", {});
  EXPECT_TRUE(authorize(re, "read:work-orders", workOrder("S1"), kNoon));
  EXPECT_TRUE(authorize(re, "read:work-orders", workOrder("S2"), kNoon));
  expectDenied(authorize(re, "create:work-orders", workOrder("S1"), kNoon), "AUTHZ_INSUFFICIENT_PERMISSIONS");
  const Principal admin = user(Role::SystemAdministrator, "A", {});
  EXPECT_TRUE(authorize(admin, "read:audit-logs", workOrder("S2"), kNoon));
  EXPECT_TRUE(authorize(admin, "manage:sites", workOrder("S9"), kNoon));
}

TEST(PolicyAbac, OtherTenantsAreNeverReachable) {
  ResourceCtx foreign = workOrder("S1");
  foreign.tenantId = "t2";
  expectDenied(authorize(user(Role::SystemAdministrator, "A"), "read:work-orders", foreign, kNoon),
               "AUTHZ_RESOURCE_FORBIDDEN", "tenant");
  expectDenied(authorize(user(Role::PlantManager), "read:work-orders", foreign, kNoon), "AUTHZ_RESOURCE_FORBIDDEN");
}

TEST(PolicyAbac, UnknownPermissionsAreDeniedByDefault) {
  expectDenied(authorize(user(Role::PlantManager), "frobnicate:widgets", ResourceCtx{}, kNoon),
               "AUTHZ_INSUFFICIENT_PERMISSIONS", "no-permission");
  expectDenied(authorize(user(Role::PlantManager), "", ResourceCtx{}, kNoon), "AUTHZ_INSUFFICIENT_PERMISSIONS");
}

TEST(PolicyAbac, ContractorsOnlyWithinWorkingHours) {
  const Principal k = user(Role::ContractorOem, "K");
  const ResourceCtx wo = workOrder("S1", {"K"});
  expectDenied(authorize(k, "read:work-orders", wo, kMidnightUtc + 8 * kHour - 1), "AUTHZ_RESOURCE_FORBIDDEN",
               "contractor-hours");
  EXPECT_TRUE(authorize(k, "read:work-orders", wo, kMidnightUtc + 8 * kHour));
  EXPECT_TRUE(authorize(k, "read:work-orders", wo, kMidnightUtc + 17 * kHour - 1));
  expectDenied(authorize(k, "read:work-orders", wo, kMidnightUtc + 17 * kHour), "AUTHZ_RESOURCE_FORBIDDEN",
               "contractor-hours");
  // Also list-level checks.
  EXPECT_FALSE(authorize(k, "read:work-orders", ResourceCtx{}, kMidnightUtc + 3 * kHour));

  // A site at UTC+2: 06:00Z is 08:00 local.
  Principal east = k;
  east.contractorHours.utcOffsetMinutes = 120;
  EXPECT_TRUE(authorize(east, "read:work-orders", wo, kMidnightUtc + 6 * kHour));
  EXPECT_FALSE(authorize(east, "read:work-orders", wo, kMidnightUtc + 15 * kHour));
  // A site at UTC-5 wraps across midnight UTC: 13:00Z is 08:00 local, 21:59Z is 16:59 local.
  Principal west = k;
  west.contractorHours.utcOffsetMinutes = -300;
  EXPECT_FALSE(authorize(west, "read:work-orders", wo, kMidnightUtc + 12 * kHour));
  EXPECT_TRUE(authorize(west, "read:work-orders", wo, kMidnightUtc + 13 * kHour));
  EXPECT_TRUE(authorize(west, "read:work-orders", wo, kMidnightUtc + 22 * kHour - 60'000));
  // An employee is not bound by contractor hours.
  EXPECT_TRUE(authorize(user(Role::FieldTechnicianElectrical, "K"), "read:work-orders", wo, kMidnightUtc + 3 * kHour));
}

TEST(PolicyAbac, ContractorsOnlyWithinTheirContractPeriod) {
  Principal k = user(Role::ContractorOm, "K");
  k.contractStartMs = kNoon - 10 * 24 * kHour;
  k.contractEndMs = kNoon + 10 * 24 * kHour;
  const ResourceCtx wo = workOrder("S1", {"K"});
  EXPECT_TRUE(authorize(k, "read:work-orders", wo, kNoon));
  expectDenied(authorize(k, "read:work-orders", wo, kNoon - 11 * 24 * kHour), "AUTHZ_RESOURCE_FORBIDDEN",
               "contract-period");
  expectDenied(authorize(k, "read:work-orders", wo, kNoon + 10 * 24 * kHour), "AUTHZ_RESOURCE_FORBIDDEN",
               "contract-period");
  // Records from before the contract are not visible either.
  ResourceCtx old = wo;
  old.occurredAtMs = kNoon - 30 * 24 * kHour;
  expectDenied(authorize(k, "read:work-orders", old, kNoon), "AUTHZ_RESOURCE_FORBIDDEN", "contract-period");
  // An employee-type flag on a non-contractor role also counts as contractor.
  Principal external = user(Role::FieldTechnicianMechanical, "X");
  external.employmentType = "contractor";
  external.contractEndMs = kNoon;
  EXPECT_FALSE(authorize(external, "read:work-orders", workOrder("S1", {"X"}), kNoon));
}

TEST(PolicyAbac, AuditorAccessIsTimeLimited) {
  Principal a = user(Role::Auditor, "AU", {});
  a.employmentType = "auditor";
  a.contractEndMs = kNoon;
  EXPECT_TRUE(authorize(a, "read:audit-logs", ResourceCtx{}, kNoon - 1));
  expectDenied(authorize(a, "read:audit-logs", ResourceCtx{}, kNoon), "AUTHZ_RESOURCE_FORBIDDEN", "contract-period");
  // Auditors are not bound to contractor hours.
  EXPECT_TRUE(authorize(a, "read:audit-logs", ResourceCtx{}, kMidnightUtc + 2 * kHour));
}

TEST(PolicyAbac, ScadaOperatorCreatesWorkOrdersOnlyFromAlarms) {
  const Principal sc = user(Role::ScadaOperator, "SC");
  ResourceCtx wo = workOrder("S1");
  wo.origin = "manual";
  expectDenied(authorize(sc, "create:work-orders", wo, kNoon), "AUTHZ_RESOURCE_FORBIDDEN", "constraint:alarm-origin");
  wo.origin = "alarm";
  EXPECT_TRUE(authorize(sc, "create:work-orders", wo, kNoon));
}

TEST(PolicyAbac, DeleteOnlyDrafts) {
  const Principal pm = user(Role::PlantManager);
  ResourceCtx wo = workOrder("S1");
  wo.status = "draft";
  EXPECT_TRUE(authorize(pm, "delete:work-orders", wo, kNoon));
  wo.status = "submitted";
  expectDenied(authorize(pm, "delete:work-orders", wo, kNoon), "AUTHZ_RESOURCE_FORBIDDEN", "constraint:draft-only");
}

TEST(PolicyAbac, ApprovalCeilings) {
  ResourceCtx wo = workOrder("S1");
  const Principal se = user(Role::SiteEngineer), pm = user(Role::PlantManager), pf = user(Role::PortfolioManager);
  wo.amount = 25'000;
  EXPECT_TRUE(authorize(se, "approve:work-orders", wo, kNoon));
  wo.amount = 25'000.01;
  expectDenied(authorize(se, "approve:work-orders", wo, kNoon), "AUTHZ_RESOURCE_FORBIDDEN", "constraint:within-ceiling");
  EXPECT_TRUE(authorize(pm, "approve:work-orders", wo, kNoon));
  wo.amount = 100'000;
  EXPECT_TRUE(authorize(pm, "approve:work-orders", wo, kNoon));
  EXPECT_FALSE(authorize(pf, "approve:work-orders", wo, kNoon));  // not above the PM tier
  wo.amount = 150'000;
  EXPECT_FALSE(authorize(pm, "approve:work-orders", wo, kNoon));
  EXPECT_TRUE(authorize(pf, "approve:work-orders", wo, kNoon));
  EXPECT_TRUE(authorize(user(Role::SystemAdministrator, "A", {}), "approve:work-orders", wo, kNoon));
  wo.amount.reset();  // unknown cost counts as zero
  EXPECT_TRUE(authorize(se, "approve:work-orders", wo, kNoon));
}

TEST(PolicyAbac, TechniciansEditOnlyStatusNotesAndAttachments) {
  const Principal t1 = user(Role::WindTurbineTechnician, "T1");
  ResourceCtx wo = workOrder("S1", {"T1"});
  wo.fields = {"status", "completionNotes"};
  EXPECT_TRUE(authorize(t1, "update:work-orders", wo, kNoon));
  wo.fields = {"status", "priority"};
  expectDenied(authorize(t1, "update:work-orders", wo, kNoon), "AUTHZ_RESOURCE_FORBIDDEN", "constraint:field-notes");
}

TEST(PolicyAbac, SupervisorEditsOwnTeamOnly) {
  const Principal ms = user(Role::MaintenanceSupervisor, "MS");
  ResourceCtx wo = workOrder("S1", {"T1"});
  EXPECT_FALSE(authorize(ms, "update:work-orders", wo, kNoon));  // team unknown → denied
  wo.ownTeam = false;
  EXPECT_FALSE(authorize(ms, "update:work-orders", wo, kNoon));
  wo.ownTeam = true;
  EXPECT_TRUE(authorize(ms, "update:work-orders", wo, kNoon));
  // 09 wins over 03: the supervisor cannot close or cancel.
  expectDenied(authorize(ms, "close:work-orders", wo, kNoon), "AUTHZ_INSUFFICIENT_PERMISSIONS");
  expectDenied(authorize(ms, "cancel:work-orders", wo, kNoon), "AUTHZ_INSUFFICIENT_PERMISSIONS");
}

TEST(PolicyAbac, PermitIssuingByType) {
  const ResourceCtx permit = workOrder("S1");
  const Principal ms = user(Role::MaintenanceSupervisor), eh = user(Role::EhsOfficer);
  EXPECT_TRUE(authorize(ms, "issue-permit:loto", permit, kNoon));
  expectDenied(authorize(ms, "issue-permit:hot-work", permit, kNoon), "AUTHZ_INSUFFICIENT_PERMISSIONS");
  EXPECT_TRUE(authorize(eh, "issue-permit:hot-work", permit, kNoon));
  EXPECT_TRUE(authorize(eh, "issue-permit:confined-space", permit, kNoon));
  expectDenied(authorize(user(Role::FieldTechnicianElectrical), "issue-permit:loto", permit, kNoon),
               "AUTHZ_INSUFFICIENT_PERMISSIONS");
}

TEST(PolicyAbac, CategoryConstraints) {
  const Principal eh = user(Role::EhsOfficer);
  ResourceCtx log = workOrder("S1");
  log.category = "safety";
  EXPECT_TRUE(authorize(eh, "read:audit-logs", log, kNoon));
  log.category = "work-order";
  expectDenied(authorize(eh, "read:audit-logs", log, kNoon), "AUTHZ_RESOURCE_FORBIDDEN", "constraint:safety-only");
  // List level: allowed with the filter the caller must apply.
  const Decision list = authorize(eh, "read:audit-logs", ResourceCtx{}, kNoon);
  EXPECT_TRUE(list.allowed);
  EXPECT_TRUE(list.has(kSafetyOnly));

  ResourceCtx telemetry = workOrder("S1");
  telemetry.assetCategory = "battery";
  EXPECT_TRUE(authorize(user(Role::BessSpecialist), "read:telemetry", telemetry, kNoon));
  telemetry.assetCategory = "inverter";
  EXPECT_FALSE(authorize(user(Role::BessSpecialist), "read:telemetry", telemetry, kNoon));

  ResourceCtx part = workOrder("S1", {"K"});
  EXPECT_FALSE(authorize(user(Role::ContractorOem, "K"), "consume:inventory", part, kNoon));
  EXPECT_TRUE(authorize(user(Role::ContractorOm, "K"), "consume:inventory", part, kNoon));
  part.warrantyPart = true;
  EXPECT_TRUE(authorize(user(Role::ContractorOem, "K"), "consume:inventory", part, kNoon));

  ResourceCtx asset = workOrder("S1");
  asset.targetStatus = "under-maintenance";
  EXPECT_TRUE(authorize(user(Role::MaintenanceSupervisor), "update-status:assets", asset, kNoon));
  EXPECT_FALSE(authorize(user(Role::ScadaOperator), "update-status:assets", asset, kNoon));
  asset.targetStatus = "failed";
  EXPECT_TRUE(authorize(user(Role::ScadaOperator), "update-status:assets", asset, kNoon));
  asset.targetStatus = "decommissioned";
  EXPECT_FALSE(authorize(user(Role::MaintenanceSupervisor), "update-status:assets", asset, kNoon));
  EXPECT_TRUE(authorize(user(Role::PlantManager), "update-status:assets", asset, kNoon));

  ResourceCtx edit = workOrder("S1");
  edit.fields = {"manufacturer", "model"};
  EXPECT_TRUE(authorize(user(Role::OmCoordinator), "update:assets", edit, kNoon));
  edit.fields = {"siteId"};
  EXPECT_FALSE(authorize(user(Role::OmCoordinator), "update:assets", edit, kNoon));

  ResourceCtx report;
  report.resourceId = "export-1";
  report.category = "inventory";
  EXPECT_TRUE(authorize(user(Role::InventoryCoordinator), "export:reports", report, kNoon));
  EXPECT_FALSE(authorize(user(Role::EhsOfficer), "export:reports", report, kNoon));
}

TEST(PolicyAbac, OwnScopeMeansOwnRecords) {
  const Principal t1 = user(Role::FieldTechnicianElectrical, "T1");
  ResourceCtx profile;
  profile.ownerId = "T1";
  EXPECT_TRUE(authorize(t1, "update:users", profile, kNoon));
  profile.ownerId = "T2";
  expectDenied(authorize(t1, "update:users", profile, kNoon), "AUTHZ_RESOURCE_FORBIDDEN", "not-owner");
  EXPECT_TRUE(authorize(user(Role::PlantManager, "PM"), "update:users", workOrder("S1"), kNoon));
}

TEST(PolicyAbac, ContractorsAndEmergencyRespondersAreFlaggedForAudit) {
  EXPECT_TRUE(authorize(user(Role::ContractorOm, "K"), "read:work-orders", workOrder("S1", {"K"}), kNoon).flagged);
  EXPECT_TRUE(authorize(user(Role::EmergencyResponder), "read:work-orders", workOrder("S1"), kNoon).flagged);
  EXPECT_FALSE(authorize(user(Role::PlantManager), "read:work-orders", workOrder("S1"), kNoon).flagged);
  ResourceCtx wo = workOrder("S1");
  wo.type = "corrective";
  EXPECT_FALSE(authorize(user(Role::EmergencyResponder), "create:work-orders", wo, kNoon));
  wo.type = "emergency";
  EXPECT_TRUE(authorize(user(Role::EmergencyResponder), "create:work-orders", wo, kNoon));
}

TEST(PolicyHelpers, CostVisibility) {
  for (Role r : {Role::FieldTechnicianElectrical, Role::FieldTechnicianMechanical, Role::WindTurbineTechnician,
                 Role::BessSpecialist, Role::ScadaOperator, Role::EhsOfficer, Role::ComplianceOfficer,
                 Role::ContractorOem, Role::ContractorOm, Role::EmergencyResponder}) {
    EXPECT_FALSE(seesCosts(r)) << roleName(r);
  }
  for (Role r : {Role::PortfolioManager, Role::PlantManager, Role::SiteEngineer, Role::OmCoordinator,
                 Role::MaintenanceSupervisor, Role::InventoryCoordinator, Role::ReliabilityEngineer,
                 Role::SystemAdministrator, Role::Auditor}) {
    EXPECT_TRUE(seesCosts(r)) << roleName(r);
  }
  EXPECT_EQ(costVisibility(Role::InventoryCoordinator), CostVisibility::PartsOnly);
  EXPECT_EQ(costVisibility(Role::PlantManager), CostVisibility::Full);
}

TEST(PolicyHelpers, MfaRequirement) {
  for (Role r : {Role::SystemAdministrator, Role::EmergencyResponder, Role::ContractorOem, Role::ContractorOm,
                 Role::PlantManager, Role::SiteEngineer, Role::PortfolioManager}) {
    EXPECT_TRUE(requiresMfa(r)) << roleName(r);
  }
  for (Role r : {Role::FieldTechnicianElectrical, Role::MaintenanceSupervisor, Role::OmCoordinator,
                 Role::ReliabilityEngineer, Role::ScadaOperator}) {
    EXPECT_FALSE(requiresMfa(r)) << roleName(r);
  }
}

TEST(PolicyHelpers, ScopesAndCeilings) {
  EXPECT_EQ(siteScope(Role::SystemAdministrator), SiteScope::Global);
  EXPECT_EQ(siteScope(Role::ReliabilityEngineer), SiteScope::AllSites);
  EXPECT_EQ(siteScope(Role::ComplianceOfficer), SiteScope::AllSites);
  EXPECT_EQ(siteScope(Role::PortfolioManager), SiteScope::AllSites);
  EXPECT_EQ(siteScope(Role::PlantManager), SiteScope::OwnSites);
  EXPECT_EQ(siteScope(Role::ScadaOperator), SiteScope::OwnSites);
  EXPECT_EQ(siteScope(Role::ContractorOm), SiteScope::OwnSites);

  for (Role r : allRoles()) {
    EXPECT_EQ(assignedOnly(r), isTechnician(r) || isContractor(r)) << roleName(r);
  }
  EXPECT_EQ(approvalCeiling(Role::SiteEngineer), 25'000);
  EXPECT_EQ(approvalCeiling(Role::PlantManager), 100'000);
  EXPECT_TRUE(std::isinf(*approvalCeiling(Role::PortfolioManager)));
  EXPECT_FALSE(approvalCeiling(Role::MaintenanceSupervisor));
  EXPECT_FALSE(approvalCeiling(Role::FieldTechnicianElectrical));
}

TEST(Roles, NamesRoundTripAndAliasesParse) {
  for (Role r : allRoles()) EXPECT_EQ(parseRole(roleName(r)), r);
  EXPECT_EQ(roleName(Role::OmCoordinator), "om-coordinator");
  EXPECT_EQ(parseRole("system-admin"), Role::SystemAdministrator);
  EXPECT_EQ(parseRole("site-manager"), Role::PlantManager);
  EXPECT_FALSE(parseRole("Plant-Manager"));
  EXPECT_FALSE(parseRole("asset-owner"));
}

TEST(Roles, PrincipalFromClaims) {
  jwt::Claims c;
  c.sub = "u9";
  c.tenantId = "t1";
  c.role = "bess-specialist";
  c.siteIds = {"S1"};
  c.skills = {"bess"};
  c.employmentType = "employee";
  c.mfa = true;
  const auto p = principalFromClaims(c);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->userId, "u9");
  EXPECT_EQ(p->role, Role::BessSpecialist);
  EXPECT_EQ(p->siteIds, c.siteIds);
  EXPECT_TRUE(p->mfa);
  c.role = "overlord";
  EXPECT_FALSE(principalFromClaims(c));
}

}  // namespace
}  // namespace dcmms::auth
