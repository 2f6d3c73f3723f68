#include "store/placeholders.h"

#include <cctype>

namespace dcmms::store {

namespace {

bool isIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Length of a dollar-quote tag ("$$" or "$tag$") starting at i, or 0 when there is none.
std::size_t dollarTagLength(std::string_view sql, std::size_t i) {
  std::size_t j = i + 1;
  if (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j]))) return 0;  // $1 is a parameter
  while (j < sql.size() && isIdentChar(sql[j])) ++j;
  if (j < sql.size() && sql[j] == '$') return j - i + 1;
  return 0;
}

// Index just past the quoted run that starts at `i` (sql[i] is the opening quote).
std::size_t skipQuoted(std::string_view sql, std::size_t i, char quote, bool backslashEscapes) {
  std::size_t j = i + 1;
  while (j < sql.size()) {
    if (backslashEscapes && sql[j] == '\\') {
      j += 2;
      continue;
    }
    if (sql[j] == quote) {
      if (j + 1 < sql.size() && sql[j + 1] == quote) {  // doubled quote is an escaped quote
        j += 2;
        continue;
      }
      return j + 1;
    }
    ++j;
  }
  return sql.size();
}

}  // namespace

RewrittenSql rewritePlaceholders(std::string_view sql) {
  RewrittenSql out;
  out.text.reserve(sql.size() + 16);
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    std::size_t end = i + 1;  // end of the run copied verbatim
    if (c == '?') {
      out.text += '$';
      out.text += std::to_string(++out.placeholders);
      ++i;
      continue;
    }
    if (c == '\'') {
      const bool escaped = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !isIdentChar(sql[i - 2]));
      end = skipQuoted(sql, i, '\'', escaped);
    } else if (c == '"') {
      end = skipQuoted(sql, i, '"', false);
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      end = sql.find('\n', i);
      end = end == std::string_view::npos ? sql.size() : end;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      end = sql.find("*/", i + 2);
      end = end == std::string_view::npos ? sql.size() : end + 2;
    } else if (c == '$' && (i == 0 || !isIdentChar(sql[i - 1]))) {
      if (const std::size_t tagLen = dollarTagLength(sql, i)) {
        const std::string_view tag = sql.substr(i, tagLen);
        end = sql.find(tag, i + tagLen);
        end = end == std::string_view::npos ? sql.size() : end + tagLen;
      }
    } else if (isIdentChar(c)) {
      while (end < sql.size() && (isIdentChar(sql[end]) || sql[end] == '$')) ++end;  // identifiers may hold '$'
    }
    out.text.append(sql.substr(i, end - i));
    i = end;
  }
  return out;
}

}  // namespace dcmms::store
