// CRC-32C (Castagnoli), the checksum of every WAL record, chunk block and file footer.
// Uses the SSE4.2 crc32 instruction when the CPU has it, a table otherwise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace dcmms::telemetry::tsdb::crc32c {

// Continues a running CRC (start with 0).
uint32_t extend(uint32_t crc, const char* data, size_t n);
inline uint32_t value(std::string_view s) { return extend(0, s.data(), s.size()); }

}  // namespace dcmms::telemetry::tsdb::crc32c
