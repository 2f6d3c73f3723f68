#include "telemetry/sim/encoders.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "core/json_util.h"

namespace dcmms::telemetry {

namespace {

// Line protocol escaping: backslash before each special character; line breaks cannot be
// escaped and are dropped.
void appendEscaped(std::string& out, std::string_view s, std::string_view special) {
  bool plain = true;
  for (char c : s) {
    if (c == '\\' || c == '\n' || c == '\r' || special.find(c) != std::string_view::npos) {
      plain = false;
      break;
    }
  }
  if (plain) {
    out += s;
    return;
  }
  for (char c : s) {
    if (c == '\n' || c == '\r') continue;
    if (c == '\\' || special.find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
}

void appendTag(std::string& out, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  out.push_back(',');
  out += key;
  out.push_back('=');
  appendEscaped(out, value, ", =");
}

std::string_view qualityWord(Quality q) {
  switch (q) {
    case Quality::good: return "good";
    case Quality::uncertain: return "uncertain";
    case Quality::bad: return "bad";
    default: return "sensor_fault";
  }
}

std::string_view qualityFlag(Quality q) {
  switch (q) {
    case Quality::good: return "GOOD";
    case Quality::uncertain: return "UNCERTAIN";
    case Quality::bad: return "BAD";
    default: return "SENSOR_FAULT";
  }
}

uint64_t fnv1a(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  h ^= 0xff;  // field separator
  h *= 0x100000001b3ULL;
  return h;
}

}  // namespace

void appendInt(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// Shortest plain decimal that reads back as the same double (never exponent notation, which
// some line-protocol and JSON readers reject). The encoders' hot path.
void appendDecimal(std::string& out, double v) {
  char buf[400];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  if (r.ec != std::errc()) {
    appendNumber(out, v);
    return;
  }
  out.append(buf, r.ptr);
}

void appendLineProtocol(std::string& out, std::span<const Point> points, TimePrecision precision) {
  for (const Point& p : points) {
    if (!std::isfinite(p.value)) continue;
    appendEscaped(out, p.key.metric, ", ");
    appendTag(out, "asset", p.key.assetId);
    if (p.quality != Quality::good) appendTag(out, "quality", qualityWord(p.quality));
    appendTag(out, "sensor", p.key.sensorId);
    appendTag(out, "site", p.key.siteId);
    appendTag(out, "unit", p.unit);
    out += " value=";
    appendDecimal(out, p.value);
    out.push_back(' ');
    appendInt(out, precision == TimePrecision::ns ? p.timestampMs * 1000000 : p.timestampMs);
    out.push_back('\n');
  }
}

std::string encodeLineProtocol(std::span<const Point> points, TimePrecision precision) {
  std::string out;
  out.reserve(points.size() * 110);
  appendLineProtocol(out, points, precision);
  return out;
}

std::string eventIdFor(const Point& p) {
  uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
  for (std::string_view s : {std::string_view(p.key.tenantId), std::string_view(p.key.siteId),
                             std::string_view(p.key.assetId), std::string_view(p.key.sensorId),
                             std::string_view(p.key.metric)}) {
    a = fnv1a(a, s);
    b = fnv1a(b, s);
  }
  char ts[24];
  const auto end = std::to_chars(ts, ts + sizeof ts, p.timestampMs).ptr;
  const std::string_view tsText(ts, static_cast<size_t>(end - ts));
  a = fnv1a(a, tsText);
  b = fnv1a(b ^ a, tsText);
  // RFC 9562 version 8 (custom) with the RFC variant bits.
  a = (a & ~0xF000ULL) | 0x8000ULL;
  b = (b & ~(0xC000000000000000ULL)) | 0x8000000000000000ULL;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(36, '-');
  size_t pos = 0;
  auto put = [&](uint64_t v, int digits) {
    for (int d = digits - 1; d >= 0; --d) id[pos++] = kHex[(v >> (4 * d)) & 0xF];
  };
  put(a >> 32, 8);
  ++pos;
  put(a >> 16, 4);
  ++pos;
  put(a, 4);
  ++pos;
  put(b >> 48, 4);
  ++pos;
  put(b, 12);
  return id;
}

std::string encodeTelemetryEvents(std::span<const Point> points) {
  std::string out;
  out.reserve(points.size() * 300);
  out.push_back('[');
  bool first = true;
  for (const Point& p : points) {
    if (!std::isfinite(p.value)) continue;
    if (!first) out.push_back(',');
    first = false;
    out += "{\"event_id\":\"";
    out += eventIdFor(p);
    out += "\",\"timestamp\":";
    appendInt(out, p.timestampMs);
    out += ",\"site_id\":";
    appendJsonString(out, p.key.siteId);
    out += ",\"asset_id\":";
    appendJsonString(out, p.key.assetId);
    out += ",\"sensor_id\":";
    appendJsonString(out, p.key.sensorId);
    out += ",\"sensor_type\":";
    appendJsonString(out, p.key.metric);
    out += ",\"value\":";
    appendDecimal(out, p.value);
    out += ",\"unit\":";
    appendJsonString(out, p.unit);
    out += ",\"quality_flag\":\"";
    out += qualityFlag(p.quality);
    out += "\",\"source\":\"REST_API\",\"schema_version\":\"1.0.0\"";
    if (!p.metadataJson.empty()) {
      out += ",\"metadata\":";
      out += p.metadataJson;
    }
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

std::string mqttTopic(std::string_view siteId, std::string_view assetId, std::string_view sensorType) {
  std::string t;
  t.reserve(16 + siteId.size() + assetId.size() + sensorType.size());
  t += "telemetry/";
  t += siteId;
  t.push_back('/');
  t += assetId;
  t.push_back('/');
  t += sensorType;
  return t;
}

std::vector<MqttMessage> encodeMqttMessages(std::span<const Point> points) {
  // Group points by (site, asset, sensor, timestamp), keeping first-appearance order.
  std::vector<std::vector<size_t>> groups;
  std::unordered_map<std::string, size_t> index;
  std::string key;
  for (size_t i = 0; i < points.size(); ++i) {
    const Point& p = points[i];
    if (!std::isfinite(p.value)) continue;
    key.clear();
    key += p.key.siteId;
    key.push_back('\0');
    key += p.key.assetId;
    key.push_back('\0');
    key += p.key.sensorId;
    key.push_back('\0');
    appendInt(key, p.timestampMs);
    auto [it, inserted] = index.try_emplace(key, groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(i);
  }
  std::vector<MqttMessage> out;
  out.reserve(groups.size());
  for (const auto& g : groups) {
    const Point& head = points[g.front()];
    MqttMessage m;
    m.topic = mqttTopic(head.key.siteId, head.key.assetId, head.key.sensorId);
    std::string& s = m.payload;
    s += "{\"siteId\":";
    appendJsonString(s, head.key.siteId);
    s += ",\"assetId\":";
    appendJsonString(s, head.key.assetId);
    s += ",\"sensorType\":";
    appendJsonString(s, head.key.sensorId);
    s += ",\"timestamp\":";
    appendInt(s, head.timestampMs);
    s += ",\"metrics\":{";
    for (size_t k = 0; k < g.size(); ++k) {
      const Point& p = points[g[k]];
      if (k > 0) s.push_back(',');
      appendJsonString(s, p.key.metric);
      s += ":{\"value\":";
      appendDecimal(s, p.value);
      s += ",\"unit\":";
      appendJsonString(s, p.unit);
      if (p.quality != Quality::good) {
        s += ",\"quality\":\"";
        s += qualityWord(p.quality);
        s.push_back('"');
      }
      if (!p.metadataJson.empty()) {
        s += ",\"metadata\":";
        s += p.metadataJson;
      }
      s.push_back('}');
    }
    s += "}}";
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace dcmms::telemetry
