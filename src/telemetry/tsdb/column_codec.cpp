#include "telemetry/tsdb/column_codec.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace dcmms::telemetry::tsdb {
namespace {

constexpr double kMaxExactInt = 9007199254740992.0;  // 2^53

uint64_t bitsOf(double d) {
  uint64_t u;
  std::memcpy(&u, &d, 8);
  return u;
}
double doubleOf(uint64_t u) {
  double d;
  std::memcpy(&d, &u, 8);
  return d;
}

bool scaledExact(double v, int k, int64_t& out) {
  const double s = v * kPow10[k];
  if (!(std::fabs(s) < kMaxExactInt)) return false;  // also rejects NaN and inf
  const int64_t i = roundToInt(s);
  if (bitsOf(static_cast<double>(i) / kPow10[k]) != bitsOf(v)) return false;
  out = i;
  return true;
}

void packBlock(std::string& dst, const uint64_t* v, size_t n) {
  uint64_t all = 0;
  for (size_t i = 0; i < n; ++i) all |= v[i];
  const int w = all ? 64 - __builtin_clzll(all) : 0;
  dst.push_back(static_cast<char>(w));
  if (w == 0) return;
  const size_t bytes = (n * static_cast<size_t>(w) + 7) / 8;
  const size_t off = dst.size();
  dst.resize(off + bytes + 8);
  char* out = dst.data() + off;
  uint64_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t x = v[i];
    acc |= x << bits;
    if (bits + w >= 64) {
      std::memcpy(out, &acc, 8);
      out += 8;
      const int used = 64 - bits;
      acc = used < 64 ? x >> used : 0;
      bits = bits + w - 64;
    } else {
      bits += w;
    }
  }
  if (bits > 0) std::memcpy(out, &acc, 8);  // slack bytes are trimmed below
  dst.resize(off + bytes);
}

bool unpackBlock(Decoder& in, uint64_t* out, size_t n) {
  uint8_t w;
  if (!in.u8(w) || w > 64) return false;
  if (w == 0) {
    std::fill(out, out + n, 0);
    return true;
  }
  const size_t bytes = (n * w + 7) / 8;
  std::string_view src;
  if (!in.raw(bytes, src)) return false;
  char buf[kPackBlock * 8 + 16] = {};
  std::memcpy(buf, src.data(), bytes);
  const uint64_t mask = w == 64 ? ~0ULL : (1ULL << w) - 1;
  size_t pos = 0;
  for (size_t i = 0; i < n; ++i, pos += w) {
    const size_t byte = pos >> 3;
    const int shift = static_cast<int>(pos & 7);
    uint64_t r = loadFixed64(buf + byte) >> shift;
    if (shift + w > 64) r |= static_cast<uint64_t>(static_cast<uint8_t>(buf[byte + 8])) << (64 - shift);
    out[i] = r & mask;
  }
  return true;
}

// MSB-first bit stream for Gorilla.
class BitWriter {
 public:
  explicit BitWriter(std::string& dst) : dst_(dst) {}
  void write(uint64_t v, int nbits) {  // nbits in [1, 64]
    while (nbits > 0) {
      const int room = 8 - fill_;
      const int take = std::min(room, nbits);
      const auto chunk = static_cast<uint8_t>((v >> (nbits - take)) & ((1u << take) - 1));
      cur_ = static_cast<uint8_t>(cur_ | (chunk << (room - take)));
      fill_ += take;
      nbits -= take;
      if (fill_ == 8) {
        dst_.push_back(static_cast<char>(cur_));
        cur_ = 0;
        fill_ = 0;
      }
    }
  }
  void bit(bool b) { write(b ? 1 : 0, 1); }
  void finish() {
    if (fill_ > 0) dst_.push_back(static_cast<char>(cur_));
  }

 private:
  std::string& dst_;
  uint8_t cur_ = 0;
  int fill_ = 0;
};

class BitReader {
 public:
  BitReader(const char* p, size_t n) : p_(reinterpret_cast<const uint8_t*>(p)), n_(n) {}
  bool read(int nbits, uint64_t& v) {
    uint64_t r = 0;
    while (nbits > 0) {
      if (byte_ >= n_) return false;
      const int avail = 8 - bit_;
      const int take = std::min(avail, nbits);
      const uint64_t chunk = (p_[byte_] >> (avail - take)) & ((1u << take) - 1);
      r = (r << take) | chunk;
      bit_ += take;
      nbits -= take;
      if (bit_ == 8) {
        bit_ = 0;
        ++byte_;
      }
    }
    v = r;
    return true;
  }
  size_t bytesConsumed() const { return byte_ + (bit_ ? 1 : 0); }

