#include "telemetry/ingest/json_events.h"

#include <simdjson.h>

#include <cmath>
#include <unordered_map>

#include "core/time_format.h"
#include "telemetry/ingest/json_text.h"
#include "telemetry/ingest/sensor_types.h"

namespace dcmms::telemetry {
namespace {

namespace dom = simdjson::dom;
using Type = dom::element_type;

enum class Format { telemetryEvent, sensorReading, mqtt };

// Field names used in rejections, per format.
struct Names {
  std::string_view site, asset, sensor, metric, quality;
};
constexpr Names kSnake{"site_id", "asset_id", "sensor_id", "sensor_type", "quality_flag"};
constexpr Names kCamel{"siteId", "assetId", "sensorId", "metricName", "quality"};

struct Fields {
  std::optional<dom::element> site, asset, sensor, metric, value, unit, timestamp, quality, qualityDetail,
      metadata, metrics;
};

bool isOneOf(std::string_view k, std::initializer_list<std::string_view> names) {
  for (auto n : names) {
    if (k == n) return true;
  }
  return false;
}

void collect(dom::object obj, Fields& f) {
  for (dom::key_value_pair kv : obj) {
    const std::string_view k = kv.key;
    if (isOneOf(k, {"site_id", "siteId"})) f.site = kv.value;
    else if (isOneOf(k, {"asset_id", "assetId"})) f.asset = kv.value;
    else if (isOneOf(k, {"sensor_id", "sensorId"})) f.sensor = kv.value;
    else if (isOneOf(k, {"sensor_type", "sensorType", "metricName", "metric_name", "metric"})) f.metric = kv.value;
    else if (k == "value") f.value = kv.value;
    else if (k == "unit") f.unit = kv.value;
    else if (k == "timestamp") f.timestamp = kv.value;
    else if (isOneOf(k, {"quality_flag", "qualityFlag", "quality"})) f.quality = kv.value;
    else if (isOneOf(k, {"qualityDetail", "quality_detail"})) f.qualityDetail = kv.value;
    else if (k == "metadata") f.metadata = kv.value;
    else if (isOneOf(k, {"metrics", "measurements"})) f.metrics = kv.value;
  }
}

bool present(const std::optional<dom::element>& e) { return e && e->type() != Type::NULL_VALUE; }

// Absent or null → "" (true); a string → its value (true); anything else → false.
bool readString(const std::optional<dom::element>& e, std::string_view& out) {
  out = {};
  if (!present(e)) return true;
  return !e->get_string().get(out);
}

bool readNumber(dom::element e, double& out) {
  switch (e.type()) {
    case Type::INT64:
    case Type::UINT64:
    case Type::DOUBLE: return !e.get_double().get(out);
    case Type::BOOL: {
      bool b = false;
      if (e.get_bool().get(b)) return false;
      out = b ? 1 : 0;
      return true;
    }
    default: return false;
  }
}

bool readTimestamp(dom::element e, int64_t& ms) {
  switch (e.type()) {
    case Type::INT64: return !e.get_int64().get(ms);
    case Type::DOUBLE: {
      double d = 0;
      if (e.get_double().get(d) || !std::isfinite(d) || std::fabs(d) > 9.0e18) return false;
      ms = static_cast<int64_t>(std::floor(d));
      return true;
    }
    case Type::STRING: {
      std::string_view s;
      if (e.get_string().get(s)) return false;
      auto t = parseTimestamp(s);
      if (!t) return false;
      ms = *t;
      return true;
    }
    default: return false;
  }
}

std::optional<QualityValue> readQuality(dom::element e) {
  if (e.type() == Type::STRING) {
    std::string_view s;
    if (e.get_string().get(s)) return std::nullopt;
    return parseQuality(s);
  }
  if (e.type() == Type::INT64) {
    int64_t code = 0;
    if (e.get_int64().get(code)) return std::nullopt;
    return qualityFromCode(code);
  }
  return std::nullopt;
}

// Turns the elements of one document into rows and rejections.
class ElementReader {
 public:
  ElementReader(ParsedBatch& batch, const IngestContext& ctx, Format format, const MqttTopic* topic)
      : batch_(batch), ctx_(ctx), validator_(ctx), format_(format), topic_(topic),
        names_(format == Format::sensorReading ? kCamel : kSnake) {}

  void read(dom::element el, uint32_t index) {
    index_ = index;
    element_ = el;
    raw_.reset();
    metaIndex_.reset();
    dom::object obj;
    if (el.get_object().get(obj)) return reject("", RejectCode::invalidType, "element is not a JSON object");
    Fields f;
    collect(obj, f);

    SeriesKey base;
    base.tenantId = ctx_.tenantId;
    if (!identify(f, base)) return;

    int64_t ts = ctx_.nowMs;
    if (present(f.timestamp)) {
      if (!readTimestamp(*f.timestamp, ts)) {
        return reject("timestamp", RejectCode::invalidTimestamp, "timestamp must be epoch milliseconds or ISO 8601");
      }
    } else if (format_ == Format::telemetryEvent) {
      return reject("timestamp", RejectCode::missingField, "missing 'timestamp'");
    }

    QualityValue quality;
    if (present(f.quality)) {
      auto q = readQuality(*f.quality);
      if (!q) return reject(std::string(names_.quality), RejectCode::invalidQuality, "unknown quality");
      quality = *q;
    }
    if (!readMetadata(f)) return;

    if (present(f.metrics)) {
      readMetrics(*f.metrics, base, ts, quality);
    } else {
      readSingle(f, base, ts, quality);
    }
  }

