// In-process domain event bus. Services publish after their transaction commits;
// subscribers (WebSocket hub, notifications, sync, analytics) receive events synchronously
// on the publishing thread and must hand long work to their own queue.
#pragma once

#include <boost/json/value.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace dcmms {

struct DomainEvent {
  std::string eventId;
  std::string type;      // e.g. "WorkOrderStateChanged", "WorkOrderUpdated", "AssetStatusChanged"
  std::string tenantId;
  std::string siteId;    // empty for tenant-wide events
  int64_t occurredAt = 0;
  boost::json::value payload;
};

class EventBus {
 public:
  using Handler = std::function<void(const DomainEvent&)>;
  // Returns a subscription id usable with unsubscribe.
  int subscribe(std::string type, Handler handler);  // type "*" receives every event
  void unsubscribe(int id);
  void publish(const DomainEvent& event) const;

 private:
  struct Sub {
    int id;
    std::string type;
    std::shared_ptr<Handler> handler;
  };
  mutable std::mutex mu_;
  std::vector<Sub> subs_;
  int nextId_ = 1;
};

}  // namespace dcmms