 private:
  const uint8_t* p_;
  size_t n_;
  size_t byte_ = 0;
  int bit_ = 0;
};

}  // namespace

void packUnsigned(std::string& dst, const uint64_t* v, size_t n) {
  for (size_t i = 0; i < n; i += kPackBlock) packBlock(dst, v + i, std::min(kPackBlock, n - i));
}

bool unpackUnsigned(Decoder& in, uint64_t* out, size_t n) {
  for (size_t i = 0; i < n; i += kPackBlock) {
    if (!unpackBlock(in, out + i, std::min(kPackBlock, n - i))) return false;
  }
  return true;
}

void encodeTimestamps(std::string& dst, const int64_t* ts, size_t n) {
  if (n == 0) return;
  putVarsigned(dst, ts[0]);
  if (n == 1) return;
  // Wrapping arithmetic keeps extreme timestamps exact.
  uint64_t prevDelta = static_cast<uint64_t>(ts[1]) - static_cast<uint64_t>(ts[0]);
  putVarsigned(dst, static_cast<int64_t>(prevDelta));
  uint64_t buf[kPackBlock];
  size_t k = 0;
  for (size_t i = 2; i < n; ++i) {
    const uint64_t delta = static_cast<uint64_t>(ts[i]) - static_cast<uint64_t>(ts[i - 1]);
    buf[k++] = zigzag(static_cast<int64_t>(delta - prevDelta));
    prevDelta = delta;
    if (k == kPackBlock) {
      packBlock(dst, buf, k);
      k = 0;
    }
  }
  if (k) packBlock(dst, buf, k);
}

bool decodeTimestamps(Decoder& in, int64_t* out, size_t n) {
  if (n == 0) return true;
  if (!in.varsigned(out[0])) return false;
  if (n == 1) return true;
  int64_t d0;
  if (!in.varsigned(d0)) return false;
  uint64_t delta = static_cast<uint64_t>(d0);
  out[1] = static_cast<int64_t>(static_cast<uint64_t>(out[0]) + delta);
  uint64_t buf[kPackBlock];
  for (size_t i = 2; i < n; i += kPackBlock) {
    const size_t m = std::min(kPackBlock, n - i);
    if (!unpackBlock(in, buf, m)) return false;
    for (size_t j = 0; j < m; ++j) {
      delta += static_cast<uint64_t>(unzigzag(buf[j]));
      out[i + j] = static_cast<int64_t>(static_cast<uint64_t>(out[i + j - 1]) + delta);
    }
  }
  return true;
}

int detectDecimalScale(const double* v, size_t n) {
  int k = 0;
  int64_t ignored;
  size_t raisedAt = 0;  // values before this index were checked at a smaller scale
  for (size_t i = 0; i < n; ++i) {
    while (!scaledExact(v[i], k, ignored)) {
      if (++k > kMaxDecimalScale) return -1;
      raisedAt = i;
    }
  }
  // A larger scale can push earlier values out of the exact-integer range: re-check them.
  for (size_t i = 0; i < raisedAt; ++i)
    if (!scaledExact(v[i], k, ignored)) return -1;
  return k;
}

void encodeValues(std::string& dst, const double* v, size_t n) {
  const int k = n ? detectDecimalScale(v, n) : 0;
  if (k < 0) {
    dst.push_back(static_cast<char>(ValueEncoding::gorilla));
    encodeGorilla(dst, v, n);
    return;
  }
  dst.push_back(static_cast<char>(ValueEncoding::decimal));
  dst.push_back(static_cast<char>(k));
  if (n == 0) return;
  int64_t prev = 0;
  scaledExact(v[0], k, prev);
  putVarsigned(dst, prev);
  uint64_t buf[kPackBlock];
  size_t m = 0;
  for (size_t i = 1; i < n; ++i) {
    int64_t cur = 0;
    scaledExact(v[i], k, cur);
    buf[m++] = zigzag(static_cast<int64_t>(static_cast<uint64_t>(cur) - static_cast<uint64_t>(prev)));
    prev = cur;
    if (m == kPackBlock) {
      packBlock(dst, buf, m);
      m = 0;
    }
  }
  if (m) packBlock(dst, buf, m);
}

