// The engine's instance rules: rings of locks of one class, class-predicted
// versus instance-confirmed cycles, and wait cycles that need the very
// objects and another thread.
#include <gtest/gtest.h>

#include "test_support.h"

using namespace fencedep;
using fdtest::EngineHarness;

namespace {

class InstanceRules : public ::testing::Test {
protected:
  void SetUp() override { ASSERT_TRUE(h.ok()); }
  void nest(uint32_t tid, ClassId a, uint64_t ai, ClassId b, uint64_t bi) {
    h.lock(tid, a, ai), h.lock(tid, b, bi), h.unlock(tid, b, bi), h.unlock(tid, a, ai);
  }
  EngineHarness h;
};

// --- locks of one class --------------------------------------------------------

TEST_F(InstanceRules, RingOfThreeInstancesOfOneClass) {
  ClassId X = h.cls("ring");
  nest(1, X, 0x10, X, 0x20);
  nest(2, X, 0x20, X, 0x30);
  EXPECT_TRUE(h.drain().empty()) << "a chain is no cycle";
  nest(3, X, 0x30, X, 0x10);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::LockOrder);
  EXPECT_FALSE(rs[0].predicted);
  ASSERT_EQ(rs[0].inst_len, 3u);
  // The closing nesting first, then around the ring.
  EXPECT_EQ(rs[0].inst[0], 0x30u);
  EXPECT_EQ(rs[0].inst[1], 0x10u);
  EXPECT_EQ(rs[0].inst[2], 0x20u);
  EXPECT_EQ(rs[0].inst_tid[1], 1u);
  EXPECT_EQ(rs[0].inst_tid[2], 2u);
}

TEST_F(InstanceRules, LongRingIsReportedWithItsBeginning) {
  ClassId X = h.cls("chain");
  const uint32_t n = 45;
  for (uint32_t i = 0; i < n; ++i)
    nest(i + 1, X, 0x100 + i, X, 0x100 + (i + 1) % n);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].inst_total, n);
  EXPECT_EQ(rs[0].inst_len, kMaxCycle);
}

TEST_F(InstanceRules, ReadReadRingOfOneClassIsNoDeadlock) {
  ClassId R = h.cls("table", ClassKind::RwLock);
  h.lock(1, R, 0x10, true), h.lock(1, R, 0x20, true), h.unlock(1, R, 0x20), h.unlock(1, R, 0x10);
  h.lock(2, R, 0x20, true), h.lock(2, R, 0x10, true), h.unlock(2, R, 0x10), h.unlock(2, R, 0x20);
  EXPECT_TRUE(h.drain().empty());
  // A writer on one side is still none: readers never block readers.
  h.lock(3, R, 0x20, true), h.lock(3, R, 0x10, false), h.unlock(3, R, 0x10), h.unlock(3, R, 0x20);
  EXPECT_TRUE(h.drain().empty());
  // Each waiting to write what the other holds for reading is one.
  h.lock(4, R, 0x10, true), h.lock(4, R, 0x20, false);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].inst_len, 2u);
}

// --- class-predicted and instance-confirmed ------------------------------------

TEST_F(InstanceRules, HierarchyWalkedLevelByLevelIsClassPredicted) {
  ClassId D = h.cls("dir"), F = h.cls("file");
  nest(1, D, 0xd0, F, 0xf0); // dir0 -> file0
  nest(1, F, 0xf0, D, 0xd1); // file0 -> dir1 (one level down)
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_TRUE(rs[0].predicted);
  EXPECT_EQ(h.e().stats().predicted, 1u);
  EXPECT_NE(h.text(rs[0]).find("[class-predicted]"), std::string::npos);
  EXPECT_NE(h.json(rs[0]).find("\"predicted\":true"), std::string::npos);
  // More of the same hierarchy: still nothing confirmed.
  nest(2, D, 0xd1, F, 0xf1);
  EXPECT_TRUE(h.drain().empty());
}

TEST_F(InstanceRules, PredictedCycleIsConfirmedWhenInstancesCloseIt) {
  ClassId A = h.cls("A"), B = h.cls("B");
  nest(1, A, 0xa1, B, 0xb1);
  nest(2, B, 0xb2, A, 0xa2);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_TRUE(rs[0].predicted);
  // The same objects now nested the other way: a real inversion.
  nest(3, A, 0xa2, B, 0xb2);
  rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_FALSE(rs[0].predicted);
  EXPECT_EQ(rs[0].kind, ReportKind::LockOrder);
  // And only once.
  nest(4, A, 0xa2, B, 0xb2);
  EXPECT_TRUE(h.drain().empty());
}

TEST_F(InstanceRules, ConfirmedThroughASameClassChain) {
  // a1 -> b (A -> B), b -> a2 (B -> A), a2 -> a1 (A -> A): the objects
  // close the ring through two locks of class A.
  ClassId A = h.cls("A"), B = h.cls("B");
  nest(1, A, 0xa1, B, 0xb0);
  nest(2, B, 0xb0, A, 0xa2);
  ASSERT_EQ(h.drain().size(), 1u); // predicted so far
  nest(3, A, 0xa2, A, 0xa1);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_FALSE(rs[0].predicted);
  EXPECT_EQ(rs[0].cycle.size, 2u);
}

