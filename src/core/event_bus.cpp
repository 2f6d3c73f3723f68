#include "core/event_bus.h"

#include <algorithm>

#include "core/log.h"

namespace dcmms {

int EventBus::subscribe(std::string type, Handler handler) {
  std::lock_guard lock(mu_);
  int id = nextId_++;
  subs_.push_back({id, std::move(type), std::make_shared<Handler>(std::move(handler))});
  return id;
}

void EventBus::unsubscribe(int id) {
  std::lock_guard lock(mu_);
  subs_.erase(std::remove_if(subs_.begin(), subs_.end(), [id](const Sub& s) { return s.id == id; }), subs_.end());
}

void EventBus::publish(const DomainEvent& event) const {
  std::vector<std::shared_ptr<Handler>> targets;
  {
    std::lock_guard lock(mu_);
    for (const auto& s : subs_)
      if (s.type == "*" || s.type == event.type) targets.push_back(s.handler);
  }
  for (const auto& h : targets) {
    try {
      (*h)(event);
    } catch (const std::exception& e) {
      log::error("event handler failed", {{"event", event.type}, {"error", e.what()}});
    }
  }
}

}  // namespace dcmms
