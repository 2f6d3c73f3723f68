// The PostgreSQL Database: every thread gets its own libpq connection.
#pragma once

#include <memory>
#include <string>

#include "store/sql.h"

namespace dcmms::store {

// `url` is a libpq connection URI (postgresql://user:pass@host:port/db?options). Connects once
// to fail fast.
std::unique_ptr<Database> openPostgresDatabase(const std::string& url);

// The URL without password or query string, for logs.
std::string redactPostgresUrl(const std::string& url);

}  // namespace dcmms::store