  void reject(std::string field, RejectCode code, std::string message) {
    if (!raw_) raw_ = capRaw(simdjson::minify(element_));
    batch_.reject(Rejection{index_, std::move(field), code, std::move(message), *raw_});
  }

 private:
  bool identify(const Fields& f, SeriesKey& base) {
    std::string_view site, asset, sensor;
    if (!readString(f.sensor, sensor)) return reject(std::string(names_.sensor), RejectCode::invalidType, "must be a string"), false;
    base.sensorId = std::string(sensor);
    if (topic_) {
      base.siteId = topic_->siteId;
      base.assetId = topic_->assetId;
      return true;
    }
    if (!readString(f.site, site)) return reject(std::string(names_.site), RejectCode::invalidType, "must be a string"), false;
    if (!readString(f.asset, asset)) return reject(std::string(names_.asset), RejectCode::invalidType, "must be a string"), false;
    if (asset.empty()) {
      return reject(std::string(names_.asset), RejectCode::missingField, "missing '" + std::string(names_.asset) + "'"), false;
    }
    base.assetId = std::string(asset);
    base.siteId = std::string(site);
    if (site.empty() && ctx_.siteOfAsset) {
      if (auto s = ctx_.siteOfAsset(asset)) base.siteId = std::move(*s);
    }
    if (base.siteId.empty()) {
      return reject(std::string(names_.site), RejectCode::missingField, "missing '" + std::string(names_.site) + "'"), false;
    }
    return true;
  }

  bool readMetadata(const Fields& f) {
    metadata_.clear();
    if (present(f.metadata)) {
      if (f.metadata->type() != Type::OBJECT) return reject("metadata", RejectCode::invalidType, "metadata must be an object or null"), false;
      metadata_ = simdjson::minify(*f.metadata);
      if (metadata_ == "{}") metadata_.clear();
    }
    std::string_view detail;
    if (!readString(f.qualityDetail, detail)) return reject("qualityDetail", RejectCode::invalidType, "must be a string"), false;
    if (!detail.empty()) {
      JsonObjectText text(std::move(metadata_));
      text.add("qualityDetail", detail);
      metadata_ = text.take();
    }
    return true;
  }

  void readSingle(const Fields& f, SeriesKey& base, int64_t ts, QualityValue quality) {
    std::string_view metricName;
    if (topic_) {
      metricName = topic_->sensorType;
    } else if (!readString(f.metric, metricName)) {
      return reject(std::string(names_.metric), RejectCode::invalidType, "must be a string");
    }
    if (metricName.empty()) {
      return reject(std::string(names_.metric), RejectCode::missingField, "missing '" + std::string(names_.metric) + "'");
    }
    if (!present(f.value)) return reject("value", RejectCode::missingField, "missing 'value'");
    double value = 0;
    if (!readNumber(*f.value, value)) return reject("value", RejectCode::invalidType, "value must be a number");
    std::string_view unit;
    if (!readString(f.unit, unit)) return reject("unit", RejectCode::invalidType, "must be a string");
    if (unit.empty() && format_ == Format::telemetryEvent) return reject("unit", RejectCode::missingField, "missing 'unit'");
    emit("value", base, canonicalMetricName(metricName), unit, value, ts, quality);
  }

  void readMetrics(dom::element metrics, SeriesKey& base, int64_t ts, QualityValue quality) {
    dom::object obj;
    if (metrics.get_object().get(obj)) return reject("metrics", RejectCode::invalidType, "metrics must be an object");
    for (dom::key_value_pair kv : obj) {
      const std::string field = "metrics." + std::string(kv.key);
      double value = 0;
      std::string_view unit;
      QualityValue q = quality;
      dom::element v = kv.value;
      if (v.type() == Type::NULL_VALUE) continue;  // no reading for this metric
      if (v.type() == Type::OBJECT) {
        Fields mf;
        collect(v.get_object().value_unsafe(), mf);
        if (!present(mf.value)) continue;
        if (!readNumber(*mf.value, value)) {
          reject(field + ".value", RejectCode::invalidType, "value must be a number");
          continue;
        }
        if (!readString(mf.unit, unit)) {
          reject(field + ".unit", RejectCode::invalidType, "must be a string");
          continue;
        }
        if (present(mf.quality)) {
          auto mq = readQuality(*mf.quality);
          if (!mq) {
            reject(field + ".quality", RejectCode::invalidQuality, "unknown quality");
            continue;
          }
          q = *mq;
        }
      } else if (!readNumber(v, value)) {
        reject(field, RejectCode::invalidType, "metric value must be a number, an object or null");
        continue;
      }
      emit(field, base, canonicalMetricName(kv.key), unit, value, ts, q);
    }
  }

