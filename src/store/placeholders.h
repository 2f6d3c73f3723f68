// Rewrites `?` placeholders to PostgreSQL's $1..$n. Question marks inside '…' string literals
// (with '' escapes), E'…' literals (with backslash escapes), "…" identifiers, $tag$…$tag$
// dollar-quoted strings, -- line comments and /* */ comments are left untouched.
#pragma once

#include <string>
#include <string_view>

namespace dcmms::store {

struct RewrittenSql {
  std::string text;
  int placeholders = 0;
};

RewrittenSql rewritePlaceholders(std::string_view sql);

}  // namespace dcmms::store
