#include "telemetry/ingest/line_protocol.h"

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/flat_index.h"
#include "telemetry/ingest/json_text.h"

namespace dcmms::telemetry {
namespace {

constexpr std::string_view kMeasurementEscapes = ", \\";
constexpr std::string_view kKeyEscapes = ",= \\";
constexpr std::string_view kStringEscapes = "\"\\";

// Index of the first of a/b/c at or after from that is not escaped by a backslash, or npos.
size_t findUnescaped(std::string_view s, size_t from, char a, char b, char c = '\0') {
  for (size_t i = from; i < s.size(); ++i) {
    const char ch = s[i];
    if (ch == '\\') {
      ++i;
    } else if (ch == a || (b && ch == b) || (c && ch == c)) {
      return i;
    }
  }
  return std::string_view::npos;
}

// Single-character variant on memchr: ch is escaped when an odd run of backslashes precedes it.
size_t findUnescaped(std::string_view s, size_t from, char ch) {
  size_t i = from;
  while (i < s.size()) {
    const void* hit = std::memchr(s.data() + i, ch, s.size() - i);
    if (!hit) return std::string_view::npos;
    const size_t at = static_cast<size_t>(static_cast<const char*>(hit) - s.data());
    size_t run = 0;
    while (at - run > from && s[at - run - 1] == '\\') ++run;
    if (run % 2 == 0) return at;
    i = at + 1;
  }
  return std::string_view::npos;
}

std::string unescape(std::string_view s, std::string_view escapable) {
  if (!std::memchr(s.data(), '\\', s.size())) return std::string(s);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && escapable.find(s[i + 1]) != std::string_view::npos) ++i;
    out += s[i];
  }
  return out;
}

bool isBlank(char c) { return c == ' ' || c == '\t'; }

enum class FieldKind : uint8_t { number, string };

struct FieldSlot {
  std::string_view rawKey;
  std::string_view rawValue;  // string fields: without the quotes
  FieldKind kind = FieldKind::number;
  double number = 0;
};

// One distinct "measurement,tags" text: what its tags say, independent of any request.
struct TagSet {
  std::optional<RejectCode> error;
  std::string errorField;
  std::string errorMessage;
  std::string metric;  // canonical metric of the "value" field
  SeriesKey base;      // metric left empty
  std::string unit;
  QualityValue quality;
  std::string metadata;  // JSON object text from the extra tags
};

// One numeric field key seen under a tag set: its series, rule and memo, derived once.
struct CachedField {
  std::string rawKey;  // as written, escapes included
  std::string key;
  SeriesKey seriesKey;
  SeriesRule rule;
  std::shared_ptr<SeriesMemo> memo;
};

}  // namespace

struct LineSeriesCache::Entry {
  TagSet tags;
  std::mutex mu;  // guards fields
  std::vector<std::shared_ptr<const CachedField>> fields;
};

std::shared_ptr<LineSeriesCache::Entry> LineSeriesCache::find(std::string_view seriesText) const {
  const Shard& shard = shardOf(seriesText);
  std::shared_lock lock(shard.mu);
  auto it = shard.entries.find(seriesText);
  return it == shard.entries.end() ? nullptr : it->second;
}

std::shared_ptr<LineSeriesCache::Entry> LineSeriesCache::insert(std::string_view seriesText, std::shared_ptr<Entry> entry) {
  Shard& shard = shardOf(seriesText);
  std::unique_lock lock(shard.mu);
  if (shard.entries.size() >= std::max<size_t>(1, maxEntries_ / kShards)) {
    shard.entries.clear();  // in-flight requests keep the entries they hold
  }
  return shard.entries.try_emplace(std::string(seriesText), std::move(entry)).first->second;
}

std::shared_ptr<SeriesMemo> LineSeriesCache::memoFor(const std::string& keyText) {
  std::lock_guard lock(memoMu_);
  if (memos_.size() >= maxEntries_) memos_.clear();  // entries keep the memos they hold
  auto& memo = memos_[keyText];
  if (!memo) memo = std::make_shared<SeriesMemo>();
  return memo;
}

void LineSeriesCache::clear() {
  for (Shard& shard : shards_) {
    std::unique_lock lock(shard.mu);
    shard.entries.clear();
  }
  std::lock_guard lock(memoMu_);
  memos_.clear();
}

size_t LineSeriesCache::size() const {
  size_t n = 0;
  for (const Shard& shard : shards_) {
    std::shared_lock lock(shard.mu);
    n += shard.entries.size();
  }
  return n;
}

