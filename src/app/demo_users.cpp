#include "app/demo_users.h"

#include <iomanip>

namespace dcmms::app {

namespace {
using auth::Role;
}

const std::vector<DemoUserSpec>& demoUsers() {
  static const std::vector<DemoUserSpec> users = {
      {Role::PortfolioManager, "Ananya Rao", {"SOLAR-01", "WIND-01", "BESS-01"}, {}},
      {Role::PlantManager, "Vikram Singh Rathore", {"SOLAR-01", "WIND-01", "BESS-01"}, {"electrical-hv"}},
      {Role::SiteEngineer, "Priya Nair", {"SOLAR-01", "WIND-01", "BESS-01"}, {"electrical-hv", "electrical-lv", "scada"}},
      {Role::OmCoordinator, "Rahul Mehta", {"SOLAR-01", "WIND-01", "BESS-01"}, {}},
      {Role::MaintenanceSupervisor, "Suresh Kumar", {"SOLAR-01", "WIND-01", "BESS-01"},
       {"electrical-lv", "electrical-hv", "mechanical", "loto-authorised"}},
      {Role::FieldTechnicianElectrical, "Arjun Chauhan", {"SOLAR-01", "BESS-01"},
       {"electrical-lv", "electrical-hv", "inverter", "pv", "thermography", "instrumentation", "scada"}},
      {Role::FieldTechnicianMechanical, "Imran Sheikh", {"SOLAR-01", "WIND-01"},
       {"mechanical", "hydraulics", "lubrication", "working-at-height", "wind", "pv-cleaning"}},
      {Role::WindTurbineTechnician, "Karthik Subramanian", {"WIND-01"},
       {"wind", "mechanical", "electrical-lv", "working-at-height", "gearbox", "blade-inspection", "rescue"}},
      {Role::BessSpecialist, "Meera Joshi", {"BESS-01"},
       {"bess", "electrical-lv", "electrical-hv", "fire-safety", "hvac", "thermography"}},
      {Role::ScadaOperator, "Deepak Yadav", {"SOLAR-01", "WIND-01", "BESS-01"}, {"scada"}},
      {Role::InventoryCoordinator, "Kavita Sharma", {"SOLAR-01", "WIND-01", "BESS-01"}, {}},
      {Role::EhsOfficer, "Manpreet Gill", {"SOLAR-01", "WIND-01", "BESS-01"}, {"safety", "first-aid", "rescue"}},
      {Role::ReliabilityEngineer, "Sandeep Iyer", {"SOLAR-01", "WIND-01", "BESS-01"}, {"vibration-analysis", "data-analysis"}},
      {Role::ComplianceOfficer, "Neha Kapoor", {"SOLAR-01", "WIND-01", "BESS-01"}, {}},
      {Role::ContractorOem, "Thomas Weber", {"SOLAR-01", "BESS-01"},
       {"inverter", "electrical-lv", "electrical-hv", "bess", "pcs"}},
      {Role::ContractorOm, "Ravi Teja", {"WIND-01"}, {"wind", "mechanical", "working-at-height", "blade-inspection", "gearbox"}},
      {Role::SystemAdministrator, "Demo Administrator", {}, {}},
      {Role::Auditor, "Lakshmi Menon", {"SOLAR-01", "WIND-01", "BESS-01"}, {}},
      {Role::EmergencyResponder, "Harish Patel", {"SOLAR-01", "WIND-01", "BESS-01"}, {"first-aid", "rescue", "fire-safety"}},
  };
  return users;
}

std::string demoEmail(Role role) { return std::string(auth::roleName(role)) + "@demo.dcmms.io"; }

void seedUsers(DemoWorld& world, const std::string& password) {
  for (const auto& u : demoUsers()) {
    domain::NewUser nu;
    nu.tenantId = kDemoTenant;
    nu.email = demoEmail(u.role);
    nu.password = password;
    nu.role = std::string(auth::roleName(u.role));
    nu.name = std::string(u.name);
    for (auto s : u.sites) nu.siteIds.emplace_back(s);
    for (auto s : u.skills) nu.skills.emplace_back(s);
    world.addUser(u.role, world.app.identity.createUser(nu));
  }
}

void printCredentials(std::ostream& out, const std::string& password) {
  out << "Demo users (tenant \"" << kDemoTenant << "\", password for all: " << password << ")\n";
  out << "  " << std::left << std::setw(46) << "EMAIL" << std::setw(30) << "ROLE" << "SITES\n";
  for (const auto& u : demoUsers()) {
    std::string sites;
    for (auto s : u.sites) sites += (sites.empty() ? "" : ",") + std::string(s);
    if (sites.empty()) sites = "(all, administrator)";
    out << "  " << std::left << std::setw(46) << demoEmail(u.role) << std::setw(30) << auth::roleName(u.role) << sites
        << "\n";
  }
}

}  // namespace dcmms::app
