// Dead letters: rejected ingest elements (one JSON element, MQTT message or line-protocol line)
// with every reason they were rejected, kept so an API can list and replay them. Persistence is
// a DeadLetterSink implemented elsewhere (SQL); MemoryDeadLetterSink is a bounded in-memory one.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/ingest/batch.h"

namespace dcmms::telemetry {

enum class IngestSource : uint8_t { httpJson, lineProtocol, mqtt, sensorReadings };

// "http-json", "line-protocol", "mqtt", "sensor-readings".
std::string_view ingestSourceName(IngestSource s);
std::optional<IngestSource> parseIngestSource(std::string_view name);

struct DeadLetterReason {
  std::string field;
  std::string code;  // rejectCodeName()
  std::string message;
};

struct DeadLetter {
  std::string id;  // UUID
  int64_t receivedAtMs = 0;
  IngestSource source = IngestSource::httpJson;
  std::string tenantId;
  uint32_t index = 0;      // line number / element index within the original request
  std::string topic;       // MQTT topic (replay needs it); "" otherwise
  std::string precision;   // line-protocol precision of the original request; "" otherwise
  std::string raw;         // the rejected line or element, at most kMaxRawBytes
  std::vector<DeadLetterReason> reasons;
};

// Where the rejections of one request came from.
struct DeadLetterOrigin {
  IngestSource source = IngestSource::httpJson;
  std::string tenantId;
  int64_t receivedAtMs = 0;
  std::string topic;
  std::string precision;
};

// Groups the batch's rejections by element/line (one DeadLetter each, reasons in order).
std::vector<DeadLetter> makeDeadLetters(const ParsedBatch& batch, const DeadLetterOrigin& origin);

class DeadLetterSink {
 public:
  virtual ~DeadLetterSink() = default;
  virtual void write(std::vector<DeadLetter> letters) = 0;
};

// Keeps the newest `capacity` letters. Thread-safe.
class MemoryDeadLetterSink final : public DeadLetterSink {
 public:
  explicit MemoryDeadLetterSink(size_t capacity) : capacity_(capacity) {}
  void write(std::vector<DeadLetter> letters) override;
  std::vector<DeadLetter> snapshot() const;
  // Removes and returns the letter with this id (for replay).
  std::optional<DeadLetter> take(std::string_view id);

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::deque<DeadLetter> letters_;
};

}  // namespace dcmms::telemetry
