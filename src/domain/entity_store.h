// Shared load-modify-save for document entities: optimistic locking, audit in the same
// transaction, version/updated stamps, and domain events published after commit.
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/event_bus.h"
#include "domain/audit.h"
#include "domain/context.h"
#include "domain/repo/doc_table.h"

namespace dcmms::domain {

namespace json = boost::json;

struct Loaded {
  json::object doc;
  int64_t version = 0;
};

// Collects events during a transaction; publishes them only after commit.
class PendingEvents {
 public:
  explicit PendingEvents(const EventBus& bus) : bus_(bus) {}
  void add(DomainEvent e) { events_.push_back(std::move(e)); }
  void publish() {
    for (const auto& e : events_) bus_.publish(e);
    events_.clear();
  }

 private:
  const EventBus& bus_;
  std::vector<DomainEvent> events_;
};

DomainEvent makeEvent(const RequestContext& ctx, std::string type, std::string siteId, json::value payload);

class EntityStore {
 public:
  EntityStore(const EntityDescriptor& d, const AuditLog& audit) : table_(d), audit_(audit) {}

  const DocTable& table() const { return table_; }
  const EntityDescriptor& descriptor() const { return table_.descriptor(); }

  // Loads the entity or throws 404 RESOURCE_NOT_FOUND.
  Loaded load(store::SqlConnection& c, const std::string& tenant, const std::string& id) const;
  std::optional<Loaded> find(store::SqlConnection& c, const std::string& tenant, const std::string& id) const;

  // Inserts a new entity (stamping ids, version 1, created/updated) and audits "create".
  // Throws 409 RESOURCE_ALREADY_EXISTS on a duplicate id.
  json::object insert(store::SqlConnection& c, const RequestContext& ctx, const std::string& id, json::object doc) const;

  // Saves `doc` over the loaded version (409 VERSION_CONFLICT when someone else wrote first),
  // stamping version+1 and updated*, and audits with before/after.
  json::object save(store::SqlConnection& c, const RequestContext& ctx, const std::string& id, const Loaded& before,
                    json::object doc, AuditEntry audit) const;

  void remove(store::SqlConnection& c, const RequestContext& ctx, const std::string& id, const Loaded& before) const;

 private:
  DocTable table_;
  const AuditLog& audit_;
};

// Version from an If-Match header value ("3" or "\"3\"" or W/"3"); nullopt when absent.
std::optional<int64_t> parseIfMatch(std::string_view header);
void requireVersion(std::optional<int64_t> ifMatch, int64_t current);

// Small JSON accessors used by services.
std::string str(const json::object& o, std::string_view key);
json::array& arr(json::object& o, std::string_view key);
json::object& obj(json::object& o, std::string_view key);
std::vector<std::string> strings(const json::object& o, std::string_view key);

}  // namespace dcmms::domain