namespace {

// Parses "1.5", "-3i", "7u", "t", "false" into a double; false = syntax error.
bool parseNumber(std::string_view v, double& out) {
  if (v.empty()) return false;
  const char last = v.back();
  const char* first = v.data();
  const char* end = v.data() + v.size();
  const bool plus = *first == '+';
  if (plus) ++first;
  if (last == 'i' || last == 'u') {
    --end;
    if (first >= end || (plus && *first == '-')) return false;
    if (last == 'i') {
      int64_t n;
      auto [p, ec] = std::from_chars(first, end, n);
      if (ec != std::errc() || p != end) return false;
      out = static_cast<double>(n);
    } else {
      uint64_t n;
      auto [p, ec] = std::from_chars(first, end, n);
      if (ec != std::errc() || p != end) return false;
      out = static_cast<double>(n);
    }
    return true;
  }
  if (v == "t" || v == "T" || v == "true" || v == "True" || v == "TRUE") {
    out = 1;
    return true;
  }
  if (v == "f" || v == "F" || v == "false" || v == "False" || v == "FALSE") {
    out = 0;
    return true;
  }
  if (first == end || (plus && *first == '-')) return false;
  auto [p, ec] = std::from_chars(first, end, out);
  if (p != end) return false;
  if (ec == std::errc::result_out_of_range) {
    // Overflow → ±Inf (rejected later as non-finite); underflow → the tiny value strtod gives.
    if (v.size() > 63) return false;
    char buf[64];
    std::memcpy(buf, v.data(), v.size());
    buf[v.size()] = '\0';
    out = std::strtod(buf, nullptr);
    return true;
  }
  return ec == std::errc();
}

bool toMillis(int64_t t, Precision p, int64_t& ms) {
  const auto floorDiv = [](int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); };
  switch (p) {
    case Precision::ns: ms = floorDiv(t, 1000000); return true;
    case Precision::us: ms = floorDiv(t, 1000); return true;
    case Precision::ms: ms = t; return true;
    case Precision::s: return !__builtin_mul_overflow(t, int64_t{1000}, &ms);
  }
  return false;
}

class LineParser {
 public:
  // A shared cache is used only when tag sets cannot depend on the request (no site lookup).
  LineParser(Precision precision, const IngestContext& ctx, LineSeriesCache* shared)
      : precision_(precision), ctx_(ctx), validator_(ctx), cache_(shared && !ctx.siteOfAsset ? shared : &own_) {}

