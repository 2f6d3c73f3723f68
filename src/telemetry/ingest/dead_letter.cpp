#include "telemetry/ingest/dead_letter.h"

#include <algorithm>
#include <map>

#include "core/ids.h"

namespace dcmms::telemetry {

std::string_view ingestSourceName(IngestSource s) {
  switch (s) {
    case IngestSource::httpJson: return "http-json";
    case IngestSource::lineProtocol: return "line-protocol";
    case IngestSource::mqtt: return "mqtt";
    case IngestSource::sensorReadings: return "sensor-readings";
  }
  return "http-json";
}

std::optional<IngestSource> parseIngestSource(std::string_view name) {
  for (auto s : {IngestSource::httpJson, IngestSource::lineProtocol, IngestSource::mqtt, IngestSource::sensorReadings}) {
    if (ingestSourceName(s) == name) return s;
  }
  return std::nullopt;
}

std::vector<DeadLetter> makeDeadLetters(const ParsedBatch& batch, const DeadLetterOrigin& origin) {
  std::vector<DeadLetter> out;
  std::map<uint32_t, size_t> byIndex;
  for (const Rejection& r : batch.rejections()) {
    auto [it, inserted] = byIndex.try_emplace(r.index, out.size());
    if (inserted) {
      DeadLetter d;
      d.id = newUuid();
      d.receivedAtMs = origin.receivedAtMs;
      d.source = origin.source;
      d.tenantId = origin.tenantId;
      d.index = r.index;
      d.topic = origin.topic;
      d.precision = origin.precision;
      d.raw = capRaw(r.raw);
      out.push_back(std::move(d));
    }
    out[it->second].reasons.push_back({r.field, std::string(rejectCodeName(r.code)), r.message});
  }
  return out;
}

void MemoryDeadLetterSink::write(std::vector<DeadLetter> letters) {
  std::lock_guard lock(mu_);
  for (auto& l : letters) letters_.push_back(std::move(l));
  while (letters_.size() > capacity_) letters_.pop_front();
}

std::vector<DeadLetter> MemoryDeadLetterSink::snapshot() const {
  std::lock_guard lock(mu_);
  return {letters_.begin(), letters_.end()};
}

std::optional<DeadLetter> MemoryDeadLetterSink::take(std::string_view id) {
  std::lock_guard lock(mu_);
  auto it = std::find_if(letters_.begin(), letters_.end(), [&](const DeadLetter& l) { return l.id == id; });
  if (it == letters_.end()) return std::nullopt;
  DeadLetter d = std::move(*it);
  letters_.erase(it);
  return d;
}

}  // namespace dcmms::telemetry