bool decodeValues(Decoder& in, double* out, size_t n) {
  uint8_t enc;
  if (!in.u8(enc)) return false;
  if (enc == static_cast<uint8_t>(ValueEncoding::gorilla)) return decodeGorilla(in, out, n);
  if (enc != static_cast<uint8_t>(ValueEncoding::decimal)) return false;
  uint8_t k;
  if (!in.u8(k) || k > kMaxDecimalScale) return false;
  if (n == 0) return true;
  int64_t cur;
  if (!in.varsigned(cur)) return false;
  const double p = kPow10[k];
  out[0] = static_cast<double>(cur) / p;
  uint64_t buf[kPackBlock];
  for (size_t i = 1; i < n; i += kPackBlock) {
    const size_t m = std::min(kPackBlock, n - i);
    if (!unpackBlock(in, buf, m)) return false;
    for (size_t j = 0; j < m; ++j) {
      cur = static_cast<int64_t>(static_cast<uint64_t>(cur) + static_cast<uint64_t>(unzigzag(buf[j])));
      out[i + j] = static_cast<double>(cur) / p;
    }
  }
  return true;
}

ValueEncoding peekValueEncoding(const std::string& encoded) {
  return encoded.empty() ? ValueEncoding::decimal : static_cast<ValueEncoding>(encoded[0]);
}

void encodeGorilla(std::string& dst, const double* v, size_t n) {
  std::string bits;
  BitWriter w(bits);
  uint64_t prev = 0;
  int prevLead = -1, prevTrail = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t cur = bitsOf(v[i]);
    if (i == 0) {
      w.write(cur, 64);
      prev = cur;
      continue;
    }
    const uint64_t x = cur ^ prev;
    prev = cur;
    if (x == 0) {
      w.bit(false);
      continue;
    }
    w.bit(true);
    int lead = std::min(__builtin_clzll(x), 31);
    const int trail = __builtin_ctzll(x);
    if (prevLead >= 0 && lead >= prevLead && trail >= prevTrail) {
      w.bit(false);
      const int len = 64 - prevLead - prevTrail;
      w.write(x >> prevTrail, len);
    } else {
      w.bit(true);
      const int len = 64 - lead - trail;
      w.write(static_cast<uint64_t>(lead), 5);
      w.write(static_cast<uint64_t>(len - 1), 6);
      w.write(x >> trail, len);
      prevLead = lead;
      prevTrail = trail;
    }
  }
  w.finish();
  putBytes(dst, bits);
}

bool decodeGorilla(Decoder& in, double* out, size_t n) {
  std::string_view bits;
  if (!in.bytes(bits)) return false;
  BitReader r(bits.data(), bits.size());
  uint64_t prev = 0, b = 0;
  int prevLead = 0, prevTrail = 0;
  for (size_t i = 0; i < n; ++i) {
    if (i == 0) {
      if (!r.read(64, prev)) return false;
      out[0] = doubleOf(prev);
      continue;
    }
    if (!r.read(1, b)) return false;
    if (b) {
      if (!r.read(1, b)) return false;
      if (b) {
        uint64_t lead, lenm1;
        if (!r.read(5, lead) || !r.read(6, lenm1)) return false;
        const int len = static_cast<int>(lenm1) + 1;
        if (static_cast<int>(lead) + len > 64) return false;
        prevLead = static_cast<int>(lead);
        prevTrail = 64 - prevLead - len;
      }
      const int len = 64 - prevLead - prevTrail;
      uint64_t m;
      if (len <= 0 || !r.read(len, m)) return false;
      prev ^= m << prevTrail;
    }
    out[i] = doubleOf(prev);
  }
  return true;
}

void encodeRle(std::string& dst, const uint8_t* v, size_t n) {
  size_t i = 0;
  while (i < n) {
    size_t j = i + 1;
    while (j < n && v[j] == v[i]) ++j;
    dst.push_back(static_cast<char>(v[i]));
    putVarint(dst, j - i);
    i = j;
  }
}

bool decodeRle(Decoder& in, uint8_t* out, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t b;
    uint64_t run;
    if (!in.u8(b) || !in.varint(run) || run == 0 || run > n - i) return false;
    std::fill(out + i, out + i + run, b);
    i += run;
  }
  return true;
}

}  // namespace dcmms::telemetry::tsdb