  ParsedBatch run(std::string_view body) {
    batch_.reserveRows(body.size() / 48);  // typical lines are 60..120 bytes
    uint32_t lineNo = 0;
    size_t pos = 0;
    while (pos < body.size()) {
      const void* nl = std::memchr(body.data() + pos, '\n', body.size() - pos);
      const size_t end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - body.data()) : body.size();
      std::string_view line = body.substr(pos, end - pos);
      pos = end + 1;
      ++lineNo;
      while (!line.empty() && (isBlank(line.back()) || line.back() == '\r')) line.remove_suffix(1);
      while (!line.empty() && isBlank(line.front())) line.remove_prefix(1);
      if (line.empty() || line.front() == '#') continue;
      parseLine(line, lineNo);
    }
    return std::move(batch_);
  }

 private:
  void reject(uint32_t lineNo, std::string_view line, RejectCode code, std::string field, std::string message) {
    batch_.reject(Rejection{lineNo, std::move(field), code, std::move(message), capRaw(line)});
  }

  void parseLine(std::string_view line, uint32_t lineNo) {
    const size_t seriesEnd = findUnescaped(line, 0, ' ');
    if (seriesEnd == std::string_view::npos) {
      return reject(lineNo, line, RejectCode::malformed, "", "line has no field set");
    }
    LocalTagSet& local = tagSetFor(line.substr(0, seriesEnd));
    const TagSet& tags = local.entry->tags;
    if (tags.error) return reject(lineNo, line, *tags.error, tags.errorField, tags.errorMessage);

    // Field set: key=value pairs up to the next unescaped space outside a quoted string.
    slots_.clear();
    size_t pos = seriesEnd + 1;
    while (pos < line.size() && line[pos] == ' ') ++pos;
    for (;;) {
      const size_t eq = findUnescaped(line, pos, '=', ',', ' ');
      if (eq == std::string_view::npos || line[eq] != '=' || eq == pos) {
        return reject(lineNo, line, RejectCode::malformed, "", "invalid field at column " + std::to_string(pos + 1));
      }
      FieldSlot slot;
      slot.rawKey = line.substr(pos, eq - pos);
      size_t v = eq + 1;
      size_t next;
      if (v < line.size() && line[v] == '"') {
        const size_t close = findUnescaped(line, v + 1, '"');
        if (close == std::string_view::npos) {
          return reject(lineNo, line, RejectCode::malformed, unescape(slot.rawKey, kKeyEscapes), "unterminated string field");
        }
        slot.kind = FieldKind::string;
        slot.rawValue = line.substr(v + 1, close - v - 1);
        next = close + 1;
      } else {
        next = v;
        while (next < line.size() && line[next] != ',' && line[next] != ' ') ++next;
        slot.rawValue = line.substr(v, next - v);
        if (!parseNumber(slot.rawValue, slot.number)) {
          return reject(lineNo, line, RejectCode::malformed, unescape(slot.rawKey, kKeyEscapes),
                        "invalid field value '" + std::string(slot.rawValue.substr(0, 64)) + "'");
        }
      }
      slots_.push_back(slot);
      if (next >= line.size() || line[next] == ' ') {
        pos = next;
        break;
      }
      if (line[next] != ',') {
        return reject(lineNo, line, RejectCode::malformed, "", "expected ',' or ' ' after a field value");
      }
      pos = next + 1;
    }

    // Optional timestamp.
    while (pos < line.size() && isBlank(line[pos])) ++pos;
    int64_t tsMs = ctx_.nowMs;
    if (pos < line.size()) {
      int64_t raw;
      auto [p, ec] = std::from_chars(line.data() + pos, line.data() + line.size(), raw);
      if (ec != std::errc() || p != line.data() + line.size() || !toMillis(raw, precision_, tsMs)) {
        return reject(lineNo, line, RejectCode::invalidTimestamp, "timestamp",
                      "invalid timestamp '" + std::string(line.substr(pos, 32)) + "'");
      }
    }

    QualityValue quality = tags.quality;
    uint32_t meta = local.meta;
    bool hasStrings = false;
    for (const FieldSlot& s : slots_) hasStrings |= s.kind == FieldKind::string;
    if (hasStrings && !applyStringFields(tags, quality, meta, line, lineNo)) return;

    for (const FieldSlot& s : slots_) {
      if (s.kind != FieldKind::number) continue;
      const LocalField& f = fieldEntry(local, s.rawKey);
      double value = s.number;
      uint8_t flags = quality.flags;
      if (auto code = validator_.check(f.field->rule, value, tsMs, flags)) {
        reject(lineNo, line, *code, f.field->key, validator_.explain(*code, tsMs));
        continue;
      }
      batch_.addRow(Row{f.series, meta, tsMs, value, quality.quality, flags, lineNo});
    }
  }

  // String fields: "quality" sets the line's quality, the others join the metadata.
  bool applyStringFields(const TagSet& tags, QualityValue& quality, uint32_t& meta, std::string_view line,
                         uint32_t lineNo) {
    JsonObjectText metadata(tags.metadata);
    bool extra = false;
    for (const FieldSlot& s : slots_) {
      if (s.kind != FieldKind::string) continue;
      const std::string key = unescape(s.rawKey, kKeyEscapes);
      const std::string value = unescape(s.rawValue, kStringEscapes);
      if (key == "quality" || key == "quality_flag") {
        auto q = parseQuality(value);
        if (!q) {
          reject(lineNo, line, RejectCode::invalidQuality, key, "unknown quality '" + value.substr(0, 64) + "'");
          return false;
        }
        quality = *q;
      } else {
        metadata.add(key, value);
        extra = true;
      }
    }
    if (extra) meta = batch_.addMetadata(metadata.take());
    return true;
  }

  // Per request: a tag set's fields resolve to batch series once.
  struct LocalField {
    std::string_view rawKey;
    const CachedField* field = nullptr;
    uint32_t series = 0;
  };
  struct LocalTagSet {
    std::shared_ptr<LineSeriesCache::Entry> entry;
    uint32_t meta = 0;
    LocalField first;  // most lines carry one field
    std::vector<LocalField> more;
  };

  const LocalField& fieldEntry(LocalTagSet& local, std::string_view rawKey) {
    if (local.first.field && local.first.rawKey == rawKey) return local.first;
    for (const LocalField& f : local.more)
      if (f.rawKey == rawKey) return f;
    const CachedField& cf = cachedField(*local.entry, rawKey);
    const LocalField f{rawKey, &cf, batch_.internMemo(cf.memo, cf.seriesKey, cf.rule.unit)};
    if (!local.first.field) return local.first = f;
    return local.more.emplace_back(f);
  }

  const CachedField& cachedField(LineSeriesCache::Entry& entry, std::string_view rawKey) {
    std::lock_guard lock(entry.mu);
    for (const auto& f : entry.fields)
      if (f->rawKey == rawKey) return *f;
    auto f = std::make_shared<CachedField>();
    f->rawKey = std::string(rawKey);
    f->key = unescape(rawKey, kKeyEscapes);
    f->seriesKey = entry.tags.base;
    // The unit tag belongs to the "value" field; other fields name their unit by suffix.
    const bool isValue = f->key == "value";
    f->seriesKey.metric = isValue ? entry.tags.metric : canonicalMetricName(f->key);
    f->rule = validator_.rule(f->seriesKey.metric, isValue ? std::string_view(entry.tags.unit) : std::string_view());
    f->memo = cache_->memoFor(seriesKeyText(f->seriesKey, f->rule.unit));
    return *entry.fields.emplace_back(std::move(f));
  }

  LocalTagSet& tagSetFor(std::string_view text) {
    auto [index, inserted] = local_.tryEmplace(text, static_cast<uint32_t>(locals_.size()));
    if (!inserted) return locals_[index];
    LocalTagSet& local = locals_.emplace_back();
    local.entry = cache_->find(text);
    if (!local.entry) {
      auto entry = std::make_shared<LineSeriesCache::Entry>();
      buildTagSet(text, entry->tags);
      local.entry = cache_->insert(text, std::move(entry));
    }
    if (!local.entry->tags.error) local.meta = batch_.addMetadata(local.entry->tags.metadata);
    return local;
  }

  static void fail(TagSet& t, RejectCode code, std::string field, std::string message) {
    t.error = code;
    t.errorField = std::move(field);
    t.errorMessage = std::move(message);
  }

  void buildTagSet(std::string_view text, TagSet& t) {
    const size_t measEnd = std::min(findUnescaped(text, 0, ','), text.size());
    const std::string measurement = unescape(text.substr(0, measEnd), kMeasurementEscapes);
    if (measurement.empty()) return fail(t, RejectCode::malformed, "", "empty measurement");
    JsonObjectText metadata;
    bool hasSensor = false;
    size_t pos = measEnd + 1;
    while (pos < text.size()) {
      const size_t eq = findUnescaped(text, pos, '=', ',');
      if (eq == std::string_view::npos || text[eq] != '=') {
        return fail(t, RejectCode::malformed, "", "tag without '=' at column " + std::to_string(pos + 1));
      }
      const size_t end = std::min(findUnescaped(text, eq + 1, ','), text.size());
      const std::string key = unescape(text.substr(pos, eq - pos), kKeyEscapes);
      std::string value = unescape(text.substr(eq + 1, end - eq - 1), kKeyEscapes);
      if (key.empty() || value.empty()) return fail(t, RejectCode::malformed, key, "empty tag key or value");
      if (key == "site" || key == "site_id" || key == "siteId") {
        t.base.siteId = std::move(value);
      } else if (key == "asset" || key == "asset_id" || key == "assetId") {
        t.base.assetId = std::move(value);
      } else if (key == "sensor" || key == "sensor_id" || key == "sensorId") {
        t.base.sensorId = std::move(value);
        hasSensor = true;
      } else if (key == "unit") {
        t.unit = std::move(value);
      } else if (key == "quality" || key == "quality_flag") {
        auto q = parseQuality(value);
        if (!q) return fail(t, RejectCode::invalidQuality, key, "unknown quality '" + value.substr(0, 64) + "'");
        t.quality = *q;
      } else {
        metadata.add(key, value);
      }
      pos = end + 1;
    }
    if (t.base.assetId.empty()) return fail(t, RejectCode::missingField, "asset", "missing tag 'asset'");
    if (t.base.siteId.empty() && ctx_.siteOfAsset) {
      if (auto site = ctx_.siteOfAsset(t.base.assetId)) t.base.siteId = std::move(*site);
    }
    if (t.base.siteId.empty()) return fail(t, RejectCode::missingField, "site", "missing tag 'site'");
    t.base.tenantId = ctx_.tenantId;
    t.metric = canonicalMetricName(measurement);
    if (!hasSensor) t.base.sensorId = t.metric;
    t.metadata = metadata.take();
  }

  Precision precision_;
  const IngestContext& ctx_;
  Validator validator_;
  LineSeriesCache own_{SIZE_MAX};  // used when no shared cache is given
  LineSeriesCache* cache_;
  ParsedBatch batch_;
  FlatIndex<std::string_view> local_;  // series text → locals_ index
  std::deque<LocalTagSet> locals_;
  std::vector<FieldSlot> slots_;
};

}  // namespace

std::optional<Precision> parsePrecision(std::string_view text) {
  if (text.empty() || text == "ns" || text == "n") return Precision::ns;
  if (text == "us" || text == "u" || text == "µs") return Precision::us;
  if (text == "ms") return Precision::ms;
  if (text == "s") return Precision::s;
  return std::nullopt;
}

std::string_view precisionName(Precision p) {
  switch (p) {
    case Precision::ns: return "ns";
    case Precision::us: return "us";
    case Precision::ms: return "ms";
    case Precision::s: return "s";
  }
  return "ns";
}

ParsedBatch parseLineProtocol(std::string_view body, Precision precision, const IngestContext& ctx,
                              LineSeriesCache* cache) {
  return LineParser(precision, ctx, cache).run(body);
}

}  // namespace dcmms::telemetry
