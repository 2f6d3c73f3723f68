// Seeds the demo portfolio: a 50 MW solar plant, a 20-turbine wind farm and a 100 MWh
// battery, one user per role, and work orders across all 11 states.
#pragma once

#include <string>

#include "store/sql.h"

namespace dcmms::app {

int seedDemo(store::Database& db, const std::string& dataDir, const std::string& password);

}  // namespace dcmms::app
