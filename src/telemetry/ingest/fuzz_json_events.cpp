// libFuzzer target: JSON ingest formats (TelemetryEvent arrays, SensorReading bodies, MQTT
// messages) and dead-letter grouping. Built by scripts/run-fuzz.sh. Input: byte 0 selects the
// format; for MQTT the text up to the first '\n' is the topic. Besides the sanitizers it checks
// the batch invariants and that every metadata text is a valid JSON object.
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "telemetry/ingest/dead_letter.h"
#include "telemetry/ingest/json_events.h"

using namespace dcmms::telemetry;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

void checkBatch(const ParsedBatch& b) {
  for (const Row& r : b.rows()) {
    require(r.series < b.series().size());
    require(r.meta < b.metadata().size());
  }
  simdjson::dom::parser parser;
  for (size_t i = 1; i < b.metadata().size(); ++i) {
    simdjson::dom::element doc;
    require(!parser.parse(b.metadata()[i]).get(doc));
    require(doc.type() == simdjson::dom::element_type::OBJECT);
  }
  auto letters = makeDeadLetters(b, {IngestSource::httpJson, "t", 0, "", ""});
  size_t reasons = 0;
  for (const auto& l : letters) reasons += l.reasons.size();
  require(reasons == b.rejections().size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  IngestContext ctx;
  ctx.tenantId = "t";
  ctx.nowMs = 1764118923456;
  ctx.policy.backfill = (data[0] & 4) != 0;
  JsonIngestParser parser;
  switch (data[0] % 3) {
    case 0: checkBatch(parser.telemetryEvents(input, ctx)); break;
    case 1: checkBatch(parser.sensorReadings(input, ctx)); break;
    default: {
      const size_t nl = input.find('\n');
      const std::string_view topic = input.substr(0, nl);
      const std::string_view payload = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
      checkBatch(parser.mqttMessage(topic, payload, ctx));
    }
  }
  return 0;
}
