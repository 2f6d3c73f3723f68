// The demo's people: one user per role (all 19, including the optional auditor and
// emergency responder), with sites and skills that fit the role.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "app/demo_world.h"
#include "auth/roles.h"

namespace dcmms::app {

struct DemoUserSpec {
  auth::Role role;
  std::string_view name;
  std::vector<std::string_view> sites;
  std::vector<std::string_view> skills;
};

const std::vector<DemoUserSpec>& demoUsers();
// "plant-manager@demo.dcmms.io"
std::string demoEmail(auth::Role role);

// Creates every demo user with `password` (IdentityService, argon2 hashes) and registers
// their principals in the world.
void seedUsers(DemoWorld& world, const std::string& password);

// The credentials table printed at the end of `dcmms demo`.
void printCredentials(std::ostream& out, const std::string& password);

}  // namespace dcmms::app
