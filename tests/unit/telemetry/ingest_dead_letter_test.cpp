#include "telemetry/ingest/dead_letter.h"

#include <gtest/gtest.h>

#include "ingest_test_util.h"
#include "telemetry/ingest/json_events.h"
#include "telemetry/ingest/line_protocol.h"

namespace dcmms::telemetry {
namespace {

using testing::context;
using testing::kNow;

TEST(DeadLetter, OneLetterPerRejectedLineWithEveryReason) {
  auto b = parseLineProtocol("m,site=S,asset=A value=nan,other=inf\nm,site=S,asset=A value=1\nbad line here\n",
                             Precision::ms, context());
  auto letters = makeDeadLetters(b, {IngestSource::lineProtocol, "t1", kNow, "", "ms"});
  ASSERT_EQ(letters.size(), 2u);
  EXPECT_EQ(letters[0].index, 1u);
  EXPECT_EQ(letters[0].raw, "m,site=S,asset=A value=nan,other=inf");
  ASSERT_EQ(letters[0].reasons.size(), 2u);
  EXPECT_EQ(letters[0].reasons[0].field, "value");
  EXPECT_EQ(letters[0].reasons[0].code, "NON_FINITE_VALUE");
  EXPECT_EQ(letters[0].reasons[1].field, "other");
  EXPECT_EQ(letters[0].precision, "ms");
  EXPECT_EQ(letters[0].tenantId, "t1");
  EXPECT_EQ(letters[0].receivedAtMs, kNow);
  EXPECT_EQ(letters[0].id.size(), 36u);
  EXPECT_NE(letters[0].id, letters[1].id);
  EXPECT_EQ(letters[1].index, 3u);
  EXPECT_EQ(ingestSourceName(letters[1].source), "line-protocol");
}

TEST(DeadLetter, RawTextIsCapped) {
  JsonIngestParser parser;
  const std::string big = R"([{"asset_id":"A","metadata":{"x":")" + std::string(10000, 'y') + R"("}}])";
  auto b = parser.telemetryEvents(big, context());
  auto letters = makeDeadLetters(b, {IngestSource::httpJson, "t1", kNow, "", ""});
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].raw.size(), kMaxRawBytes);
}

TEST(DeadLetter, SourceNamesRoundTrip) {
  for (auto s : {IngestSource::httpJson, IngestSource::lineProtocol, IngestSource::mqtt, IngestSource::sensorReadings}) {
    EXPECT_EQ(parseIngestSource(ingestSourceName(s)), s);
  }
  EXPECT_FALSE(parseIngestSource("kafka"));
}

TEST(MemoryDeadLetterSink, KeepsTheNewestAndSupportsReplayTake) {
  MemoryDeadLetterSink sink(2);
  std::vector<DeadLetter> letters(3);
  for (int i = 0; i < 3; ++i) letters[i].id = "id" + std::to_string(i);
  sink.write(letters);
  auto kept = sink.snapshot();
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].id, "id1");
  auto taken = sink.take("id2");
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->id, "id2");
  EXPECT_FALSE(sink.take("id2"));
  EXPECT_EQ(sink.snapshot().size(), 1u);
}

}  // namespace
}  // namespace dcmms::telemetry
