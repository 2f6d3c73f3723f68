// ClickHouse RowBinary encoding (little-endian fixed-width numbers, strings as LEB128
// length + bytes): the format of our inserts and of every SELECT we parse.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace dcmms::telemetry::clickhouse {

class RowBinaryWriter {
 public:
  explicit RowBinaryWriter(std::string& out) : out_(out) {}
  template <typename T>
  void fixed(T v) {  // integral or floating types, host order (x86/ARM: little-endian)
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out_.append(b, sizeof(T));
  }
  void string(std::string_view s) {
    uint64_t n = s.size();
    do {
      uint8_t byte = n & 0x7f;
      n >>= 7;
      if (n) byte |= 0x80;
      out_.push_back(static_cast<char>(byte));
    } while (n);
    out_.append(s);
  }

 private:
  std::string& out_;
};

// Bounds-checked reader: every read returns false once the input is exhausted or malformed.
class RowBinaryReader {
 public:
  explicit RowBinaryReader(std::string_view in) : in_(in) {}
  bool done() const { return pos_ == in_.size(); }
  template <typename T>
  bool fixed(T& v) {
    if (in_.size() - pos_ < sizeof(T)) return false;
    std::memcpy(&v, in_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool string(std::string& s) {
    uint64_t n = 0;
    for (int shift = 0;; shift += 7) {
      if (pos_ == in_.size() || shift > 63) return false;
      const auto byte = static_cast<uint8_t>(in_[pos_++]);
      n |= uint64_t{byte & 0x7fu} << shift;
      if (!(byte & 0x80)) break;
    }
    if (in_.size() - pos_ < n) return false;
    s.assign(in_.data() + pos_, n);
    pos_ += n;
    return true;
  }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace dcmms::telemetry::clickhouse
