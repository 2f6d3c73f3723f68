#include "api/ws_hub.h"

#include <algorithm>

#include "api/render.h"
#include "core/json_util.h"
#include "core/log.h"
#include "core/time_format.h"
#include "domain/access.h"

namespace dcmms::api {

namespace {

const std::vector<std::string_view> kChannels = {"work-orders", "assets", "notifications", "alerts", "telemetry"};

std::string envelope(std::string_view event, std::string_view channel, const json::value& data, int64_t now) {
  std::string out = "{\"event\":";
  appendJsonString(out, event);
  out += ",\"channel\":";
  appendJsonString(out, channel);
  out += ",\"data\":";
  appendJson(out, data);
  out += ",\"timestamp\":\"" + formatIso8601(now) + "\"}";
  return out;
}

}  // namespace

WsHub::WsHub(App& app) : app_(app) {
  busSubscription_ = app_.bus.subscribe("*", [this](const DomainEvent& e) { onEvent(e); });
  app_.telemetry.setLiveInterest(
      [this](const std::string& tenant, const std::string& site) { return watchesTelemetry(tenant, site); });
}

WsHub::~WsHub() {
  app_.telemetry.setLiveInterest(nullptr);
  app_.bus.unsubscribe(busSubscription_);
}

bool WsHub::watchesTelemetry(const std::string& tenantId, const std::string& siteId) const {
  std::lock_guard lock(mu_);
  for (const auto& [id, s] : sessions_) {
    if (s.ctx.tenantId() != tenantId || !domain::coversSite(s.ctx, siteId)) continue;
    for (const auto& sub : s.subs)
      if (sub.channel == "telemetry" && (sub.siteId.empty() || sub.siteId == siteId)) return true;
  }
  return false;
}

bool WsHub::onOpen(http::Request& req, std::shared_ptr<http::WsConnection> conn) {
  std::string token = req.queryParam("token").value_or("");
  if (token.empty()) {
    std::string_view authz = req.header("Authorization");
    if (authz.size() > 7) token = std::string(authz.substr(7));
  }
  if (token.empty()) return false;
  Session s;
  try {
    s.ctx.principal = app_.identity.authenticateBearer(token);
  } catch (const ApiException&) {
    return false;
  }
  s.ctx.requestId = req.requestId;
  s.ctx.ip = req.remoteIp;
  s.ctx.now = app_.clock.nowMs();
  s.lastPongMs = s.ctx.now;
  s.conn = conn;
  conn->send(envelope("connected", "system", json::object{{"userId", s.ctx.userId()}, {"connectionId", conn->id()}}, s.ctx.now));
  std::lock_guard lock(mu_);
  sessions_[conn->id()] = std::move(s);
  return true;
}

void WsHub::onMessage(const std::shared_ptr<http::WsConnection>& conn, std::string_view text) {
  const int64_t now = app_.clock.nowMs();
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  auto reply = [&](std::string_view event, const json::value& data) { conn->send(envelope(event, "system", data, now)); };
  if (ec || !v.is_object()) return reply("error", json::object{{"code", "INVALID_JSON"}, {"message", "messages are JSON objects"}});
  const json::object& m = v.get_object();
  std::lock_guard lock(mu_);
  auto it = sessions_.find(conn->id());
  if (it == sessions_.end()) return;
  Session& s = it->second;
  const std::string type = domain::str(m, "type");
  if (type == "pong") {
    s.lastPongMs = now;
    return;
  }
  if (type == "ping") {
    s.lastPongMs = now;
    conn->send("{\"type\":\"pong\"}");
    return;
  }
  const std::string action = domain::str(m, "action");
  const std::string channel = domain::str(m, "channel");
  if (action != "subscribe" && action != "unsubscribe")
    return reply("error", json::object{{"code", "VALIDATION_ERROR"}, {"field", "action"}, {"message", "subscribe or unsubscribe"}});
  if (std::find(kChannels.begin(), kChannels.end(), channel) == kChannels.end())
    return reply("error", json::object{{"code", "VALIDATION_ERROR"}, {"field", "channel"}, {"message", "unknown channel"}});
  Subscription sub{channel, "", {}, ""};
  if (auto* f = m.if_contains("filter"); f && f->is_object()) {
    sub.siteId = domain::str(f->get_object(), "siteId");
    sub.assetId = domain::str(f->get_object(), "assetId");
    sub.statuses = domain::strings(f->get_object(), "status");
  }
  s.ctx.now = now;
  if (!sub.siteId.empty() && !domain::coversSite(s.ctx, sub.siteId))
    return reply("error", json::object{{"code", "AUTHZ_SITE_ACCESS_DENIED"}, {"field", "filter.siteId"},
                                       {"message", "no access to site " + sub.siteId}});
  // Each channel needs the read permission of what it carries.
  const char* perm = channel == "telemetry" ? "read:telemetry"
                     : channel == "assets"  ? "read:assets"
                     : channel == "work-orders" ? "read:work-orders"
                                                : nullptr;
  if (perm && !domain::hasPermission(s.ctx, perm, {}))
    return reply("error", json::object{{"code", "AUTHZ_INSUFFICIENT_PERMISSIONS"}, {"field", "channel"},
                                       {"message", std::string("the ") + channel + " channel needs " + perm}});
  auto same = [&](const Subscription& o) { return o.channel == sub.channel && o.siteId == sub.siteId && o.assetId == sub.assetId; };
  s.subs.erase(std::remove_if(s.subs.begin(), s.subs.end(), same), s.subs.end());
  if (action == "subscribe") s.subs.push_back(sub);
  json::object ack{{"channel", channel}, {"filter", json::object{{"siteId", sub.siteId}, {"assetId", sub.assetId}}}};
  conn->send(envelope(action == "subscribe" ? "subscribed" : "unsubscribed", channel, ack, now));
}

void WsHub::onClose(const std::shared_ptr<http::WsConnection>& conn) {
  std::lock_guard lock(mu_);
  sessions_.erase(conn->id());
}

void WsHub::heartbeat(int64_t now) {
  std::lock_guard lock(mu_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    Session& s = it->second;
    if (!s.conn->isOpen()) {
      it = sessions_.erase(it);
      continue;
    }
    if (now - s.lastPongMs > 60'000) {
      s.conn->close(1001, "no pong for 60 s");
      it = sessions_.erase(it);
      continue;
    }
    s.conn->send("{\"type\":\"ping\",\"timestamp\":\"" + formatIso8601(now) + "\"}");
    ++it;
  }
}

void WsHub::publish(const std::string& tenantId, const std::string& siteId, const std::string& channel,
                    const std::string& event, const json::value& data, const std::string& status) {
  const int64_t now = app_.clock.nowMs();
  std::lock_guard lock(mu_);
  for (auto& [id, s] : sessions_) {
    if (s.ctx.tenantId() != tenantId) continue;
    if (!siteId.empty() && !domain::coversSite(s.ctx, siteId)) continue;
    for (const auto& sub : s.subs) {
      if (sub.channel != channel) continue;
      if (!sub.siteId.empty() && sub.siteId != siteId) continue;
      if (!sub.statuses.empty() && std::find(sub.statuses.begin(), sub.statuses.end(), status) == sub.statuses.end()) continue;
      if (!sub.assetId.empty() && data.is_object() && domain::str(data.get_object(), "assetId") != sub.assetId) continue;
      json::value payload = data;
      if (channel == "work-orders" && payload.is_object()) {
        auto& wo = payload.get_object();
        if (domain::assignedOnly(s.ctx) && domain::str(wo, "assignedTo") != s.ctx.userId()) break;
        if (!domain::seesCosts(s.ctx)) redactCosts(wo);
      }
      s.conn->send(envelope(event, channel, payload, now));
      break;  // one message per event per socket
    }
  }
}

void WsHub::onEvent(const DomainEvent& e) {
  if (e.type == "WorkOrderUpdated" && e.payload.is_object()) {
    publish(e.tenantId, e.siteId, "work-orders", "work-order.updated", e.payload, domain::str(e.payload.get_object(), "status"));
  } else if ((e.type == "AssetUpdated" || e.type == "AssetCreated") && e.payload.is_object()) {
    publish(e.tenantId, e.siteId, "assets", "asset.updated", e.payload, domain::str(e.payload.get_object(), "status"));
  } else if (e.type == "AssetStatusChanged") {
    publish(e.tenantId, e.siteId, "assets", "asset.status-changed", e.payload);
  } else if (e.type == "TelemetryBatch" && e.payload.is_array()) {
    for (const auto& item : e.payload.get_array())
      if (item.is_object()) publish(e.tenantId, domain::str(item.get_object(), "siteId"), "telemetry", "telemetry.update", item);
  } else if (e.type == "SlaBreached" || e.type == "WorkOrderAssigned") {
    publish(e.tenantId, e.siteId, "notifications", e.type == "SlaBreached" ? "sla.breached" : "work-order.assigned", e.payload);
  }
}

size_t WsHub::sessionCount() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

}  // namespace dcmms::api
