// UTC timestamps on the wire: ISO 8601 with milliseconds ("2026-11-26T01:02:03.456Z").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dcmms {

std::string formatIso8601(int64_t epochMs);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]" and "YYYY-MM-DD".
std::optional<int64_t> parseIso8601(std::string_view text);
// Accepts an ISO 8601 string or an integer count of epoch milliseconds.
std::optional<int64_t> parseTimestamp(std::string_view text);
// "YYYYMMDD" of the UTC day containing epochMs.
std::string utcDayStamp(int64_t epochMs);
// Days since 1970-01-01 for a civil date (proleptic Gregorian), and back.
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d);
void civilFromDays(int64_t days, int64_t& y, unsigned& m, unsigned& d);

}  // namespace dcmms
