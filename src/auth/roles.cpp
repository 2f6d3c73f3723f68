// Role names and the permission matrix as data. The matrix rows transcribe 01 §6.1 (09 §2)
// column by column; rows below "not in the 09 matrix" come from 01 §5/§6.2 and the API's
// needs. Decisions where the sources disagree are noted inline and in docs/decisions.md.
#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>

#include "auth/policy.h"

namespace dcmms::auth {
namespace {

constexpr std::array<std::string_view, kRoleCount> kRoleNames = {
    "portfolio-manager",  "plant-manager",       "site-engineer",
    "om-coordinator",     "maintenance-supervisor", "field-technician-electrical",
    "field-technician-mechanical", "wind-turbine-technician", "bess-specialist",
    "scada-operator",     "inventory-coordinator", "ehs-officer",
    "reliability-engineer", "compliance-officer", "contractor-oem",
    "contractor-om",      "system-administrator", "auditor",
    "emergency-responder",
};

// Matrix columns of 01 §6.1.
enum Col { Pf, PM, SE, OC, MS, T, SC, IC, EH, RE, CO, K, kCols };

struct Row {
  std::string_view permission;
  std::array<std::string_view, kCols> cells;
};

// Cell codes: "-" none; "Y"/"R"/"L" the role's home scope (its sites; every tenant site for
// Pf, RE and CO); "R*" every tenant site (SC: its monitored sites = its siteIds); "A" assigned
// work only; "O" own records only. ":flag+flag" adds constraints (names in constraintName).
// clang-format off
constexpr Row kMatrix[] = {
  //                              Pf     PM     SE     OC     MS     T      SC     IC     EH     RE     CO     K
  // Work orders
  {"read:work-orders",          {"R*",  "Y",   "Y",   "Y",   "Y",   "A",   "R*",  "R",   "R",   "R*",  "R*",  "A"}},
  {"create:work-orders",        {"-",   "Y",   "Y",   "Y",   "Y",   "-",   "L:alarm-origin", "-", "-", "-", "-", "-"}},
  {"update:work-orders",        {"-",   "Y",   "Y",   "Y",   "L:own-team", "A:field-notes", "-", "-", "-", "-", "-", "A:field-notes"}},
  {"delete:work-orders",        {"-",   "Y:draft-only", "Y:draft-only", "Y:draft-only", "-", "-", "-", "-", "-", "-", "-", "-"}},
  // Pf: 01 §5 gives it the tier above the plant manager's $100k; 09 shows "-" for routine approvals.
  {"approve:work-orders",       {"L:escalation", "Y:within-ceiling", "L:within-ceiling", "-", "-", "-", "-", "-", "-", "-", "-", "-"}},
  {"assign:work-orders",        {"-",   "Y",   "Y",   "Y",   "Y",   "-",   "-",   "-",   "-",   "-",   "-",   "-"}},
  // SE: "Y" in 09 but ABAC policy 2 (only the assignee executes, except supervisor, plant
  // manager, admin) is a deny, and deny wins.
  {"execute:work-orders",       {"-",   "Y",   "A",   "-",   "Y",   "A",   "-",   "-",   "-",   "-",   "-",   "A"}},
  {"verify:work-orders",        {"-",   "Y",   "Y",   "-",   "Y",   "-",   "-",   "-",   "-",   "-",   "-",   "-"}},
  // Supervisor: 09 ("-") wins over 03, which let it close, cancel and delete drafts.
  {"close:work-orders",         {"-",   "Y",   "Y",   "Y",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-"}},
  {"cancel:work-orders",        {"-",   "Y",   "Y",   "Y",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-"}},
  {"schedule:work-orders",      {"-",   "Y",   "Y",   "Y",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-"}},
  {"reschedule:work-orders",    {"-",   "Y",   "Y",   "Y",   "L:own-team", "-", "-", "-", "-", "-", "-", "-"}},
  {"bulk:work-orders",          {"-",   "Y",   "Y",   "Y",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-"}},
  {"read:costs",                {"Y",   "Y",   "Y",   "Y",   "R",   "-",   "-",   "L:parts-only", "-", "R*", "-", "-"}},
  {"create:attachments",        {"-",   "Y",   "Y",   "Y",   "Y",   "A",   "-",   "-",   "L:safety-only", "-", "L:compliance-only", "A"}},
  {"create:labor",              {"-",   "Y",   "Y",   "-",   "Y",   "A",   "-",   "-",   "-",   "-",   "-",   "A"}},
  {"create:parts-used",         {"-",   "Y",   "Y",   "-",   "Y",   "A",   "-",   "Y",   "-",   "-",   "-",   "A"}},
  // Assets
  {"read:assets",               {"R*",  "Y",   "Y",   "R",   "R",   "A",   "R*",  "R",   "R",   "R*",  "R*",  "A"}},
  {"read:asset-history",        {"R*",  "Y",   "Y",   "R",   "R",   "A",   "R*",  "R",   "L:safety-only", "R*", "R*", "-"}},
  {"create:assets",             {"-",   "Y",   "Y",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-"}},
  {"delete:assets",             {"-",   "Y",   "Y",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-"}},  // decommission
  {"update:asset-location",     {"-",   "Y",   "Y",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-"}},  // GPS
  {"update:assets",             {"-",   "Y",   "Y",   "L:descriptive-fields", "-", "-", "-", "-", "-", "-", "-", "-"}},
  {"update-status:assets",      {"-",   "Y",   "Y",   "-",   "L:field-status", "A:field-status", "L:remote-status", "-", "-", "-", "-", "-"}},
  {"read:telemetry",            {"R*",  "Y",   "Y",   "R",   "R",   "-",   "Y",   "-",   "-",   "Y",   "-",   "-"}},
  {"manage:asset-documents",    {"-",   "Y",   "Y",   "Y",   "-",   "-",   "-",   "-",   "L:safety-only", "-", "L:compliance-only", "-"}},
  // Inventory
  {"read:inventory",            {"L:aggregate-only", "Y", "Y", "Y", "Y", "L:availability-only", "-", "Y", "-", "R*", "-", "L:no-cost"}},
  {"manage:parts",              {"-",   "Y",   "Y",   "Y",   "-",   "-",   "-",   "Y",   "-",   "-",   "-",   "-"}},
  {"create:inventory-adjustments", {"-", "L:needs-approval", "L:needs-approval", "L:needs-approval", "-", "-", "-", "Y", "-", "-", "-", "-"}},
  {"reserve:inventory",         {"-",   "Y",   "Y",   "Y",   "Y",   "A:auto-reserve", "-", "Y", "-", "-", "-", "-"}},
  {"consume:inventory",         {"-",   "Y",   "Y",   "-",   "Y",   "A",   "-",   "Y",   "-",   "-",   "-",   "A"}},
  {"return:inventory",          {"-",   "Y",   "Y",   "Y",   "Y",   "A",   "-",   "Y",   "-",   "-",   "-",   "-"}},
  {"read:part-costs",           {"Y",   "Y",   "Y",   "Y",   "R",   "-",   "-",   "Y",   "-",   "R*",  "-",   "-"}},
  // Scheduling
  {"read:schedules",            {"R",   "Y",   "Y",   "Y",   "Y",   "A",   "R",   "R",   "R",   "R",   "R",   "A"}},
  {"manage:pm-schedules",       {"-",   "Y",   "Y",   "Y",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-"}},
  // Reports ("others read; T personal only" — contractors are treated like technicians)
  {"read:executive-dashboard",  {"Y",   "Y",   "R",   "R",   "R",   "-",   "-",   "-",   "-",   "Y",   "-",   "-"}},
  {"read:ops-dashboard",        {"R",   "Y",   "Y",   "Y",   "Y",   "O",   "Y",   "R",   "R",   "Y",   "R",   "O"}},
  {"read:sla-reports",          {"Y",   "Y",   "Y",   "Y",   "-",   "-",   "-",   "-",   "-",   "-",   "Y",   "-"}},
  {"read:cost-reports",         {"Y",   "Y",   "Y",   "Y",   "-",   "-",   "-",   "L:inventory-only", "-", "-", "-", "-"}},
  {"export:reports",            {"Y",   "Y",   "Y",   "Y",   "-",   "-",   "-",   "L:own-domain", "L:own-domain", "Y", "L:own-domain", "-"}},
  // Administration and safety
  {"read:users",                {"R*",  "Y",   "R",   "R",   "L:own-team", "O", "L:operators-only", "O", "R", "R*", "R*", "O"}},
  {"manage:users",              {"-",   "Y",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-"}},  // create, roles, deactivate
  {"update:site-settings",      {"-",   "Y",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-"}},
  {"update:users",              {"-",   "Y",   "-",   "-",   "-",   "O",   "O",   "O",   "O",   "O",   "O",   "O"}},  // profiles
  {"manage:skills",             {"-",   "Y",   "Y",   "Y",   "L:own-team", "O", "-", "-", "Y", "-", "L:compliance-only", "O"}},
  {"read:audit-logs",           {"R*",  "Y",   "R",   "R",   "-",   "-",   "-",   "-",   "L:safety-only", "R*", "Y", "-"}},
  {"manage:integrations",       {"-",   "Y",   "L:scada-only", "-", "-", "-", "L:scada-only", "-", "-", "-", "-", "-"}},
  {"manage:checklists",         {"-",   "Y",   "Y",   "-",   "Y",   "-",   "-",   "-",   "Y",   "-",   "-",   "-"}},
  {"execute:checklists",        {"-",   "Y",   "Y",   "-",   "Y",   "A",   "-",   "-",   "Y",   "-",   "-",   "A"}},
  {"create:permits",            {"-",   "Y",   "Y",   "Y",   "Y",   "A",   "-",   "-",   "-",   "-",   "-",   "A"}},  // request
  {"issue-permit:*",            {"-",   "Y",   "Y",   "-",   "-",   "-",   "-",   "-",   "Y",   "-",   "-",   "-"}},
  {"issue-permit:loto",         {"-",   "Y",   "Y",   "-",   "Y",   "-",   "-",   "-",   "Y",   "-",   "-",   "-"}},
  {"manage:incidents",          {"-",   "Y",   "Y",   "-",   "L:minor-only", "-", "-", "-", "Y", "-", "-", "-"}},
  // Not in the 09 matrix (01 §5, §6.2, and what the API needs)
  {"read:sites",                {"R*",  "Y",   "Y",   "Y",   "Y",   "Y",   "Y",   "Y",   "Y",   "R*",  "R*",  "Y"}},
  {"create:api-keys",           {"-",   "Y",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-"}},  // integrations owner
  {"create:models",             {"-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "Y",   "-",   "-"}},
  {"deploy:models",             {"-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "Y",   "-",   "-"}},
  // Admin-only permissions (03): held through the administrator's "*" grant.
  {"manage:sites",              {"-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-"}},
  {"update:settings",           {"-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-"}},
  {"write:telemetry",           {"-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-"}},
  {"emergency:override",        {"-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-",   "-"}},
};
// clang-format on

struct RoleCell {
  Role role;
  std::string_view permission;
  std::string_view cell;
};

// Per-role refinements of a column that groups several roles.
constexpr RoleCell kOverrides[] = {
    {Role::BessSpecialist, "read:telemetry", "L:bess-only"},            // note 7
    {Role::ContractorOem, "consume:inventory", "A:warranty-parts-only"},  // note 9
};

// Roles outside the 09 matrix. The administrator holds everything; the auditor reads
// everything in the tenant; the emergency responder handles emergency work on its sites.
constexpr RoleCell kExtraRoles[] = {
    {Role::SystemAdministrator, "*", "G"},
    {Role::Auditor, "read:*", "R*"},
    {Role::EmergencyResponder, "read:work-orders", "Y"},
    {Role::EmergencyResponder, "create:work-orders", "Y:emergency-only"},
    {Role::EmergencyResponder, "update:work-orders", "Y"},
    {Role::EmergencyResponder, "execute:work-orders", "Y"},
    {Role::EmergencyResponder, "cancel:work-orders", "Y"},
    {Role::EmergencyResponder, "emergency:override", "Y"},
    {Role::EmergencyResponder, "create:attachments", "Y"},
    {Role::EmergencyResponder, "create:labor", "Y"},
    {Role::EmergencyResponder, "create:parts-used", "Y"},
    {Role::EmergencyResponder, "create:permits", "Y"},
    {Role::EmergencyResponder, "execute:checklists", "Y"},
    {Role::EmergencyResponder, "read:assets", "Y"},
    {Role::EmergencyResponder, "update-status:assets", "Y:field-status"},
    {Role::EmergencyResponder, "read:telemetry", "Y"},
    {Role::EmergencyResponder, "read:inventory", "Y:availability-only"},
    {Role::EmergencyResponder, "consume:inventory", "Y"},
    {Role::EmergencyResponder, "read:schedules", "Y"},
    {Role::EmergencyResponder, "read:sites", "Y"},
    {Role::EmergencyResponder, "read:users", "O"},
    {Role::EmergencyResponder, "update:users", "O"},
};

constexpr std::pair<Constraint, std::string_view> kConstraintNames[] = {
    {kAlarmOrigin, "alarm-origin"},
    {kOwnTeam, "own-team"},
    {kFieldNotesOnly, "field-notes"},
    {kDraftOnly, "draft-only"},
    {kWithinCeiling, "within-ceiling"},
    {kEscalationOnly, "escalation"},
    {kPartsCostsOnly, "parts-only"},
    {kSafetyOnly, "safety-only"},
    {kComplianceOnly, "compliance-only"},
    {kDescriptiveFields, "descriptive-fields"},
    {kFieldStatus, "field-status"},
    {kRemoteStatus, "remote-status"},
    {kAggregateOnly, "aggregate-only"},
    {kAvailabilityOnly, "availability-only"},
    {kNoCost, "no-cost"},
    {kNeedsApproval, "needs-approval"},
    {kAutoReserveOnly, "auto-reserve"},
    {kWarrantyPartsOnly, "warranty-parts-only"},
    {kBessOnly, "bess-only"},
    {kInventoryOnly, "inventory-only"},
    {kOwnDomain, "own-domain"},
    {kOperatorsOnly, "operators-only"},
    {kScadaOnly, "scada-only"},
    {kMinorOnly, "minor-only"},
    {kEmergencyOnly, "emergency-only"},
};

std::vector<Role> rolesOf(Col col) {
  switch (col) {
    case Pf: return {Role::PortfolioManager};
    case PM: return {Role::PlantManager};
    case SE: return {Role::SiteEngineer};
    case OC: return {Role::OmCoordinator};
    case MS: return {Role::MaintenanceSupervisor};
    case T:
      return {Role::FieldTechnicianElectrical, Role::FieldTechnicianMechanical, Role::WindTurbineTechnician,
              Role::BessSpecialist};
    case SC: return {Role::ScadaOperator};
    case IC: return {Role::InventoryCoordinator};
    case EH: return {Role::EhsOfficer};
    case RE: return {Role::ReliabilityEngineer};
    case CO: return {Role::ComplianceOfficer};
    case K: return {Role::ContractorOem, Role::ContractorOm};
    case kCols: break;
  }
  return {};
}

// Portfolio managers, reliability engineers and compliance officers work across every site
// of the tenant; everyone else within their siteIds.
Scope homeScope(Role role) {
  switch (role) {
    case Role::PortfolioManager:
    case Role::ReliabilityEngineer:
    case Role::ComplianceOfficer:
    case Role::Auditor: return Scope::All;
    case Role::SystemAdministrator: return Scope::Global;
    default: return Scope::Site;
  }
}

uint32_t parseConstraint(std::string_view name) {
  for (const auto& [c, n] : kConstraintNames) {
    if (n == name) return c;
  }
  throw std::logic_error("permission matrix: unknown constraint " + std::string(name));
}

Grant parseCell(Role role, std::string_view cell) {
  const std::size_t colon = cell.find(':');
  const std::string_view code = cell.substr(0, colon);
  Grant g;
  if (code == "-") return g;
  if (code == "Y" || code == "R" || code == "L") {
    g.scope = homeScope(role);
  } else if (code == "R*") {
    g.scope = role == Role::ScadaOperator ? Scope::Site : Scope::All;  // monitored sites = its siteIds
  } else if (code == "A") {
    g.scope = Scope::Assigned;
  } else if (code == "O") {
    g.scope = Scope::Own;
  } else if (code == "G") {
    g.scope = Scope::Global;
  } else {
    throw std::logic_error("permission matrix: bad cell " + std::string(cell));
  }
  if (colon != std::string_view::npos) {
    std::string_view flags = cell.substr(colon + 1);
    while (!flags.empty()) {
      const std::size_t plus = flags.find('+');
      g.constraints |= parseConstraint(flags.substr(0, plus));
      flags = plus == std::string_view::npos ? std::string_view{} : flags.substr(plus + 1);
    }
  }
  return g;
}

using GrantMap = std::map<std::string, Grant, std::less<>>;

std::array<GrantMap, kRoleCount> buildTables() {
  std::array<GrantMap, kRoleCount> tables;
  auto put = [&](Role role, std::string_view permission, std::string_view cell) {
    const Grant g = parseCell(role, cell);
    auto& table = tables[static_cast<std::size_t>(role)];
    if (g.scope == Scope::None) {
      table.erase(std::string(permission));
    } else {
      table[std::string(permission)] = g;
    }
  };
  for (const Row& row : kMatrix) {
    for (int col = 0; col < kCols; ++col) {
      for (Role role : rolesOf(static_cast<Col>(col))) put(role, row.permission, row.cells[static_cast<std::size_t>(col)]);
    }
  }
  for (const RoleCell& o : kOverrides) put(o.role, o.permission, o.cell);
  for (const RoleCell& e : kExtraRoles) put(e.role, e.permission, e.cell);
  return tables;
}

const GrantMap& tableOf(Role role) {
  static const std::array<GrantMap, kRoleCount> tables = buildTables();  // immutable after init
  return tables[static_cast<std::size_t>(role)];
}

}  // namespace

const std::array<Role, kRoleCount>& allRoles() {
  static constexpr std::array<Role, kRoleCount> roles = [] {
    std::array<Role, kRoleCount> r{};
    for (std::size_t i = 0; i < kRoleCount; ++i) r[i] = static_cast<Role>(i);
    return r;
  }();
  return roles;
}

std::string_view roleName(Role role) { return kRoleNames[static_cast<std::size_t>(role)]; }

std::optional<Role> parseRole(std::string_view name) {
  for (std::size_t i = 0; i < kRoleCount; ++i) {
    if (kRoleNames[i] == name) return static_cast<Role>(i);
  }
  if (name == "system-admin" || name == "admin") return Role::SystemAdministrator;
  if (name == "site-manager") return Role::PlantManager;
  return std::nullopt;
}

bool isTechnician(Role role) {
  return role == Role::FieldTechnicianElectrical || role == Role::FieldTechnicianMechanical ||
         role == Role::WindTurbineTechnician || role == Role::BessSpecialist;
}

bool isContractor(Role role) { return role == Role::ContractorOem || role == Role::ContractorOm; }

std::string_view constraintName(Constraint c) {
  for (const auto& [k, n] : kConstraintNames) {
    if (k == c) return n;
  }
  return "unknown";
}

Grant grantFor(Role role, std::string_view permission) {
  const GrantMap& table = tableOf(role);
  if (auto it = table.find(permission); it != table.end()) return it->second;
  const std::size_t colon = permission.find(':');
  if (colon != std::string_view::npos) {
    std::string wildcard(permission.substr(0, colon + 1));
    wildcard += '*';
    if (auto it = table.find(wildcard); it != table.end()) return it->second;
  }
  if (auto it = table.find("*"); it != table.end()) return it->second;
  return {};
}

std::vector<std::pair<std::string, Grant>> permissionsOf(Role role) {
  const GrantMap& table = tableOf(role);
  return {table.begin(), table.end()};
}

std::vector<std::string> matrixPermissions() {
  std::vector<std::string> out;
  for (const Row& row : kMatrix) out.emplace_back(row.permission);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace dcmms::auth
