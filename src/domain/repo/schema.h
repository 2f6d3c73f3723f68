// The transactional schema (versioned migrations) shared by SQLite and PostgreSQL.
#pragma once

#include <vector>

#include "store/migrate.h"

namespace dcmms::domain {

const std::vector<store::Migration>& schemaMigrations();

}  // namespace dcmms::domain
