#include <gtest/gtest.h>

#include <vector>

#include "fencedep/core/stack_depot.h"

using namespace fencedep;

namespace {

TEST(StackDepot, DeduplicatesIdenticalStacks) {
  StackDepot d;
  ASSERT_TRUE(d.init(1024));
  uint64_t a[] = {0x401000, 0x402000, 0x403000};
  uint64_t a2[] = {0x401000, 0x402000, 0x403000};
  uint64_t b[] = {0x401000, 0x402000, 0x403001};
  StackId ia = d.put(a, 3);
  StackId ia2 = d.put(a2, 3);
  StackId ib = d.put(b, 3);
  StackId prefix = d.put(a, 2);
  EXPECT_NE(ia, kNoStack);
  EXPECT_EQ(ia, ia2);
  EXPECT_NE(ia, ib);
  EXPECT_NE(ia, prefix);
  EXPECT_NE(ib, prefix);

  StackView v = d.get(ia);
  ASSERT_EQ(v.size, 3u);
  EXPECT_EQ(v.pcs[0], 0x401000u);
  EXPECT_EQ(v.pcs[2], 0x403000u);
  StackView vb = d.get(ib);
  ASSERT_EQ(vb.size, 3u);
  EXPECT_EQ(vb.pcs[2], 0x403001u);
  EXPECT_EQ(d.get(prefix).size, 2u);
}

TEST(StackDepot, EmptyAndUnknown) {
  StackDepot d;
  ASSERT_TRUE(d.init(16));
  uint64_t a[] = {1};
  EXPECT_EQ(d.put(a, 0), kNoStack);
  EXPECT_EQ(d.get(kNoStack).size, 0u);
  EXPECT_EQ(d.get(12345).size, 0u);
  EXPECT_EQ(d.get(12345).pcs, nullptr);
}

TEST(StackDepot, LongStacksAreTruncatedToMaxFrames) {
  StackDepot d;
  ASSERT_TRUE(d.init(16));
  std::vector<uint64_t> pcs(kMaxFrames + 10);
  for (size_t i = 0; i < pcs.size(); ++i)
    pcs[i] = 0x1000 + i;
  StackId id = d.put(pcs.data(), uint32_t(pcs.size()));
  StackView v = d.get(id);
  ASSERT_EQ(v.size, kMaxFrames);
  EXPECT_EQ(v.pcs[kMaxFrames - 1], 0x1000u + kMaxFrames - 1);
  // The truncated form is the same stack.
  EXPECT_EQ(d.put(pcs.data(), kMaxFrames), id);
}

TEST(StackDepot, FullDepotReturnsNoStack) {
  StackDepot d;
  ASSERT_TRUE(d.init(4)); // ids 1..3
  unsigned stored = 0;
  for (uint64_t i = 1; i <= 10; ++i) {
    uint64_t pc = i * 0x10;
    stored += d.put(&pc, 1) != kNoStack;
  }
  EXPECT_EQ(stored, 3u);
  uint64_t first = 0x10;
  EXPECT_NE(d.put(&first, 1), kNoStack); // still deduplicated
}

} // namespace
