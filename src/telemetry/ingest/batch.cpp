#include "telemetry/ingest/batch.h"

#include <algorithm>

namespace dcmms::telemetry {

std::string_view rejectCodeName(RejectCode code) {
  switch (code) {
    case RejectCode::malformed: return "MALFORMED";
    case RejectCode::missingField: return "MISSING_FIELD";
    case RejectCode::invalidType: return "INVALID_TYPE";
    case RejectCode::nonFiniteValue: return "NON_FINITE_VALUE";
    case RejectCode::invalidTimestamp: return "INVALID_TIMESTAMP";
    case RejectCode::tooOld: return "TIMESTAMP_TOO_OLD";
    case RejectCode::inFuture: return "TIMESTAMP_IN_FUTURE";
    case RejectCode::invalidQuality: return "INVALID_QUALITY";
    case RejectCode::invalidTopic: return "INVALID_TOPIC";
    case RejectCode::unknownAsset: return "UNKNOWN_ASSET";
    case RejectCode::siteMismatch: return "SITE_MISMATCH";
    case RejectCode::siteForbidden: return "SITE_ACCESS_DENIED";
  }
  return "MALFORMED";
}

std::string capRaw(std::string_view raw) {
  return std::string(raw.substr(0, std::min(raw.size(), kMaxRawBytes)));
}

void appendSeriesKeyText(std::string& out, const SeriesKey& key, std::string_view unit) {
  for (std::string_view part : {std::string_view(key.tenantId), std::string_view(key.siteId),
                                std::string_view(key.assetId), std::string_view(key.sensorId),
                                std::string_view(key.metric), unit}) {
    out += std::to_string(part.size());
    out += ':';
    out += part;
  }
}

std::string seriesKeyText(const SeriesKey& key, std::string_view unit) {
  std::string out;
  appendSeriesKeyText(out, key, unit);
  return out;
}

uint32_t ParsedBatch::internSeries(const SeriesKey& key, std::string_view unit) {
  scratch_.clear();
  appendSeriesKeyText(scratch_, key, unit);
  if (auto it = seriesIndex_.find(std::string_view(scratch_)); it != seriesIndex_.end()) {
    return it->second;
  }
  const auto index = static_cast<uint32_t>(series_.size());
  series_.push_back(BatchSeries{key, std::string(unit), nullptr});
  seriesIndex_.emplace(scratch_, index);
  return index;
}

uint32_t ParsedBatch::internMemo(const std::shared_ptr<SeriesMemo>& memo, const SeriesKey& key, std::string_view unit) {
  const uint32_t hint = memo->batchIndex.load(std::memory_order_relaxed);
  if (hint < series_.size() && series_[hint].memo == memo) return hint;
  const auto index = static_cast<uint32_t>(series_.size());
  series_.push_back(BatchSeries{key, std::string(unit), memo});
  memo->batchIndex.store(index, std::memory_order_relaxed);
  return index;
}

uint32_t ParsedBatch::addMetadata(std::string json) {
  if (json.empty()) return 0;
  metadata_.push_back(std::move(json));
  return static_cast<uint32_t>(metadata_.size() - 1);
}

void ParsedBatch::reject(Rejection r) { rejections_.push_back(std::move(r)); }

void ParsedBatch::retainRows(const std::function<bool(const Row&)>& keep) {
  std::erase_if(rows_, [&](const Row& r) { return !keep(r); });
}

Point ParsedBatch::point(size_t row) const {
  const Row& r = rows_[row];
  const BatchSeries& s = series_[r.series];
  return Point{s.key, r.timestampMs, r.value, s.unit, r.quality, r.flags, metadata_[r.meta]};
}

std::vector<Point> ParsedBatch::toPoints() const {
  std::vector<Point> out;
  out.reserve(rows_.size());
  for (size_t i = 0; i < rows_.size(); ++i) out.push_back(point(i));
  return out;
}

}  // namespace dcmms::telemetry
