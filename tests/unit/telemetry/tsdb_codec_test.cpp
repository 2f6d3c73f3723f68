#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "telemetry/tsdb/chunk.h"
#include "telemetry/tsdb/coding.h"
#include "telemetry/tsdb/column_codec.h"
#include "telemetry/tsdb/crc32c.h"
#include "telemetry/tsdb/rollup.h"

namespace dcmms::telemetry::tsdb {
namespace {

uint64_t bits(double d) {
  uint64_t u;
  std::memcpy(&u, &d, 8);
  return u;
}

std::vector<double> roundTripValues(const std::vector<double>& v, ValueEncoding* enc = nullptr) {
  std::string buf;
  encodeValues(buf, v.data(), v.size());
  if (enc) *enc = peekValueEncoding(buf);
  std::vector<double> out(v.size());
  Decoder d(buf);
  EXPECT_TRUE(decodeValues(d, out.data(), out.size()));
  EXPECT_EQ(d.remaining(), 0u);
  return out;
}

void expectBitExact(const std::vector<double>& a, const std::vector<double>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) ASSERT_EQ(bits(a[i]), bits(b[i])) << "at " << i << ": " << a[i];
}

TEST(TsdbCodec, Crc32cKnownVector) {
  EXPECT_EQ(crc32c::value("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c::value(std::string(32, '\0')), 0x8A9136AAu);
}

TEST(TsdbCodec, VarintAndZigzagExtremes) {
  std::string b;
  const int64_t vals[] = {0, 1, -1, INT64_MAX, INT64_MIN, 300, -300};
  for (int64_t v : vals) putVarsigned(b, v);
  Decoder d(b);
  for (int64_t v : vals) {
    int64_t got;
    ASSERT_TRUE(d.varsigned(got));
    EXPECT_EQ(got, v);
  }
  int64_t extra;
  EXPECT_FALSE(d.varsigned(extra));
}

TEST(TsdbCodec, DecimalValuesUseScaledIntegersAndRoundTrip) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> step(-0.5, 0.5);
  std::vector<double> v;
  double x = 100;
  for (int i = 0; i < 10'000; ++i) {
    x = std::round((x + step(rng)) * 100) / 100;
    v.push_back(x);
  }
  ValueEncoding enc;
  expectBitExact(roundTripValues(v, &enc), v);
  EXPECT_EQ(enc, ValueEncoding::decimal);
  EXPECT_EQ(detectDecimalScale(v.data(), v.size()), 2);
  std::string buf;
  encodeValues(buf, v.data(), v.size());
  EXPECT_LT(buf.size(), v.size());  // ~7 bits per value
}

TEST(TsdbCodec, RandomDoublesFallBackToGorillaAndRoundTrip) {
  std::mt19937_64 rng(7);
  std::vector<double> v;
  for (int i = 0; i < 5000; ++i) {
    double d;
    const uint64_t u = rng();
    std::memcpy(&d, &u, 8);
    if (std::isnan(d)) d = 1.5;
    v.push_back(d);
  }
  ValueEncoding enc;
  expectBitExact(roundTripValues(v, &enc), v);
  EXPECT_EQ(enc, ValueEncoding::gorilla);
}

TEST(TsdbCodec, ExtremesNaNInfAndNegativeZeroRoundTrip) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<std::vector<double>> cases = {
      {},
      {42.0},
      {0.0, -0.0, 0.0},
      {nan, 1.0, nan},
      {inf, -inf, 0.1},
      {std::numeric_limits<double>::max(), std::numeric_limits<double>::lowest(),
       std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::min()},
      {9007199254740991.0, -9007199254740991.0},
      {0.1, 0.2, 0.30000000000000004},
      {1e-12, 2e-12, 123456.789012},
      {1234567890123.5, 0.0001},  // the second value's scale would overflow the first
  };
  for (const auto& c : cases) expectBitExact(roundTripValues(c), c);
}

TEST(TsdbCodec, TimestampsDeltaOfDeltaRoundTrip) {
  std::vector<int64_t> ts;
  for (int i = 0; i < 1000; ++i) ts.push_back(1'700'000'000'000 + i * 1000);
  ts.push_back(1'700'000'999'999);
  ts.push_back(INT64_MAX);
  ts.push_back(INT64_MIN);
  ts.push_back(0);
  std::string buf;
  encodeTimestamps(buf, ts.data(), ts.size());
  std::vector<int64_t> out(ts.size());
  Decoder d(buf);
  ASSERT_TRUE(decodeTimestamps(d, out.data(), out.size()));
  EXPECT_EQ(out, ts);
  std::string regular;
  encodeTimestamps(regular, ts.data(), 1000);
  EXPECT_LT(regular.size(), 30u);  // one width byte per 128 regular points
}

TEST(TsdbCodec, BitPackAllWidths) {
  std::mt19937_64 rng(1);
  for (int w = 0; w <= 64; ++w) {
    std::vector<uint64_t> v(300);
    for (auto& x : v) x = w == 0 ? 0 : (w == 64 ? rng() : rng() & ((1ULL << w) - 1));
    std::string buf;
    packUnsigned(buf, v.data(), v.size());
    std::vector<uint64_t> out(v.size());
    Decoder d(buf);
    ASSERT_TRUE(unpackUnsigned(d, out.data(), out.size())) << w;
    EXPECT_EQ(out, v) << w;
  }
}

TEST(TsdbCodec, ChunkRoundTripWithMetadata) {
  SeriesColumns c;
  for (int i = 0; i < 3000; ++i) c.push(1000 * i, i * 0.25, i % 7 == 0 ? 2 : 0, i % 11 == 0 ? kFlagOutOfRange : 0);
  c.meta = {{5, R"({"fw":"1.2.3"})"}, {2999, "{}"}};
  std::string buf;
  encodeChunk(buf, c, 0, c.size());
  SeriesColumns out;
  ASSERT_TRUE(decodeChunk(buf, out));
  EXPECT_EQ(out.ts, c.ts);
  EXPECT_EQ(out.values, c.values);
  EXPECT_EQ(out.quality, c.quality);
  EXPECT_EQ(out.flags, c.flags);
  EXPECT_EQ(out.meta, c.meta);
  // A sub-range re-bases metadata rows.
  std::string part;
  encodeChunk(part, c, 2000, 3000);
  SeriesColumns tail;
  ASSERT_TRUE(decodeChunk(part, tail));
  ASSERT_EQ(tail.meta.size(), 1u);
  EXPECT_EQ(tail.meta[0].first, 999u);
}

TEST(TsdbCodec, CorruptInputNeverCrashes) {
  SeriesColumns c;
  for (int i = 0; i < 500; ++i) c.push(i, i * 1.1, 0, 0);
  std::string buf;
  encodeChunk(buf, c, 0, c.size());
  std::mt19937 rng(3);
  for (int round = 0; round < 2000; ++round) {
    std::string bad = buf;
    if (round % 2) bad.resize(rng() % bad.size());
    else bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
    SeriesColumns out;
    (void)decodeChunk(bad, out);  // must not crash or read out of bounds
  }
}

TEST(TsdbCodec, AggregatesRoundTripAndMerge) {
  std::vector<Agg> aggs;
  for (int b = 0; b < 100; ++b) {
    Agg a = Agg::of(b * 60'000, b * 60'000 + 5, b + 0.5, 0, 0);
    a.add(b * 60'000 + 1000, b - 0.25, 2, kFlagOutOfRange);
    aggs.push_back(a);
  }
  std::string buf;
  encodeAggs(buf, aggs.data(), aggs.size());
  std::vector<Agg> out;
  ASSERT_TRUE(decodeAggs(buf, out));
  ASSERT_EQ(out.size(), aggs.size());
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].bucket, aggs[i].bucket);
    EXPECT_EQ(out[i].count, 2u);
    EXPECT_EQ(out[i].sum, aggs[i].sum);
    EXPECT_EQ(out[i].firstTs, aggs[i].firstTs);
    EXPECT_EQ(out[i].last, aggs[i].last);
    EXPECT_EQ(out[i].bad, 1u);
    EXPECT_EQ(out[i].outOfRange, 1u);
  }
  std::vector<Agg> five;
  foldTo(aggs, 300'000, five);
  ASSERT_EQ(five.size(), 20u);
  EXPECT_EQ(five[0].count, 10u);
  EXPECT_EQ(five[0].first, 0.5);
  EXPECT_EQ(five[0].last, 4 - 0.25);
  EXPECT_EQ(floorTo(-1, 60'000), -60'000);
}

TEST(TsdbCodec, OneMinuteMathsMatchesAcceptanceCheck) {
  Agg a = Agg::of(0, 0, 1, 0, 0);
  for (int i = 2; i <= 60; ++i) a.add((i - 1) * 1000, i, 0, 0);
  const RollupRow r = a.row();
  EXPECT_DOUBLE_EQ(r.avg(), 30.5);
  EXPECT_EQ(r.min, 1);
  EXPECT_EQ(r.max, 60);
  EXPECT_EQ(r.sum, 1830);
  EXPECT_NEAR(r.stddevSample(), 17.464, 1e-3);
  EXPECT_NEAR(r.stddevPopulation(), 17.318, 1e-3);
}

}  // namespace
}  // namespace dcmms::telemetry::tsdb
