// Little-endian fixed-width and varint encodings shared by every tsdb file format
// (see FORMAT.md). Decoders take a cursor and report truncation instead of reading past
// the end.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace dcmms::telemetry::tsdb {

inline void putFixed32(std::string& dst, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);  // the engine targets little-endian hosts only (static_assert below)
  dst.append(b, 4);
}
inline void putFixed64(std::string& dst, uint64_t v) {
  char b[8];
  std::memcpy(b, &v, 8);
  dst.append(b, 8);
}
inline void putDouble(std::string& dst, double v) {
  uint64_t u;
  std::memcpy(&u, &v, 8);
  putFixed64(dst, u);
}
inline void putVarint(std::string& dst, uint64_t v) {
  char b[10];
  int n = 0;
  while (v >= 0x80) {
    b[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  b[n++] = static_cast<char>(v);
  dst.append(b, static_cast<size_t>(n));
}
inline uint64_t zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
inline int64_t unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }
inline void putVarsigned(std::string& dst, int64_t v) { putVarint(dst, zigzag(v)); }
inline void putBytes(std::string& dst, std::string_view s) {
  putVarint(dst, s.size());
  dst.append(s);
}

inline uint32_t loadFixed32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline uint64_t loadFixed64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Sequential reader over a byte range. Every getter returns false once the input is
// exhausted or malformed; `ok()` stays false afterwards.
class Decoder {
 public:
  explicit Decoder(std::string_view in) : p_(in.data()), end_(in.data() + in.size()) {}
  bool ok() const { return ok_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  const char* position() const { return p_; }

  bool fixed32(uint32_t& v) {
    if (!need(4)) return false;
    v = loadFixed32(p_);
    p_ += 4;
    return true;
  }
  bool fixed64(uint64_t& v) {
    if (!need(8)) return false;
    v = loadFixed64(p_);
    p_ += 8;
    return true;
  }
  bool dbl(double& v) {
    uint64_t u;
    if (!fixed64(u)) return false;
    std::memcpy(&v, &u, 8);
    return true;
  }
  bool u8(uint8_t& v) {
    if (!need(1)) return false;
    v = static_cast<uint8_t>(*p_++);
    return true;
  }
  bool varint(uint64_t& v) {
    uint64_t r = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
      if (p_ >= end_) return fail();
      const auto b = static_cast<uint8_t>(*p_++);
      r |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (b < 0x80) {
        v = r;
        return true;
      }
    }
    return fail();
  }
  bool varsigned(int64_t& v) {
    uint64_t u;
    if (!varint(u)) return false;
    v = unzigzag(u);
    return true;
  }
  bool bytes(std::string_view& s) {
    uint64_t n;
    if (!varint(n) || !need(n)) return false;
    s = std::string_view(p_, n);
    p_ += n;
    return true;
  }
  bool raw(size_t n, std::string_view& s) {
    if (!need(n)) return false;
    s = std::string_view(p_, n);
    p_ += n;
    return true;
  }

 private:
  bool need(uint64_t n) {
    if (!ok_ || static_cast<uint64_t>(end_ - p_) < n) return fail();
    return true;
  }
  bool fail() {
    ok_ = false;
    return false;
  }
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "tsdb formats assume little-endian");

}  // namespace dcmms::telemetry::tsdb