TEST(InstanceRulesOptions, ReportPredictedOffHidesOnlyPredicted) {
  EngineHarness h(false, false, 0, /*report_predicted=*/false);
  ClassId D = h.cls("dir"), F = h.cls("file");
  h.lock(1, D, 0xd0), h.lock(1, F, 0xf0), h.lock(1, D, 0xd1);
  EXPECT_TRUE(h.drain().empty());
  EXPECT_EQ(h.e().stats().predicted, 1u);
  // A confirmed inversion is still reported.
  ClassId A = h.cls("A"), B = h.cls("B");
  h.lock(2, A), h.lock(2, B), h.unlock(2, B), h.unlock(2, A);
  h.lock(3, B), h.lock(3, A);
  EXPECT_EQ(h.drain().size(), 1u);
}

// --- wait cycles ----------------------------------------------------------------

TEST_F(InstanceRules, AThreadNeverWakesItself) {
  // A private lock held across its own barrier wait: the arrival (signal)
  // and the wait are the same thread's.
  ClassId L = h.cls("own"), B = h.cls("barrier", ClassKind::Barrier);
  h.lock(1, L);
  h.signal_on(1, B, 0xba);
  h.wait_begin_on(1, B, 0xba);
  EXPECT_TRUE(h.has_edge(L, B));
  EXPECT_TRUE(h.has_edge(B, L));
  EXPECT_TRUE(h.drain().empty());
  EXPECT_GE(h.e().stats().self_wake_hidden, 1u);
}

TEST_F(InstanceRules, AnotherParticipantNeedingTheLockIsReported) {
  ClassId L = h.cls("table"), B = h.cls("barrier", ClassKind::Barrier);
  // Thread 1 holds L across its wait (the self cycle, hidden)...
  h.lock(1, L);
  h.signal_on(1, B, 0xba);
  h.wait_begin_on(1, B, 0xba);
  EXPECT_TRUE(h.drain().empty());
  // ...thread 2 takes L on its way to the same barrier: now real.
  h.wait(2, h.cls("start", ClassKind::Semaphore), false); // an empty window
  h.lock(2, L, EngineHarness::inst_of(L));
  h.unlock(2, L);
  h.signal_on(2, B, 0xba);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::WaitCycle);
  EXPECT_FALSE(rs[0].predicted);
}

TEST_F(InstanceRules, TheSignallerMustNeedTheLockTheWaiterHolds) {
  // Per-object locks of one class: the joiner holds its own isolate lock,
  // the worker takes its own before exiting. Not the same lock: no cycle.
  ClassId ISO = h.site_cls("isolate"), EXIT = h.site_cls("worker", ClassKind::ThreadExit);
  h.lock(2, ISO, 0x2000), h.unlock(2, ISO, 0x2000);
  h.signal_on(2, EXIT, 0xe1); // worker 2 exits after its own isolate lock
  h.lock(1, ISO, 0x1000);
  h.wait_begin_on(1, EXIT, 0xe1); // main joins it holding the main isolate's
  EXPECT_TRUE(h.drain().empty());
  // A worker taking the main isolate's lock before exiting is real.
  h.lock(3, ISO, 0x1000), h.unlock(3, ISO, 0x1000);
  h.signal_on(3, EXIT, 0xe2);
  h.wait_end_on(1, EXIT, 0xe1);
  h.wait_begin_on(1, EXIT, 0xe2);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::WaitCycle);
}

TEST_F(InstanceRules, TheObjectSignalledMustBeTheOneWaitedOn) {
  // Two condvars of one class: one waited on under L, the other signalled
  // after L. Neither wakes the other's waiter.
  ClassId L = h.site_cls("L"), CV = h.site_cls("cv", ClassKind::CondVar);
  h.lock(1, L);
  h.wait_begin_on(1, CV, 0xc1);
  h.lock(2, L), h.unlock(2, L);
  h.signal_on(2, CV, 0xc2);
  EXPECT_TRUE(h.drain().empty());
  h.signal_on(2, CV, 0xc1); // still in the window since L: now the same one
  EXPECT_EQ(h.drain().size(), 1u);
}

TEST_F(InstanceRules, ANamedClassIsOneObject) {
  // A lock the program named (here: a process-shared lock, mapped at one
  // address in each process) is one object whatever its addresses.
  ClassId L = h.cls("ring_lock"), S = h.site_cls("syncobj", ClassKind::Syncobj);
  h.lock(1, L, 0x1000);
  h.wait_begin_on(1, S, 0x51);
  h.lock(2, L, 0x2000), h.unlock(2, L, 0x2000);
  h.signal_on(2, S, 0x51);
  EXPECT_EQ(h.drain().size(), 1u);
}

TEST_F(InstanceRules, AFenceTimelineIsOneObject) {
  // Fences of one timeline: waiting on one and signalling the next is the
  // dma_fence_map prediction, confirmed at class level.
  ClassId L = h.cls("L"), F = h.cls("ring", ClassKind::Fence);
  h.lock(1, L);
  h.wait_begin_on(1, F, 0xf1);
  h.lock(2, L), h.unlock(2, L);
  h.signal_on(2, F, 0xf2);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_FALSE(rs[0].predicted);
}

} // namespace
