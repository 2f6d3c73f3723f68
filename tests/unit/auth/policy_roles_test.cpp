// One test per role: every permission of the matrix is checked, both through grantFor and
// through authorize at collection level. The expected lists are transcribed from 01 §6.1
// independently of the table in src/auth/roles.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "auth/policy.h"

namespace dcmms::auth {
namespace {

constexpr int64_t kNoonUtc = 1'700'049'600'000;  // 2023-11-15T12:00:00Z, inside contractor hours

using Expected = std::map<std::string, Grant, std::less<>>;
constexpr Scope Own = Scope::Own, Asg = Scope::Assigned, Site = Scope::Site, All = Scope::All,
                Global = Scope::Global;

void checkRole(Role role, const Expected& expected) {
  SCOPED_TRACE(std::string(roleName(role)));
  const std::vector<std::string> perms = matrixPermissions();
  for (const auto& [perm, grant] : expected) {
    ASSERT_TRUE(std::binary_search(perms.begin(), perms.end(), perm)) << "not a matrix permission: " << perm;
  }
  Principal p;
  p.userId = "u1";
  p.tenantId = "t1";
  p.role = role;
  p.siteIds = {"S1"};
  for (const std::string& perm : perms) {
    const Grant actual = grantFor(role, perm);
    const Decision d = authorize(p, perm, ResourceCtx{}, kNoonUtc);
    const auto it = expected.find(perm);
    if (it == expected.end()) {
      EXPECT_EQ(actual.scope, Scope::None) << perm << " should be refused";
      EXPECT_FALSE(d.allowed) << perm;
      EXPECT_EQ(d.error.httpStatus, 403) << perm;
      EXPECT_EQ(d.error.code, "AUTHZ_INSUFFICIENT_PERMISSIONS") << perm;
      EXPECT_NE(d.error.message.find(perm), std::string::npos) << d.error.message;
    } else {
      EXPECT_EQ(actual.scope, it->second.scope) << perm << ": got " << scopeName(actual.scope);
      EXPECT_EQ(actual.constraints, it->second.constraints) << perm;
      EXPECT_TRUE(d.allowed) << perm << ": " << d.error.message;
      EXPECT_EQ(d.scope, it->second.scope) << perm;
      EXPECT_EQ(d.constraints, it->second.constraints) << perm;
    }
  }
}

TEST(PolicyRoles, PortfolioManager) {
  checkRole(Role::PortfolioManager,
            {{"read:work-orders", {All}},        {"approve:work-orders", {All, kEscalationOnly}},
             {"read:costs", {All}},              {"read:assets", {All}},
             {"read:asset-history", {All}},      {"read:telemetry", {All}},
             {"read:inventory", {All, kAggregateOnly}}, {"read:part-costs", {All}},
             {"read:schedules", {All}},          {"read:executive-dashboard", {All}},
             {"read:ops-dashboard", {All}},      {"read:sla-reports", {All}},
             {"read:cost-reports", {All}},       {"export:reports", {All}},
             {"read:users", {All}},              {"read:audit-logs", {All}},
             {"read:sites", {All}}});
}

TEST(PolicyRoles, PlantManager) {
  Expected e;
  for (const char* perm :
       {"read:work-orders", "create:work-orders", "update:work-orders", "assign:work-orders", "execute:work-orders",
        "verify:work-orders", "close:work-orders", "cancel:work-orders", "schedule:work-orders",
        "reschedule:work-orders", "bulk:work-orders", "read:costs", "create:attachments", "create:labor",
        "create:parts-used", "read:assets", "read:asset-history", "create:assets", "delete:assets",
        "update:asset-location", "update:assets", "update-status:assets", "read:telemetry", "manage:asset-documents",
        "read:inventory", "manage:parts", "reserve:inventory", "consume:inventory", "return:inventory",
        "read:part-costs", "read:schedules", "manage:pm-schedules", "read:executive-dashboard", "read:ops-dashboard",
        "read:sla-reports", "read:cost-reports", "export:reports", "read:users", "manage:users",
        "update:site-settings", "update:users", "manage:skills", "read:audit-logs", "manage:integrations",
        "manage:checklists", "execute:checklists", "create:permits", "issue-permit:*", "issue-permit:loto",
        "manage:incidents", "read:sites", "create:api-keys"}) {
    e[perm] = {Site};
  }
  e["delete:work-orders"] = {Site, kDraftOnly};
  e["approve:work-orders"] = {Site, kWithinCeiling};
  e["create:inventory-adjustments"] = {Site, kNeedsApproval};
  checkRole(Role::PlantManager, e);
}

TEST(PolicyRoles, SiteEngineer) {
  Expected e;
  for (const char* perm :
       {"read:work-orders", "create:work-orders", "update:work-orders", "assign:work-orders", "verify:work-orders",
        "close:work-orders", "cancel:work-orders", "schedule:work-orders", "reschedule:work-orders",
        "bulk:work-orders", "read:costs", "create:attachments", "create:labor", "create:parts-used", "read:assets",
        "read:asset-history", "create:assets", "delete:assets", "update:asset-location", "update:assets",
        "update-status:assets", "read:telemetry", "manage:asset-documents", "read:inventory", "manage:parts",
        "reserve:inventory", "consume:inventory", "return:inventory", "read:part-costs", "read:schedules",
        "manage:pm-schedules", "read:executive-dashboard", "read:ops-dashboard", "read:sla-reports",
        "read:cost-reports", "export:reports", "read:users", "manage:skills", "read:audit-logs", "manage:checklists",
        "execute:checklists", "create:permits", "issue-permit:*", "issue-permit:loto", "manage:incidents",
        "read:sites"}) {
    e[perm] = {Site};
  }
  e["delete:work-orders"] = {Site, kDraftOnly};
  e["approve:work-orders"] = {Site, kWithinCeiling};
  e["execute:work-orders"] = {Asg};  // ABAC policy 2
  e["create:inventory-adjustments"] = {Site, kNeedsApproval};
  e["manage:integrations"] = {Site, kScadaOnly};
  checkRole(Role::SiteEngineer, e);
}

TEST(PolicyRoles, OmCoordinator) {
  Expected e;
  for (const char* perm :
       {"read:work-orders", "create:work-orders", "update:work-orders", "assign:work-orders", "close:work-orders",
        "cancel:work-orders", "schedule:work-orders", "reschedule:work-orders", "bulk:work-orders", "read:costs",
        "create:attachments", "read:assets", "read:asset-history", "read:telemetry", "manage:asset-documents",
        "read:inventory", "manage:parts", "reserve:inventory", "return:inventory", "read:part-costs",
        "read:schedules", "manage:pm-schedules", "read:executive-dashboard", "read:ops-dashboard",
        "read:sla-reports", "read:cost-reports", "export:reports", "read:users", "manage:skills", "read:audit-logs",
        "create:permits", "read:sites"}) {
    e[perm] = {Site};
  }
  e["delete:work-orders"] = {Site, kDraftOnly};
  e["update:assets"] = {Site, kDescriptiveFields};
  e["create:inventory-adjustments"] = {Site, kNeedsApproval};
  checkRole(Role::OmCoordinator, e);
}

TEST(PolicyRoles, MaintenanceSupervisor) {
  Expected e;
  for (const char* perm :
       {"read:work-orders", "create:work-orders", "assign:work-orders", "execute:work-orders", "verify:work-orders",
        "read:costs", "create:attachments", "create:labor", "create:parts-used", "read:assets", "read:asset-history",
        "read:telemetry", "read:inventory", "reserve:inventory", "consume:inventory", "return:inventory",
        "read:part-costs", "read:schedules", "read:executive-dashboard", "read:ops-dashboard", "manage:checklists",
        "execute:checklists", "create:permits", "issue-permit:loto", "read:sites"}) {
    e[perm] = {Site};
  }
  e["update:work-orders"] = {Site, kOwnTeam};
  e["reschedule:work-orders"] = {Site, kOwnTeam};
  e["update-status:assets"] = {Site, kFieldStatus};
  e["read:users"] = {Site, kOwnTeam};
  e["manage:skills"] = {Site, kOwnTeam};
  e["manage:incidents"] = {Site, kMinorOnly};
  checkRole(Role::MaintenanceSupervisor, e);
}

Expected technician() {
  return {{"read:work-orders", {Asg}},
          {"update:work-orders", {Asg, kFieldNotesOnly}},
          {"execute:work-orders", {Asg}},
          {"create:attachments", {Asg}},
          {"create:labor", {Asg}},
          {"create:parts-used", {Asg}},
          {"read:assets", {Asg}},
          {"read:asset-history", {Asg}},
          {"update-status:assets", {Asg, kFieldStatus}},
          {"read:inventory", {Site, kAvailabilityOnly}},
          {"reserve:inventory", {Asg, kAutoReserveOnly}},
          {"consume:inventory", {Asg}},
          {"return:inventory", {Asg}},
          {"read:schedules", {Asg}},
          {"read:ops-dashboard", {Own}},
          {"read:users", {Own}},
          {"update:users", {Own}},
          {"manage:skills", {Own}},
          {"execute:checklists", {Asg}},
          {"create:permits", {Asg}},
          {"read:sites", {Site}}};
}

TEST(PolicyRoles, FieldTechnicianElectrical) { checkRole(Role::FieldTechnicianElectrical, technician()); }
TEST(PolicyRoles, FieldTechnicianMechanical) { checkRole(Role::FieldTechnicianMechanical, technician()); }
TEST(PolicyRoles, WindTurbineTechnician) { checkRole(Role::WindTurbineTechnician, technician()); }
TEST(PolicyRoles, BessSpecialist) {
  Expected e = technician();
  e["read:telemetry"] = {Site, kBessOnly};  // note 7
  checkRole(Role::BessSpecialist, e);
}

TEST(PolicyRoles, ScadaOperator) {
  checkRole(Role::ScadaOperator, {{"read:work-orders", {Site}},
                                  {"create:work-orders", {Site, kAlarmOrigin}},
                                  {"read:assets", {Site}},
                                  {"read:asset-history", {Site}},
                                  {"update-status:assets", {Site, kRemoteStatus}},
                                  {"read:telemetry", {Site}},
                                  {"read:schedules", {Site}},
                                  {"read:ops-dashboard", {Site}},
                                  {"read:users", {Site, kOperatorsOnly}},
                                  {"update:users", {Own}},
                                  {"manage:integrations", {Site, kScadaOnly}},
                                  {"read:sites", {Site}}});
}

TEST(PolicyRoles, InventoryCoordinator) {
  checkRole(Role::InventoryCoordinator, {{"read:work-orders", {Site}},
                                         {"read:costs", {Site, kPartsCostsOnly}},
                                         {"create:parts-used", {Site}},
                                         {"read:assets", {Site}},
                                         {"read:asset-history", {Site}},
                                         {"read:inventory", {Site}},
                                         {"manage:parts", {Site}},
                                         {"create:inventory-adjustments", {Site}},
                                         {"reserve:inventory", {Site}},
                                         {"consume:inventory", {Site}},
                                         {"return:inventory", {Site}},
                                         {"read:part-costs", {Site}},
                                         {"read:schedules", {Site}},
                                         {"read:ops-dashboard", {Site}},
                                         {"read:cost-reports", {Site, kInventoryOnly}},
                                         {"export:reports", {Site, kOwnDomain}},
                                         {"read:users", {Own}},
                                         {"update:users", {Own}},
                                         {"read:sites", {Site}}});
}

TEST(PolicyRoles, EhsOfficer) {
  checkRole(Role::EhsOfficer, {{"read:work-orders", {Site}},
                               {"create:attachments", {Site, kSafetyOnly}},
                               {"read:assets", {Site}},
                               {"read:asset-history", {Site, kSafetyOnly}},
                               {"manage:asset-documents", {Site, kSafetyOnly}},
                               {"read:schedules", {Site}},
                               {"read:ops-dashboard", {Site}},
                               {"export:reports", {Site, kOwnDomain}},
                               {"read:users", {Site}},
                               {"update:users", {Own}},
                               {"manage:skills", {Site}},
                               {"read:audit-logs", {Site, kSafetyOnly}},
                               {"manage:checklists", {Site}},
                               {"execute:checklists", {Site}},
                               {"issue-permit:*", {Site}},
                               {"issue-permit:loto", {Site}},
                               {"manage:incidents", {Site}},
                               {"read:sites", {Site}}});
}

TEST(PolicyRoles, ReliabilityEngineer) {
  checkRole(Role::ReliabilityEngineer,
            {{"read:work-orders", {All}},  {"read:costs", {All}},      {"read:assets", {All}},
             {"read:asset-history", {All}}, {"read:telemetry", {All}},  {"read:inventory", {All}},
             {"read:part-costs", {All}},   {"read:schedules", {All}},  {"read:executive-dashboard", {All}},
             {"read:ops-dashboard", {All}}, {"export:reports", {All}},  {"read:users", {All}},
             {"update:users", {Own}},      {"read:audit-logs", {All}}, {"read:sites", {All}},
             {"create:models", {All}},     {"deploy:models", {All}}});
}

TEST(PolicyRoles, ComplianceOfficer) {
  checkRole(Role::ComplianceOfficer, {{"read:work-orders", {All}},
                                      {"create:attachments", {All, kComplianceOnly}},
                                      {"read:assets", {All}},
                                      {"read:asset-history", {All}},
                                      {"manage:asset-documents", {All, kComplianceOnly}},
                                      {"read:schedules", {All}},
                                      {"read:ops-dashboard", {All}},
                                      {"read:sla-reports", {All}},
                                      {"export:reports", {All, kOwnDomain}},
                                      {"read:users", {All}},
                                      {"update:users", {Own}},
                                      {"manage:skills", {All, kComplianceOnly}},
                                      {"read:audit-logs", {All}},
                                      {"read:sites", {All}}});
}

Expected contractor() {
  return {{"read:work-orders", {Asg}},
          {"update:work-orders", {Asg, kFieldNotesOnly}},
          {"execute:work-orders", {Asg}},
          {"create:attachments", {Asg}},
          {"create:labor", {Asg}},
          {"create:parts-used", {Asg}},
          {"read:assets", {Asg}},
          {"read:inventory", {Site, kNoCost}},
          {"consume:inventory", {Asg}},
          {"read:schedules", {Asg}},
          {"read:ops-dashboard", {Own}},
          {"read:users", {Own}},
          {"update:users", {Own}},
          {"manage:skills", {Own}},
          {"execute:checklists", {Asg}},
          {"create:permits", {Asg}},
          {"read:sites", {Site}}};
}

TEST(PolicyRoles, ContractorOm) { checkRole(Role::ContractorOm, contractor()); }
TEST(PolicyRoles, ContractorOem) {
  Expected e = contractor();
  e["consume:inventory"] = {Asg, kWarrantyPartsOnly};  // note 9
  checkRole(Role::ContractorOem, e);
}

TEST(PolicyRoles, SystemAdministratorHoldsEverythingGlobally) {
  Expected e;
  for (const auto& perm : matrixPermissions()) e[perm] = {Global};
  checkRole(Role::SystemAdministrator, e);
}

TEST(PolicyRoles, AuditorReadsEverythingAndChangesNothing) {
  Expected e;
  for (const auto& perm : matrixPermissions()) {
    if (perm.starts_with("read:")) e[perm] = {All};
  }
  checkRole(Role::Auditor, e);
}

TEST(PolicyRoles, EmergencyResponder) {
  Expected e;
  for (const char* perm :
       {"read:work-orders", "update:work-orders", "execute:work-orders", "cancel:work-orders", "emergency:override",
        "create:attachments", "create:labor", "create:parts-used", "create:permits", "execute:checklists",
        "read:assets", "read:telemetry", "consume:inventory", "read:schedules", "read:sites"}) {
    e[perm] = {Site};
  }
  e["create:work-orders"] = {Site, kEmergencyOnly};
  e["update-status:assets"] = {Site, kFieldStatus};
  e["read:inventory"] = {Site, kAvailabilityOnly};
  e["read:users"] = {Own};
  e["update:users"] = {Own};
  checkRole(Role::EmergencyResponder, e);
}

TEST(PolicyRoles, EveryRoleHasATest) {
  // 19 roles above; guards against adding a role without a matrix test.
  EXPECT_EQ(allRoles().size(), 19u);
}

}  // namespace
}  // namespace dcmms::auth
