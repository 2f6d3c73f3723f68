#include "core/flat_index.h"

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace dcmms {
namespace {

TEST(FlatIndex, KeepsTheFirstIndexOfEveryKeyThroughGrowth) {
  FlatIndex<std::string_view> index(2);
  std::vector<std::string> keys;
  for (int i = 0; i < 5000; ++i) keys.push_back("series-" + std::to_string(i));
  for (size_t i = 0; i < keys.size(); ++i) {
    auto [value, inserted] = index.tryEmplace(keys[i], static_cast<uint32_t>(i));
    EXPECT_TRUE(inserted);
    EXPECT_EQ(value, i);
  }
  EXPECT_EQ(index.size(), keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    auto [value, inserted] = index.tryEmplace(keys[i], 999'999);
    EXPECT_FALSE(inserted) << keys[i];
    EXPECT_EQ(value, i) << keys[i];
  }
}

// Every key hashes alike: lookups must still compare keys, not just hashes.
struct ConstantHash {
  size_t operator()(int) const { return 7; }
};

TEST(FlatIndex, CollidingHashesStayDistinct) {
  FlatIndex<int, ConstantHash> index;
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(index.tryEmplace(i, static_cast<uint32_t>(i * 2)).second);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(index.tryEmplace(i, 0).first, static_cast<uint32_t>(i * 2));
}

// Aligned pointers (low bits always zero) must not crowd a few slots: lookups stay correct and
// the table keeps growing by the load factor only.
TEST(FlatIndex, AlignedPointerKeys) {
  std::vector<std::unique_ptr<std::array<char, 64>>> objects;
  FlatIndex<const void*> index;
  for (int i = 0; i < 20'000; ++i) objects.push_back(std::make_unique<std::array<char, 64>>());
  for (size_t i = 0; i < objects.size(); ++i) EXPECT_TRUE(index.tryEmplace(objects[i].get(), static_cast<uint32_t>(i)).second);
  for (size_t i = 0; i < objects.size(); ++i) EXPECT_EQ(index.tryEmplace(objects[i].get(), 0).first, i);
}

}  // namespace
}  // namespace dcmms
