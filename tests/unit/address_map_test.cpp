#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <vector>

#include "fencedep/core/address_map.h"

using namespace fencedep;

namespace {

// The slot a key hashes to first (mirrors AddressMap's probe start; keys used
// here are never the reserved 0 / ~0 markers).
size_t home_slot(uint64_t key, size_t capacity) { return mix64(key) & (capacity - 1); }

TEST(AddressMap, PutFindOverwrite) {
  AddressMap m;
  ASSERT_TRUE(m.init(64));
  EXPECT_TRUE(m.ready());
  EXPECT_EQ(m.capacity(), 64u);
  uint64_t v = 0;
  EXPECT_FALSE(m.find(0x1234, &v));
  EXPECT_TRUE(m.put(0x1234, 7));
  EXPECT_TRUE(m.put(0x5678, 8));
  ASSERT_TRUE(m.find(0x1234, &v));
  EXPECT_EQ(v, 7u);
  ASSERT_TRUE(m.find(0x5678, &v));
  EXPECT_EQ(v, 8u);
  EXPECT_EQ(m.size(), 2u);
  // Overwrite keeps the size.
  EXPECT_TRUE(m.put(0x1234, 70));
  ASSERT_TRUE(m.find(0x1234, &v));
  EXPECT_EQ(v, 70u);
  EXPECT_EQ(m.size(), 2u);
}

TEST(AddressMap, CapacityRoundsUpToPowerOfTwo) {
  AddressMap m;
  ASSERT_TRUE(m.init(100));
  EXPECT_EQ(m.capacity(), 128u);
  AddressMap small;
  ASSERT_TRUE(small.init(1));
  EXPECT_EQ(small.capacity(), 16u);
}

TEST(AddressMap, ReservedKeysZeroAndAllOnesAreUsable) {
  AddressMap m;
  ASSERT_TRUE(m.init(16));
  EXPECT_TRUE(m.put(0, 11));
  EXPECT_TRUE(m.put(~0ull, 22));
  uint64_t v = 0;
  ASSERT_TRUE(m.find(0, &v));
  EXPECT_EQ(v, 11u);
  ASSERT_TRUE(m.find(~0ull, &v));
  EXPECT_EQ(v, 22u);
  m.erase(0);
  EXPECT_FALSE(m.find(0, &v));
  EXPECT_TRUE(m.find(~0ull, &v));
}

TEST(AddressMap, PutIfAbsentKeepsExisting) {
  AddressMap m;
  ASSERT_TRUE(m.init(16));
  bool inserted = false;
  EXPECT_EQ(m.put_if_absent(99, 1, &inserted), 1u);
  EXPECT_TRUE(inserted);
  EXPECT_EQ(m.put_if_absent(99, 2, &inserted), 1u);
  EXPECT_FALSE(inserted);
  uint64_t v;
  ASSERT_TRUE(m.find(99, &v));
  EXPECT_EQ(v, 1u);
}

TEST(AddressMap, EraseLeavesOtherKeysOnTheProbeChainReachable) {
  AddressMap m;
  ASSERT_TRUE(m.init(16));
  // Three keys with the same home slot form one probe chain; erasing the
  // first must not cut the chain (tombstone, not empty).
  std::vector<uint64_t> same;
  size_t home = home_slot(1000, 16);
  for (uint64_t k = 1000; same.size() < 3; ++k)
    if (home_slot(k, 16) == home)
      same.push_back(k);
  for (size_t i = 0; i < same.size(); ++i)
    ASSERT_TRUE(m.put(same[i], i + 1));
  m.erase(same[0]);
  uint64_t v;
  EXPECT_FALSE(m.find(same[0], &v));
  ASSERT_TRUE(m.find(same[1], &v));
  EXPECT_EQ(v, 2u);
  ASSERT_TRUE(m.find(same[2], &v));
  EXPECT_EQ(v, 3u);
  EXPECT_EQ(m.size(), 2u);
  // Erasing an absent key is a no-op.
  m.erase(0xdeadbeef);
  EXPECT_EQ(m.size(), 2u);
}

TEST(AddressMap, FullTableDegradesAndCountsDrops) {
  AddressMap m;
  ASSERT_TRUE(m.init(16));
  // Load factor is capped at 3/4: 12 of 16 slots.
  unsigned stored = 0;
  for (uint64_t k = 1; k <= 40; ++k)
    stored += m.put(k * 0x9e37, k);
  EXPECT_EQ(stored, 12u);
  EXPECT_EQ(m.size(), 12u);
  EXPECT_EQ(m.dropped(), 28u);
  // Everything that was stored is still found; lookups of absent keys end.
  uint64_t v;
  unsigned found = 0;
  for (uint64_t k = 1; k <= 40; ++k)
    found += m.find(k * 0x9e37, &v);
  EXPECT_EQ(found, 12u);
  EXPECT_FALSE(m.find(0x777777, &v));
  // Overwriting a present key still works when full.
  EXPECT_TRUE(m.put(1 * 0x9e37, 1234));
  ASSERT_TRUE(m.find(1 * 0x9e37, &v));
  EXPECT_EQ(v, 1234u);
  bool inserted = true;
  EXPECT_EQ(m.put_if_absent(0x55555, 5, &inserted), 5u);
  EXPECT_FALSE(inserted);
}

TEST(AddressMap, TombstoneIsReusedWhenFull) {
  AddressMap m;
  ASSERT_TRUE(m.init(16));
  std::vector<uint64_t> keys;
  for (uint64_t k = 1; keys.size() < 12; ++k)
    if (m.put(k * 31, k))
      keys.push_back(k * 31);
  uint64_t victim = keys[5];
  m.erase(victim);
  EXPECT_EQ(m.size(), 11u);
  // A new key whose probe chain starts where the victim's did meets the
  // tombstone before any empty slot, so it is stored although 12 slots were
  // in use.
  uint64_t fresh = 0;
  for (uint64_t k = 100000;; ++k) {
    if (home_slot(k, 16) == home_slot(victim, 16) &&
        std::find(keys.begin(), keys.end(), k) == keys.end()) {
      fresh = k;
      break;
    }
  }
  EXPECT_TRUE(m.put(fresh, 42));
  EXPECT_EQ(m.size(), 12u);
  uint64_t v;
  ASSERT_TRUE(m.find(fresh, &v));
  EXPECT_EQ(v, 42u);
  // The erased key itself can come back after another erase.
  m.erase(fresh);
  EXPECT_TRUE(m.put(victim, 9));
  ASSERT_TRUE(m.find(victim, &v));
  EXPECT_EQ(v, 9u);
}

TEST(AddressMap, ClearEmptiesTheTable) {
  AddressMap m;
  ASSERT_TRUE(m.init(16));
  for (uint64_t k = 1; k <= 12; ++k)
    m.put(k, k);
  m.clear();
  EXPECT_EQ(m.size(), 0u);
  uint64_t v;
  EXPECT_FALSE(m.find(3, &v));
  for (uint64_t k = 100; k < 112; ++k)
    EXPECT_TRUE(m.put(k, k));
}

TEST(AddressMap, UninitialisedMapIsInert) {
  AddressMap m;
  EXPECT_FALSE(m.ready());
  uint64_t v;
  EXPECT_FALSE(m.find(1, &v));
  EXPECT_FALSE(m.put(1, 1));
  m.erase(1);
  EXPECT_EQ(m.size(), 0u);
}

// Instance maps churn: objects are created and destroyed all the time (heap
// mutexes, per-job fences). With few live keys the table is nowhere near
// full, so inserts must keep succeeding however many keys came and went.
TEST(AddressMap, ChurnWithFewLiveKeysNeverDrops) {
  AddressMap m;
  ASSERT_TRUE(m.init(1024));
  std::deque<uint64_t> live;
  unsigned failed = 0;
  for (uint64_t k = 1; k <= 20000; ++k) {
    uint64_t key = k * 0x10040; // heap-like addresses
    if (!m.put(key, k))
      ++failed;
    else
      live.push_back(key);
    if (live.size() > 64) {
      m.erase(live.front());
      live.pop_front();
    }
  }
  EXPECT_LE(m.size(), 65u);
  EXPECT_EQ(failed, 0u) << "inserts dropped with " << m.size() << " live keys of "
                        << m.capacity();
  EXPECT_EQ(m.dropped(), 0u);
}

// The table in use starts small and doubles in place as it fills, so a
// large reservation costs pages in proportion to what is stored; it still
// holds up to 3/4 of the reservation, and every key survives each rehash.
TEST(AddressMap, GrowsInPlaceUpToItsReservation) {
  AddressMap m;
  ASSERT_TRUE(m.init(1u << 16));
  EXPECT_EQ(m.capacity(), 1u << 16);
  unsigned stored = 0;
  for (uint64_t k = 1; k <= 60000; ++k)
    stored += m.put(k * 0x1040, k);
  EXPECT_EQ(stored, 49152u); // 3/4 of the reservation
  EXPECT_EQ(m.size(), 49152u);
  uint64_t v;
  unsigned found = 0, wrong = 0;
  for (uint64_t k = 1; k <= 60000; ++k) {
    if (m.find(k * 0x1040, &v)) {
      ++found;
      wrong += v != k;
    }
  }
  EXPECT_EQ(found, 49152u);
  EXPECT_EQ(wrong, 0u);
  // Erase and insert again after growth: tombstones in the grown table.
  for (uint64_t k = 1; k <= 1000; ++k)
    m.erase(k * 0x1040);
  EXPECT_FALSE(m.find(0x1040, &v));
  EXPECT_TRUE(m.put(0x1040, 7));
  ASSERT_TRUE(m.find(0x1040, &v));
  EXPECT_EQ(v, 7u);
}

} // namespace
