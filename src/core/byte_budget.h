// Admission control by bytes in flight: work is admitted while the bytes it holds fit the
// budget, so memory stays bounded under overload and callers answer "retry later" (HTTP 503 with
// Retry-After) instead of queueing without limit. One item larger than the whole budget is
// admitted when nothing else is in flight, so an allowed-size request never waits forever.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>

namespace dcmms {

class ByteBudget {
 public:
  explicit ByteBudget(size_t budgetBytes) : budget_(budgetBytes) {}

  class Permit {
   public:
    Permit(Permit&& o) noexcept : owner_(o.owner_), bytes_(o.bytes_) { o.owner_ = nullptr; }
    Permit& operator=(Permit&& o) noexcept {
      if (this != &o) {
        if (owner_) owner_->release(bytes_);
        owner_ = o.owner_;
        bytes_ = o.bytes_;
        o.owner_ = nullptr;
      }
      return *this;
    }
    Permit(const Permit&) = delete;
    ~Permit() {
      if (owner_) owner_->release(bytes_);
    }

   private:
    friend class ByteBudget;
    Permit(ByteBudget* owner, size_t bytes) : owner_(owner), bytes_(bytes) {}
    ByteBudget* owner_;
    size_t bytes_;
  };

  // A permit holding `bytes` until it is destroyed, or nullopt when they do not fit now.
  std::optional<Permit> tryAcquire(size_t bytes) {
    std::lock_guard lock(mu_);
    if (inFlight_ > 0 && inFlight_ + bytes > budget_) return std::nullopt;
    inFlight_ += bytes;
    return Permit(this, bytes);
  }

  size_t inFlight() const {
    std::lock_guard lock(mu_);
    return inFlight_;
  }

 private:
  void release(size_t bytes) {
    std::lock_guard lock(mu_);
    inFlight_ -= bytes;
  }

  const size_t budget_;
  mutable std::mutex mu_;
  size_t inFlight_ = 0;
};

}  // namespace dcmms
