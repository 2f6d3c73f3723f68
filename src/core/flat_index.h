// An insert-only open-addressing map from small keys to uint32_t indexes (linear probing,
// power-of-two capacity, load ≤ 1/2). For per-request interning on ingest hot paths, where
// std::unordered_map costs a heap node per key and a pointer chase per lookup.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace dcmms {

template <typename Key, typename Hash = std::hash<Key>, typename Eq = std::equal_to<Key>>
class FlatIndex {
 public:
  explicit FlatIndex(size_t expected = 8) { resize(capacityFor(expected)); }

  // The index stored for key, storing `index` first if key is absent; .second = inserted.
  std::pair<uint32_t, bool> tryEmplace(const Key& key, uint32_t index) {
    if ((size_ + 1) * 2 > slots_.size()) resize(slots_.size() * 2);
    const size_t h = mix(Hash{}(key));
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (!s.used) {
        s = Slot{key, h, index, true};
        ++size_;
        return {index, true};
      }
      if (s.hash == h && Eq{}(s.key, key)) return {s.index, false};
    }
  }
  size_t size() const { return size_; }

 private:
  struct Slot {
    Key key{};
    size_t hash = 0;
    uint32_t index = 0;
    bool used = false;
  };

  // std::hash of a pointer or integer is the identity: aligned pointers would share their low
  // bits and pile up in a few slots. The murmur3 finaliser spreads every input bit.
  static size_t mix(size_t h) {
    uint64_t x = h;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return static_cast<size_t>(x);
  }

  static size_t capacityFor(size_t expected) {
    size_t c = 16;
    while (c < expected * 2) c *= 2;
    return c;
  }

  void resize(size_t capacity) {
    std::vector<Slot> old(capacity);
    old.swap(slots_);
    mask_ = capacity - 1;
    for (const Slot& s : old) {
      if (!s.used) continue;
      size_t i = s.hash & mask_;
      while (slots_[i].used) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
  size_t mask_ = 0;
};

}  // namespace dcmms
