// Column encodings for chunks (byte layouts in FORMAT.md §Chunk):
//   - timestamps: first value, first delta, then delta-of-delta zigzagged and bit-packed in
//     blocks of 128 (regular 1 s data costs one byte per 128 points);
//   - values: "decimal" when every value v is exactly llround(v*10^k)/10^k for one scale
//     k <= 12 (plant data with fixed decimals): the scaled integers are delta+zigzag
//     bit-packed; otherwise Gorilla XOR. Both round-trip the stored double bit for bit;
//   - small enums (quality, flags): run-length pairs.
// Decoders never read past their input and return false on malformed data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "telemetry/tsdb/coding.h"

namespace dcmms::telemetry::tsdb {

inline constexpr size_t kPackBlock = 128;
inline constexpr int kMaxDecimalScale = 12;
inline constexpr double kPow10[kMaxDecimalScale + 1] = {1e0, 1e1, 1e2, 1e3, 1e4,  1e5, 1e6,
                                                       1e7, 1e8, 1e9, 1e10, 1e11, 1e12};

// Rounds to the nearest integer (ties away from zero). Callers verify exactness by dividing
// back, so this only has to be right for values close to an integer; |d| < 2^53.
inline int64_t roundToInt(double d) { return static_cast<int64_t>(d < 0 ? d - 0.5 : d + 0.5); }

enum class ValueEncoding : uint8_t { decimal = 0, gorilla = 1 };

// Bit-packs n values in blocks of kPackBlock, each block prefixed by its bit width.
void packUnsigned(std::string& dst, const uint64_t* v, size_t n);
bool unpackUnsigned(Decoder& in, uint64_t* out, size_t n);

void encodeTimestamps(std::string& dst, const int64_t* ts, size_t n);
bool decodeTimestamps(Decoder& in, int64_t* out, size_t n);

// Smallest scale k such that all values are exact k-decimals, or -1.
int detectDecimalScale(const double* v, size_t n);
void encodeValues(std::string& dst, const double* v, size_t n);
bool decodeValues(Decoder& in, double* out, size_t n);
// Encoding chosen by the last encodeValues on this data (for stats and tests).
ValueEncoding peekValueEncoding(const std::string& encoded);

void encodeGorilla(std::string& dst, const double* v, size_t n);
bool decodeGorilla(Decoder& in, double* out, size_t n);

void encodeRle(std::string& dst, const uint8_t* v, size_t n);
bool decodeRle(Decoder& in, uint8_t* out, size_t n);

}  // namespace dcmms::telemetry::tsdb
