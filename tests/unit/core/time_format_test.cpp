#include "core/time_format.h"

#include <gtest/gtest.h>

namespace dcmms {

TEST(TimeFormat, FormatsEpochAsIsoUtc) {
  EXPECT_EQ(formatIso8601(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(formatIso8601(1764118923456), "2025-11-26T01:02:03.456Z");
  EXPECT_EQ(formatIso8601(-1), "1969-12-31T23:59:59.999Z");
}

TEST(TimeFormat, ParsesIsoWithOffsetsAndFractions) {
  EXPECT_EQ(parseIso8601("2025-11-26T01:02:03.456Z"), 1764118923456);
  EXPECT_EQ(parseIso8601("2025-11-26T02:02:03.456+01:00"), 1764118923456);
  EXPECT_EQ(parseIso8601("2025-11-26T01:02:03Z"), 1764118923000);
  EXPECT_EQ(parseIso8601("2025-11-26"), 1764115200000);
  EXPECT_FALSE(parseIso8601("2025-13-01"));
  EXPECT_FALSE(parseIso8601("yesterday"));
  EXPECT_FALSE(parseIso8601("2025-11-26T01:02:03Zjunk"));
}

TEST(TimeFormat, TimestampAcceptsEpochMs) {
  EXPECT_EQ(parseTimestamp("1764118923456"), 1764118923456);
  EXPECT_EQ(parseTimestamp("2025-11-26T01:02:03.456Z"), 1764118923456);
  EXPECT_EQ(utcDayStamp(1764118923456), "20251126");
}

}  // namespace dcmms
