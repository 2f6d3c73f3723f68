// What parsing a line-protocol "measurement,tags" text gave, kept across the requests of one
// tenant. Collectors send the same series text every interval, so a series seen before costs one
// hash lookup per request instead of re-parsing its tags, re-deriving its validation rule and
// re-resolving it in storage (its SeriesMemo carries the resolved id). Thread-safe; bounded: it
// starts over when it holds maxEntries texts. Owners clear it when assets change, since the
// memos record scope checks made against the asset table.
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "telemetry/ingest/batch.h"

namespace dcmms::telemetry {

class LineSeriesCache {
 public:
  struct Entry;  // the parsed tag set and its fields; defined by the line-protocol parser

  // ~400 bytes per text: the default bounds a tenant's cache near 200 MB.
  explicit LineSeriesCache(size_t maxEntries = 1u << 19) : maxEntries_(maxEntries) {}

  std::shared_ptr<Entry> find(std::string_view seriesText) const;
  // Caches entry under seriesText unless another thread did first; returns the cached one.
  std::shared_ptr<Entry> insert(std::string_view seriesText, std::shared_ptr<Entry> entry);
  // The one memo of a series (keyText identifies series key and unit): texts that name the same
  // series in other ways (tag order, escapes) share it.
  std::shared_ptr<SeriesMemo> memoFor(const std::string& keyText);
  void clear();
  size_t size() const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Lookups take a shard's read lock; sharding keeps request threads on different cores from
  // bouncing one lock word (every distinct series of every request is a lookup).
  static constexpr size_t kShards = 16;
  struct Shard {
    mutable std::shared_mutex mu;
    std::unordered_map<std::string, std::shared_ptr<Entry>, Hash, std::equal_to<>> entries;
  };
  Shard& shardOf(std::string_view text) const { return shards_[Hash{}(text) % kShards]; }

  const size_t maxEntries_;
  mutable std::array<Shard, kShards> shards_;
  mutable std::mutex memoMu_;
  std::unordered_map<std::string, std::shared_ptr<SeriesMemo>, Hash, std::equal_to<>> memos_;
};

}  // namespace dcmms::telemetry
