#include "auth/token_verifier.h"

#include <algorithm>

namespace dcmms::auth {

TokenVerifier::TokenVerifier(const KeyPair& keys, const Clock& clock, std::size_t capacity)
    : keys_(keys), clock_(clock), perShard_(std::max<std::size_t>(1, (capacity + kShards - 1) / kShards)) {}

TokenVerifier::Shard& TokenVerifier::shardFor(std::size_t hash) {
  // The map uses the low bits of the same hash for its buckets; take the shard from the high bits.
  return shards_[(hash >> (sizeof(std::size_t) * 8 - 4)) % kShards];
}

Result<std::shared_ptr<const jwt::Claims>> TokenVerifier::verify(std::string_view token) {
  const int64_t nowSec = clock_.nowMs() / 1000;
  Shard& shard = shardFor(Hash{}(token));
  {
    std::lock_guard lock(shard.mu);
    if (auto it = shard.index.find(token); it != shard.index.end()) {
      std::shared_ptr<const jwt::Claims> claims = it->second->claims;
      if (auto err = jwt::checkTimes(*claims, nowSec)) {
        if (err->code == "AUTH_EXPIRED_TOKEN") {  // it will never be valid again
          const Lru::iterator node = it->second;
          shard.index.erase(it);  // before the node: the key views the node's string
          shard.lru.erase(node);
        }
        return std::move(*err);
      }
      shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
      hits_.fetch_add(1, std::memory_order_relaxed);
      return claims;
    }
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  // The RSA work happens outside the lock; two threads may verify the same new token at once,
  // and the second insert is then a no-op.
  Result<jwt::Claims> r = jwt::verify(token, keys_, nowSec);
  if (!r) return r.error();
  auto claims = std::make_shared<const jwt::Claims>(std::move(r.value()));
  insert(shard, token, claims);
  return claims;
}

void TokenVerifier::insert(Shard& shard, std::string_view token, std::shared_ptr<const jwt::Claims> claims) {
  std::lock_guard lock(shard.mu);
  if (shard.index.contains(token)) return;
  while (shard.lru.size() >= perShard_) {
    shard.index.erase(std::string_view(shard.lru.back().token));
    shard.lru.pop_back();
  }
  shard.lru.push_front(Entry{std::string(token), std::move(claims)});
  // The key views the list node's string, which never moves while the node lives.
  shard.index.emplace(std::string_view(shard.lru.front().token), shard.lru.begin());
}

TokenVerifier::Stats TokenVerifier::stats() const {
  Stats s{hits_.load(std::memory_order_relaxed), misses_.load(std::memory_order_relaxed), 0};
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    s.entries += shard.lru.size();
  }
  return s;
}

void TokenVerifier::clear() {
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    shard.index.clear();
    shard.lru.clear();
  }
}

}  // namespace dcmms::auth
