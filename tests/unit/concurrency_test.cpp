// The core's shared tables are used from many threads at once by the
// runtime: lock-free readers, spin-locked writers. These tests drive them
// from real threads and check the results, not just the absence of a crash.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "fencedep/core/address_map.h"
#include "fencedep/core/class_registry.h"
#include "test_support.h"

using namespace fencedep;

namespace {

// Readers must always find stable keys, while a writer churns other keys
// through the same table (inserts, erases and the tombstone purges they
// cause).
TEST(Concurrency, AddressMapReadersNeverMissStableKeys) {
  AddressMap m;
  ASSERT_TRUE(m.init(256));
  const uint64_t kStable = 16;
  for (uint64_t k = 1; k <= kStable; ++k)
    ASSERT_TRUE(m.put(k * 0x1000, k));
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> misses{0}, wrong{0}, lookups{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r)
    readers.emplace_back([&] {
      uint64_t n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        for (uint64_t k = 1; k <= kStable; ++k) {
          uint64_t v = 0;
          if (!m.find(k * 0x1000, &v))
            misses.fetch_add(1);
          else if (v != k)
            wrong.fetch_add(1);
          ++n;
        }
      }
      lookups.fetch_add(n);
    });
  uint64_t failed_puts = 0;
  std::vector<uint64_t> live;
  for (uint64_t i = 0; i < 200000; ++i) {
    uint64_t key = 0x7f0000000000ull + i * 0x40;
    if (!m.put(key, i))
      ++failed_puts;
    else
      live.push_back(key);
    if (live.size() > 32) {
      m.erase(live.front());
      live.erase(live.begin());
    }
  }
  stop.store(true);
  for (auto &t : readers)
    t.join();
  EXPECT_GT(lookups.load(), 0u);
  EXPECT_EQ(misses.load(), 0u);
  EXPECT_EQ(wrong.load(), 0u);
  EXPECT_EQ(failed_puts, 0u);
  EXPECT_EQ(m.size(), kStable + live.size());
}

// Readers must find stable keys while a writer grows the table in place
// several times (each growth rehashes every key under the readers).
TEST(Concurrency, AddressMapReadersNeverMissKeysWhileItGrows) {
  AddressMap m;
  ASSERT_TRUE(m.init(1u << 20));
  const uint64_t kStable = 16;
  for (uint64_t k = 1; k <= kStable; ++k)
    ASSERT_TRUE(m.put(k * 0x1000, k));
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> misses{0}, wrong{0}, lookups{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r)
    readers.emplace_back([&] {
      uint64_t n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        for (uint64_t k = 1; k <= kStable; ++k) {
          uint64_t v = 0;
          if (!m.find(k * 0x1000, &v))
            misses.fetch_add(1);
          else if (v != k)
            wrong.fetch_add(1);
          ++n;
        }
      }
      lookups.fetch_add(n);
    });
  uint64_t failed_puts = 0;
  for (uint64_t i = 0; i < 300000; ++i)
    failed_puts += !m.put(0x7f0000000000ull + i * 0x40, i);
  stop.store(true);
  for (auto &t : readers)
    t.join();
  EXPECT_GT(lookups.load(), 0u);
  EXPECT_EQ(misses.load(), 0u);
  EXPECT_EQ(wrong.load(), 0u);
  EXPECT_EQ(failed_puts, 0u);
  EXPECT_EQ(m.size(), kStable + 300000);
}

TEST(Concurrency, ClassRegistryGivesOneIdPerKey) {
  ClassRegistry r;
  ASSERT_TRUE(r.init(1u << 14));
  const int kThreads = 4, kKeys = 2003; // prime: every walk below is a permutation
  std::vector<std::vector<ClassId>> ids(kThreads, std::vector<ClassId>(kKeys));
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&, t] {
      // Each thread walks the keys in its own order.
      for (int i = 0; i < kKeys; ++i) {
        int k = (i * (2 * t + 1) + t * 7) % kKeys;
        ids[t][k] = r.get_or_create(5000 + k, ClassKind::Mutex, nullptr, SiteRef{});
      }
    });
  for (auto &t : ts)
    t.join();
  for (int k = 0; k < kKeys; ++k)
    for (int t = 1; t < kThreads; ++t)
      ASSERT_EQ(ids[t][k], ids[0][k]) << "key " << k;
  EXPECT_EQ(r.size(), uint32_t(kKeys + 1 + 1)); // + overflow class + kNoClass slot
}

// Threads share the engine, each with its own ThreadState, all taking locks
// in one global order: no report. Then one inversion: exactly one report.
TEST(Concurrency, EngineConsistentOrderFromManyThreads) {
  fdtest::EngineHarness h;
  ASSERT_TRUE(h.ok());
  const int kClasses = 24, kThreads = 4, kRounds = 3000;
  std::vector<ClassId> cs;
  for (int i = 0; i < kClasses; ++i)
    cs.push_back(h.cls(("L" + std::to_string(i)).c_str()));
  Engine &e = h.e();
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&, t] {
      std::unique_ptr<ThreadState> st(new ThreadState());
      st->reset(uint32_t(t + 1));
      NoStack ns;
      std::mt19937 rng{uint32_t(t)};
      for (int round = 0; round < kRounds; ++round) {
        // A random ascending subset of the classes, nested.
        std::vector<int> held;
        for (int i = 0; i < kClasses; ++i)
          if (rng() % 4 == 0)
            held.push_back(i);
        for (int i : held)
          e.acquire(*st, cs[i], 0x1000 * uint64_t(t + 1) + uint64_t(i), false, false, 0, ns);
        for (auto it = held.rbegin(); it != held.rend(); ++it)
          e.release(*st, 0x1000 * uint64_t(t + 1) + uint64_t(*it));
        if (st->nheld != 0)
          ADD_FAILURE() << "held set not empty";
      }
    });
  for (auto &t : ts)
    t.join();
  EXPECT_TRUE(h.drain().empty());
  EXPECT_GT(e.graph().size(), uint32_t(kClasses));
  // Every recorded edge goes up the order.
  for (EdgeId id = 1; id <= e.graph().size(); ++id)
    EXPECT_LT(e.graph().edge(id).from, e.graph().edge(id).to);

  h.lock(99, cs[kClasses - 1]);
  h.lock(99, cs[0]);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::LockOrder);
}

// The same inversion raced from many threads is reported once.
TEST(Concurrency, RacingInversionsReportOnce) {
  fdtest::EngineHarness h;
  ASSERT_TRUE(h.ok());
  ClassId A = h.cls("A"), B = h.cls("B");
  Engine &e = h.e();
  std::atomic<int> go{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&, t] {
      std::unique_ptr<ThreadState> st(new ThreadState());
      st->reset(uint32_t(t + 1));
      NoStack ns;
      go.fetch_add(1);
      while (go.load() < 4) {
      }
      for (int i = 0; i < 200; ++i) {
        ClassId first = (t & 1) ? A : B, second = (t & 1) ? B : A;
        e.acquire(*st, first, first, false, false, 0, ns);
        e.acquire(*st, second, second, false, false, 0, ns);
        e.release(*st, second);
        e.release(*st, first);
      }
    });
  for (auto &t : ts)
    t.join();
  auto rs = h.drain();
  EXPECT_EQ(rs.size(), 1u);
}

} // namespace
