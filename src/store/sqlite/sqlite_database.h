// The SQLite Database: every thread gets its own connection to one file.
#pragma once

#include <memory>
#include <string>

#include "store/sql.h"

namespace dcmms::store {

// Opens (creating if needed) the SQLite file at `path`; its parent directory must exist.
std::unique_ptr<Database> openSqliteDatabase(const std::string& path);

}  // namespace dcmms::store