  void emit(std::string_view field, SeriesKey& base, std::string metric, std::string_view unit, double value,
            int64_t ts, QualityValue quality) {
    const SeriesRule& rule = validator_.rule(metric, unit);
    uint8_t flags = quality.flags;
    if (auto code = validator_.check(rule, value, ts, flags)) {
      return reject(std::string(field), *code, validator_.explain(*code, ts));
    }
    const std::string explicitSensor = base.sensorId;
    if (base.sensorId.empty()) base.sensorId = topic_ ? canonicalMetricName(topic_->sensorType) : metric;
    base.metric = std::move(metric);
    const uint32_t series = batch_.internSeries(base, rule.unit);
    base.sensorId = explicitSensor;
    if (!metaIndex_) metaIndex_ = batch_.addMetadata(metadata_);
    batch_.addRow(Row{series, *metaIndex_, ts, value, quality.quality, flags, index_});
  }

  ParsedBatch& batch_;
  const IngestContext& ctx_;
  Validator validator_;
  Format format_;
  const MqttTopic* topic_;
  Names names_;
  uint32_t index_ = 0;
  dom::element element_;
  std::optional<std::string> raw_;
  std::string metadata_;
  std::optional<uint32_t> metaIndex_;
};

}  // namespace

std::optional<MqttTopic> parseMqttTopic(std::string_view topic) {
  constexpr std::string_view kPrefix = "telemetry/";
  if (!topic.starts_with(kPrefix)) return std::nullopt;
  std::string_view rest = topic.substr(kPrefix.size());
  std::string_view parts[3];
  for (int i = 0; i < 3; ++i) {
    const size_t slash = rest.find('/');
    if ((i < 2) != (slash != std::string_view::npos)) return std::nullopt;
    parts[i] = rest.substr(0, slash);
    if (parts[i].empty() || parts[i].find_first_of("+#") != std::string_view::npos) return std::nullopt;
    rest = i < 2 ? rest.substr(slash + 1) : std::string_view{};
  }
  return MqttTopic{std::string(parts[0]), std::string(parts[1]), std::string(parts[2])};
}

struct JsonIngestParser::Impl {
  dom::parser parser;

  ParsedBatch run(std::string_view body, const IngestContext& ctx, Format format, const MqttTopic* topic) {
    ParsedBatch batch;
    dom::element doc;
    if (body.empty()) {
      batch.reject(Rejection{0, "", RejectCode::malformed, "empty body", ""});
      return batch;
    }
    if (auto err = parser.parse(body.data(), body.size()).get(doc)) {
      batch.reject(Rejection{0, "", RejectCode::malformed, std::string("malformed JSON: ") + simdjson::error_message(err),
                             capRaw(body)});
      return batch;
    }
    ElementReader reader(batch, ctx, format, topic);
    dom::array items;
    if (format == Format::sensorReading && doc.type() == Type::OBJECT) {
      dom::element readings;
      if (!doc["readings"].get(readings)) {
        if (readings.get_array().get(items)) {
          batch.reject(Rejection{0, "readings", RejectCode::invalidType, "readings must be an array", capRaw(body)});
          return batch;
        }
        doc = readings;
      }
    }
    if (!doc.get_array().get(items)) {
      uint32_t index = 0;
      for (dom::element el : items) reader.read(el, index++);
    } else if (doc.type() == Type::OBJECT) {
      reader.read(doc, 0);
    } else {
      batch.reject(Rejection{0, "", RejectCode::invalidType, "expected a JSON array or object", capRaw(body)});
    }
    return batch;
  }
};

JsonIngestParser::JsonIngestParser() : impl_(std::make_unique<Impl>()) {}
JsonIngestParser::~JsonIngestParser() = default;
JsonIngestParser::JsonIngestParser(JsonIngestParser&&) noexcept = default;
JsonIngestParser& JsonIngestParser::operator=(JsonIngestParser&&) noexcept = default;

ParsedBatch JsonIngestParser::telemetryEvents(std::string_view body, const IngestContext& ctx) {
  return impl_->run(body, ctx, Format::telemetryEvent, nullptr);
}

ParsedBatch JsonIngestParser::sensorReadings(std::string_view body, const IngestContext& ctx) {
  return impl_->run(body, ctx, Format::sensorReading, nullptr);
}

ParsedBatch JsonIngestParser::mqttMessage(std::string_view topic, std::string_view payload, const IngestContext& ctx) {
  auto parsed = parseMqttTopic(topic);
  if (!parsed) {
    ParsedBatch batch;
    batch.reject(Rejection{0, "topic", RejectCode::invalidTopic,
                           "topic must be telemetry/{siteId}/{assetId}/{sensorType}, got '" +
                               std::string(topic.substr(0, 256)) + "'",
                           capRaw(payload)});
    return batch;
  }
  return impl_->run(payload, ctx, Format::mqtt, &*parsed);
}

}  // namespace dcmms::telemetry
