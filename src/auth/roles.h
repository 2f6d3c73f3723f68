// The roles of 01 §6: the 17 business roles plus the optional auditor and
// emergency-responder of the older 03 set. Names are kebab-case on the wire and in tokens.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace dcmms::auth {

enum class Role : unsigned char {
  PortfolioManager,
  PlantManager,
  SiteEngineer,
  OmCoordinator,
  MaintenanceSupervisor,
  FieldTechnicianElectrical,
  FieldTechnicianMechanical,
  WindTurbineTechnician,
  BessSpecialist,
  ScadaOperator,
  InventoryCoordinator,
  EhsOfficer,
  ReliabilityEngineer,
  ComplianceOfficer,
  ContractorOem,
  ContractorOm,
  SystemAdministrator,
  Auditor,             // optional: reads everything incl. audit logs, time-limited
  EmergencyResponder,  // optional: emergency WOs and overrides, every action flagged
};

inline constexpr std::size_t kRoleCount = 19;

const std::array<Role, kRoleCount>& allRoles();
std::string_view roleName(Role role);
// Exact kebab-case names; also the aliases "system-admin"/"admin" (system-administrator)
// and "site-manager" (plant-manager) used by the ABAC text of 01 §5.
std::optional<Role> parseRole(std::string_view name);

bool isTechnician(Role role);  // the four field-technician roles (column T of the matrix)
bool isContractor(Role role);  // contractor-oem, contractor-om (column K)

}  // namespace dcmms::auth
