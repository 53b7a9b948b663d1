// Engine scenarios driven directly through its API, one ThreadState per
// simulated thread. Each scenario is sequenced so that the bad interleaving
// never happens: the engine must predict it from the class graph.
#include <gtest/gtest.h>

#include "test_support.h"

using namespace fencedep;
using fdtest::EngineHarness;

namespace {

class EngineTest : public ::testing::Test {
protected:
  void SetUp() override { ASSERT_TRUE(h.ok()); }
  EngineHarness h;
};

std::vector<ReportKind> kinds(const std::vector<PendingReport> &rs) {
  std::vector<ReportKind> v;
  for (const auto &r : rs)
    v.push_back(r.kind);
  return v;
}

// --- locks ------------------------------------------------------------------

TEST_F(EngineTest, AbbaIsALockOrderReport) {
  ClassId A = h.cls("A"), B = h.cls("B");
  h.lock(1, A);
  h.lock(1, B);
  h.unlock(1, B);
  h.unlock(1, A);
  EXPECT_FALSE(h.e().has_pending());
  EXPECT_TRUE(h.has_edge(A, B));

  h.lock(2, B);
  h.lock(2, A);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  const PendingReport &r = rs[0];
  EXPECT_EQ(r.kind, ReportKind::LockOrder);
  EXPECT_EQ(r.pid, 4242u);
  EXPECT_EQ(r.tid, 2u);
  EXPECT_EQ(r.subject, A);
  EXPECT_EQ(r.subject_kind, EdgeKind::Acquire);
  EXPECT_EQ(h.cycle_from(r), (std::vector<ClassId>{B, A}));
  EXPECT_EQ(r.gate, kNoClass);
  ASSERT_EQ(r.nheld, 1u);
  EXPECT_EQ(r.held[0].cls, B);
  EXPECT_NE(r.stack, kNoStack);
  EXPECT_EQ(h.e().reports_queued(), 1u);
  // The first occurrence's stack and thread are kept on each edge.
  const EdgeInfo &ab = h.e().graph().edge(h.e().graph().find_edge(A, B));
  EXPECT_EQ(ab.tid, 1u);
  EXPECT_NE(ab.stack, kNoStack);
}

TEST_F(EngineTest, ConsistentOrderIsQuiet) {
  ClassId A = h.cls("A"), B = h.cls("B"), C = h.cls("C");
  for (uint32_t t = 1; t <= 3; ++t) {
    h.lock(t, A);
    h.lock(t, B);
    h.lock(t, C);
    h.unlock(t, C);
    h.unlock(t, B);
    h.unlock(t, A);
  }
  h.lock(4, A);
  h.lock(4, C);
  EXPECT_TRUE(h.drain().empty());
  EXPECT_TRUE(h.has_edge(A, B));
  EXPECT_TRUE(h.has_edge(B, C));
  EXPECT_TRUE(h.has_edge(A, C));
  EXPECT_FALSE(h.has_edge(C, A));
}

TEST_F(EngineTest, ThreeLockChain) {
  ClassId A = h.cls("A"), B = h.cls("B"), C = h.cls("C");
  h.lock(1, A), h.lock(1, B), h.unlock(1, B), h.unlock(1, A);
  h.lock(2, B), h.lock(2, C), h.unlock(2, C), h.unlock(2, B);
  EXPECT_FALSE(h.e().has_pending());
  h.lock(3, C), h.lock(3, A);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::LockOrder);
  EXPECT_EQ(h.cycle_from(rs[0]), (std::vector<ClassId>{C, A, B}));
}

TEST_F(EngineTest, TrylockAddsNoIncomingEdge) {
  ClassId A = h.cls("A"), B = h.cls("B"), C = h.cls("C");
  h.lock(1, A);
  h.trylock(1, B);
  EXPECT_FALSE(h.has_edge(A, B));
  // Taking C on top of the trylocked B: B -> C, and A -> C too since B has
  // no incoming edge that would imply it.
  h.lock(1, C);
  EXPECT_TRUE(h.has_edge(B, C));
  EXPECT_TRUE(h.has_edge(A, C));
  h.unlock(1, C), h.unlock(1, B), h.unlock(1, A);
  // The inversion against the trylock is no deadlock.
  h.lock(2, B);
  h.lock(2, A);
  EXPECT_TRUE(h.drain().empty());
  EXPECT_TRUE(h.has_edge(B, A));
}

TEST_F(EngineTest, RecursiveAcquireOfOneInstanceIsNoEdge) {
  ClassId A = h.cls("A");
  ThreadState &t = h.thread(1);
  h.lock(1, A);
  h.lock(1, A);
  EXPECT_EQ(t.nheld, 1u);
  EXPECT_EQ(t.held[0].depth, 1u);
  h.unlock(1, A);
  EXPECT_EQ(t.nheld, 1u);
  h.unlock(1, A);
  EXPECT_EQ(t.nheld, 0u);
  EXPECT_EQ(h.e().graph().size(), 0u);
  EXPECT_TRUE(h.drain().empty());
}

TEST_F(EngineTest, SameClassTwoInstancesNestedBothOrders) {
  ClassId X = h.cls("obj->lock");
  const uint64_t i1 = 0x1000, i2 = 0x2000, i3 = 0x3000;
  h.lock(1, X, i1), h.lock(1, X, i2), h.unlock(1, X, i2), h.unlock(1, X, i1);
  // Nesting in the same order again, or with a third instance: fine.
  h.lock(2, X, i1), h.lock(2, X, i2), h.unlock(2, X, i2), h.unlock(2, X, i1);
  h.lock(2, X, i2), h.lock(2, X, i3), h.unlock(2, X, i3), h.unlock(2, X, i2);
  EXPECT_FALSE(h.e().has_pending());
  // No class-level self-cycle for mere nesting.
  EXPECT_FALSE(h.has_edge(X, X));

  h.lock(3, X, i2);
  h.lock(3, X, i1);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::LockOrder);
  EXPECT_EQ(rs[0].subject, X);
  EXPECT_EQ(rs[0].inst[0], i2);
  EXPECT_EQ(rs[0].inst[1], i1);
  EXPECT_EQ(rs[0].tid, 3u);
  EXPECT_EQ(rs[0].inst_tid[1], 1u); // who nested them the other way first
  EXPECT_TRUE(h.has_edge(X, X));
  h.unlock(3, X, i1), h.unlock(3, X, i2);

  // The same pair inverted again is the same report.
  h.lock(4, X, i2), h.lock(4, X, i1);
  EXPECT_TRUE(h.drain().empty());
}

TEST_F(EngineTest, ReadReadInversionIsQuiet) {
  ClassId A = h.cls("A", ClassKind::RwLock), B = h.cls("B", ClassKind::RwLock);
  h.lock(1, A, 0, true), h.lock(1, B, 0, true), h.unlock(1, B), h.unlock(1, A);
  h.lock(2, B, 0, true), h.lock(2, A, 0, true), h.unlock(2, A), h.unlock(2, B);
  EXPECT_TRUE(h.drain().empty());
  // A writer on one side makes it real.
  h.lock(3, B), h.lock(3, A);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::LockOrder);
}

TEST_F(EngineTest, SameCycleIsReportedOnce) {
  ClassId A = h.cls("A", ClassKind::RwLock), B = h.cls("B", ClassKind::RwLock);
  h.lock(1, A), h.lock(1, B), h.unlock(1, B), h.unlock(1, A);
  h.lock(2, B), h.lock(2, A), h.unlock(2, A), h.unlock(2, B);
  ASSERT_EQ(h.drain().size(), 1u);
  // The same inversion in more threads: known edges, nothing new.
  for (uint32_t t = 3; t < 6; ++t) {
    h.lock(t, B), h.lock(t, A), h.unlock(t, A), h.unlock(t, B);
  }
  EXPECT_TRUE(h.drain().empty());
  // A new dependency type on A -> B (A read-held) finds the same class set
  // again: counted as a duplicate, not reported twice.
  h.lock(6, A, 0, true), h.lock(6, B);
  EXPECT_TRUE(h.drain().empty());
  EXPECT_EQ(h.e().stats().duplicates, 1u);
  EXPECT_EQ(h.e().reports_queued(), 1u);
}

TEST_F(EngineTest, GateLockHidesTheCycle) {
  ClassId G = h.cls("G"), A = h.cls("A"), B = h.cls("B");
  h.lock(1, G), h.lock(1, A), h.lock(1, B);
  h.unlock(1, B), h.unlock(1, A), h.unlock(1, G);
  h.lock(2, G), h.lock(2, B), h.lock(2, A);
  h.unlock(2, A), h.unlock(2, B), h.unlock(2, G);
  EXPECT_TRUE(h.drain().empty());
  EXPECT_EQ(h.e().stats().gated_hidden, 1u);
}

TEST_F(EngineTest, GatedCycleIsShownWhenAskedFor) {
  EngineHarness shown(/*report_gated=*/true);
  ASSERT_TRUE(shown.ok());
  ClassId G = shown.cls("G"), A = shown.cls("A"), B = shown.cls("B");
  shown.lock(1, G), shown.lock(1, A), shown.lock(1, B);
  shown.unlock(1, B), shown.unlock(1, A), shown.unlock(1, G);
  shown.lock(2, G), shown.lock(2, B), shown.lock(2, A);
  auto rs = shown.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].gate, G);
}

TEST_F(EngineTest, ReadHeldLockIsNoGate) {
  ClassId G = h.cls("G", ClassKind::RwLock), A = h.cls("A"), B = h.cls("B");
  h.lock(1, G, 0, true), h.lock(1, A), h.lock(1, B);
  h.unlock(1, B), h.unlock(1, A), h.unlock(1, G);
  h.lock(2, G, 0, true), h.lock(2, B), h.lock(2, A);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].gate, kNoClass);
}

// A cycle hidden because every edge had been taken under G stops being
// impossible as soon as one of its edges is taken without G. The edge is
// known by then; the drop of its gate must still lead to the report.
TEST_F(EngineTest, UngatedReoccurrenceOfAGatedEdgeReports) {
  ClassId G = h.cls("G"), A = h.cls("A"), B = h.cls("B");
  h.lock(1, G), h.lock(1, A), h.lock(1, B);
  h.unlock(1, B), h.unlock(1, A), h.unlock(1, G);
  h.lock(2, G), h.lock(2, B), h.lock(2, A);
  h.unlock(2, A), h.unlock(2, B), h.unlock(2, G);
  ASSERT_TRUE(h.drain().empty());
  // Thread 3 takes A then B with no gate: thread 2's B-then-A can now
  // deadlock against it.
  h.lock(3, A), h.lock(3, B);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::LockOrder);
  EXPECT_EQ(rs[0].gate, kNoClass);
}

TEST_F(EngineTest, HeldOverflowDegradesAndReleaseStaysBalanced) {
  std::vector<ClassId> cs;
  for (int i = 0; i < 70; ++i)
    cs.push_back(h.cls(("L" + std::to_string(i)).c_str()));
  ThreadState &t = h.thread(1);
  for (ClassId c : cs)
    h.lock(1, c);
  EXPECT_EQ(t.nheld, kMaxHeld);
  EXPECT_EQ(t.untracked_depth, 70u - kMaxHeld);
  EXPECT_EQ(h.e().stats().held_overflows, 70u - kMaxHeld);
  for (auto it = cs.rbegin(); it != cs.rend(); ++it)
    h.unlock(1, *it);
  EXPECT_EQ(t.nheld, 0u);
  EXPECT_EQ(t.untracked_depth, 0u);

  // Out-of-order release of an overflowed stack balances too.
  for (ClassId c : cs)
    h.lock(1, c);
  for (ClassId c : cs)
    h.unlock(1, c);
  EXPECT_EQ(t.nheld, 0u);
  EXPECT_EQ(t.untracked_depth, 0u);

  // Tracking works normally afterwards.
  ClassId A = h.cls("A"), B = h.cls("B");
  h.lock(1, A), h.lock(1, B), h.unlock(1, B), h.unlock(1, A);
  h.lock(2, B), h.lock(2, A);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(h.cycle_from(rs[0]), (std::vector<ClassId>{B, A}));
}

TEST_F(EngineTest, UnknownReleaseIsIgnored) {
  ClassId A = h.cls("A");
  h.lock(1, A);
  h.unlock(1, A, 0xdead0000);
  EXPECT_EQ(h.thread(1).nheld, 1u);
  h.unlock(1, A);
  h.unlock(1, A);
  EXPECT_EQ(h.thread(1).nheld, 0u);
  EXPECT_EQ(h.thread(1).untracked_depth, 0u);
}

// --- waits and signals ----------------------------------------------------

TEST_F(EngineTest, CondvarWaitExcludesTheReleasedMutex) {
  ClassId M = h.cls("M"), CV = h.cls("cv", ClassKind::CondVar);
  // Waiter: lock M; cond_wait(cv, M).
  h.lock(1, M);
  h.wait_begin(1, CV, EngineHarness::inst_of(M));
  EXPECT_FALSE(h.has_edge(M, CV));
  // Signaller: lock M; cond_signal(cv); unlock M.
  h.lock(2, M);
  h.signal(2, CV);
  h.unlock(2, M);
  EXPECT_TRUE(h.has_edge(CV, M));
  EXPECT_TRUE(h.drain().empty());
}

TEST_F(EngineTest, CondvarWaitUnderAnotherLockIsAWaitCycle) {
  ClassId A = h.cls("A"), M = h.cls("M"), CV = h.cls("cv", ClassKind::CondVar);
  // Waiter holds A and M, waits on cv releasing only M.
  h.lock(1, A);
  h.lock(1, M);
  h.wait_begin(1, CV, EngineHarness::inst_of(M));
  EXPECT_TRUE(h.has_edge(A, CV));
  EXPECT_FALSE(h.has_edge(M, CV));
  // Signaller needs A before it signals.
  h.lock(2, A);
  h.unlock(2, A);
  h.signal(2, CV);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::WaitCycle);
  EXPECT_EQ(h.cycle_from(rs[0]), (std::vector<ClassId>{CV, A}));
}

TEST_F(EngineTest, CondvarWaitWithoutReleasedMutexWouldReport) {
  // Control for the exclusion test: the same events without naming the
  // released mutex form a cycle.
  ClassId M = h.cls("M"), CV = h.cls("cv", ClassKind::CondVar);
  h.lock(1, M);
  h.wait_begin(1, CV);
  h.lock(2, M);
  h.signal(2, CV);
  EXPECT_EQ(kinds(h.drain()), std::vector<ReportKind>{ReportKind::WaitCycle});
}

TEST_F(EngineTest, SignalWindowLockThenSignal) {
  ClassId L = h.cls("L"), W = h.cls("W", ClassKind::Fence);
  // Signaller: takes and drops L, then signals W. W -> L: W is signalled
  // only after L was taken.
  h.lock(1, L);
  h.unlock(1, L);
  h.signal(1, W);
  ASSERT_TRUE(h.has_edge(W, L));
  const EdgeInfo &wl = h.e().graph().edge(h.e().graph().find_edge(W, L));
  EXPECT_EQ(wl.kind, EdgeKind::Signal);
  EXPECT_FALSE(h.e().has_pending());
  // Waiter holding L waits on W.
  h.lock(2, L);
  h.wait_begin(2, W);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::WaitCycle);
  EXPECT_EQ(rs[0].subject, W);
  EXPECT_EQ(rs[0].subject_kind, EdgeKind::Wait);
  EXPECT_EQ(h.cycle_from(rs[0]), (std::vector<ClassId>{L, W}));
}

TEST_F(EngineTest, WaiterFirstThenSignallerCloses) {
  ClassId L = h.cls("L"), W = h.cls("W", ClassKind::Fence);
  h.lock(2, L);
  h.wait_begin(2, W);
  EXPECT_TRUE(h.has_edge(L, W));
  h.lock(1, L);
  h.unlock(1, L);
  h.signal(1, W);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::WaitCycle);
  EXPECT_EQ(rs[0].tid, 1u);
}

TEST_F(EngineTest, SignalWhileHoldingALock) {
  ClassId L = h.cls("L"), W = h.cls("W", ClassKind::EventFd);
  h.wait(1, h.cls("start", ClassKind::Semaphore), false); // empty window
  h.lock(1, L);
  h.signal(1, W);
  EXPECT_TRUE(h.has_edge(W, L));
}

TEST_F(EngineTest, CompletedWaitClosesTheSignalWindow) {
  ClassId L = h.cls("L"), W = h.cls("W", ClassKind::Fence),
          S = h.cls("S", ClassKind::Semaphore);
  h.lock(1, L);
  h.unlock(1, L);
  // A completed blocking wait starts a new window: L is not in it.
  h.wait(1, S, /*one_shot=*/false);
  h.signal(1, W);
  EXPECT_FALSE(h.has_edge(W, L));
  EXPECT_FALSE(h.has_edge(W, S));
}

TEST_F(EngineTest, CountingWaitsBoundedQueueIsQuiet) {
  // Two-semaphore bounded queue: the producer waits "empty", fills under
  // the queue lock, posts "full"; the consumer the other way round.
  ClassId Q = h.cls("queue.lock"), EMPTY = h.cls("slots", ClassKind::Semaphore),
          FULL = h.cls("items", ClassKind::Semaphore);
  for (int i = 0; i < 3; ++i) {
    h.wait(1, EMPTY, /*one_shot=*/false);
    h.lock(1, Q), h.unlock(1, Q);
    h.signal(1, FULL);
    h.wait(2, FULL, false);
    h.lock(2, Q), h.unlock(2, Q);
    h.signal(2, EMPTY);
  }
  EXPECT_TRUE(h.drain().empty());
  EXPECT_FALSE(h.has_edge(FULL, EMPTY));
  EXPECT_FALSE(h.has_edge(EMPTY, FULL));
  EXPECT_TRUE(h.has_edge(FULL, Q));
  EXPECT_TRUE(h.has_edge(EMPTY, Q));
}

TEST_F(EngineTest, OneShotWaitIsKeptInTheWindow) {
  ClassId F = h.cls("F", ClassKind::Fence), G = h.cls("G", ClassKind::Fence);
  h.wait(1, F, /*one_shot=*/true);
  h.signal(1, G);
  EXPECT_TRUE(h.has_edge(G, F)); // G signals only after F completed
  // Against a counting wait: not kept.
  ClassId S = h.cls("S", ClassKind::Semaphore), H = h.cls("H", ClassKind::Fence);
  h.wait(2, S, false);
  h.signal(2, H);
  EXPECT_FALSE(h.has_edge(H, S));
}

TEST_F(EngineTest, OneShotWaitsChainIntoAWaitCycle) {
  // The bounded queue with one-shot semantics would be a cycle: shows the
  // counting test above can fail. (Fence timelines are the exception: a
  // cycle of their completions alone is not reported, submit_rules_test.)
  ClassId EMPTY = h.cls("slots", ClassKind::EventFd), FULL = h.cls("items", ClassKind::EventFd);
  h.wait(1, EMPTY, true);
  h.signal(1, FULL);
  h.wait(2, FULL, true);
  h.signal(2, EMPTY);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::WaitCycle);
}

TEST_F(EngineTest, JoinUnderALockTheThreadTakes) {
  ClassId L = h.cls("L"), EXIT = h.cls("exit@worker", ClassKind::ThreadExit);
  // Main thread joins while holding L.
  h.lock(1, L);
  h.wait_begin(1, EXIT);
  // The worker takes L and then exits (signals its exit).
  h.lock(2, L);
  h.unlock(2, L);
  h.signal(2, EXIT);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::WaitCycle);
}

// --- signalling sections and reclaim --------------------------------------

TEST_F(EngineTest, SignallingSectionEdges) {
  ClassId F = h.cls("ring", ClassKind::Fence), L = h.cls("L");
  int cookie = h.e().section_begin(h.thread(1), F, 0xf1, 0x10);
  EXPECT_NE(cookie, 0);
  h.lock(1, L);
  h.unlock(1, L);
  ASSERT_TRUE(h.has_edge(F, L));
  EXPECT_EQ(h.e().graph().edge(h.e().graph().find_edge(F, L)).kind, EdgeKind::Section);
  h.e().section_end(h.thread(1), cookie);
  EXPECT_EQ(h.thread(1).nheld, 0u);
  // Waiting on the fence while holding L: cycle.
  h.lock(2, L);
  h.wait_begin(2, F);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::WaitCycle);
  EXPECT_EQ(h.cycle_from(rs[0]), (std::vector<ClassId>{L, F}));
}

TEST_F(EngineTest, SectionBeginAddsNoIncomingEdge) {
  ClassId F = h.cls("ring", ClassKind::Fence), L = h.cls("L");
  h.lock(1, L);
  int cookie = h.e().section_begin(h.thread(1), F, 0xf1, 0x10);
  EXPECT_FALSE(h.has_edge(L, F));
  // Nested section of the same class: covered by the outer one.
  EXPECT_EQ(h.e().section_begin(h.thread(1), F, 0xf2, 0x11), 0);
  h.e().section_end(h.thread(1), 0);
  EXPECT_EQ(h.thread(1).nheld, 2u);
  h.e().section_end(h.thread(1), cookie);
  EXPECT_EQ(h.thread(1).nheld, 1u);
  EXPECT_EQ(h.thread(1).held[0].cls, L);
}

// Sections of different fences may end out of order (job A begins, job B
// begins, A ends, C begins, B ends): each end must close its own section.
TEST_F(EngineTest, SectionsEndingOutOfOrderCloseTheRightSection) {
  ClassId F = h.cls("F", ClassKind::Fence), G = h.cls("G", ClassKind::Fence),
          H = h.cls("H", ClassKind::Fence), L = h.cls("L");
  ThreadState &t = h.thread(1);
  int cf = h.e().section_begin(t, F, 0xf, 0x10);
  int cg = h.e().section_begin(t, G, 0x9, 0x11);
  h.e().section_end(t, cf);
  ASSERT_EQ(t.nheld, 1u);
  EXPECT_EQ(t.held[0].cls, G);
  int ch = h.e().section_begin(t, H, 0x8, 0x12);
  h.e().section_end(t, cg);
  ASSERT_EQ(t.nheld, 1u);
  EXPECT_EQ(t.held[0].cls, H) << "ending G's section closed H's";
  // Work done now belongs to H's section only.
  h.lock(1, L);
  h.unlock(1, L);
  EXPECT_TRUE(h.has_edge(H, L));
  EXPECT_FALSE(h.has_edge(G, L));
  h.e().section_end(t, ch);
  EXPECT_EQ(t.nheld, 0u);
}

TEST_F(EngineTest, SignalInsideItsSectionUsesSectionEdgesNotTheWindow) {
  ClassId F = h.cls("ring", ClassKind::Fence), X = h.cls("X"), Y = h.cls("Y");
  h.lock(1, X);
  h.unlock(1, X); // in the window
  int cookie = h.e().section_begin(h.thread(1), F, 0xf1, 0x10);
  h.lock(1, Y);
  h.unlock(1, Y);
  h.signal(1, F);
  h.e().section_end(h.thread(1), cookie);
  EXPECT_FALSE(h.has_edge(F, X));
  EXPECT_TRUE(h.has_edge(F, Y));
}

TEST_F(EngineTest, MightReclaimInSectionVsWaitInMmContext) {
  ClassId F = h.cls("ring", ClassKind::Fence);
  ClassId R = h.e().reclaim_class();
  ASSERT_NE(R, kNoClass);
  // Signalling path allocates with reclaim.
  int cookie = h.e().section_begin(h.thread(1), F, 0xf1, 0x10);
  h.e().might_reclaim(h.thread(1), 0x20, h.st());
  h.e().section_end(h.thread(1), cookie);
  ASSERT_TRUE(h.has_edge(F, R));
  EXPECT_FALSE(h.e().has_pending());
  // A shrinker waits on the fence.
  h.e().mm_begin(h.thread(2), "shrinker", 0x30, h.st());
  h.wait_begin(2, F);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::WaitCycle);
  EXPECT_EQ(h.cycle_from(rs[0]), (std::vector<ClassId>{R, F}));
  ASSERT_EQ(rs[0].nheld, 1u);
  EXPECT_EQ(rs[0].held[0].cls, R);
  EXPECT_STREQ(rs[0].held[0].label, "shrinker");
  h.e().mm_end(h.thread(2));
  EXPECT_EQ(h.thread(2).nheld, 0u);
}

TEST_F(EngineTest, MightReclaimUnderALockIsAReclaimEdge) {
  ClassId L = h.cls("L");
  ClassId R = h.e().reclaim_class();
  h.lock(1, L);
  h.e().might_reclaim(h.thread(1), 0x20, h.st());
  ASSERT_TRUE(h.has_edge(L, R));
  EXPECT_EQ(h.e().graph().edge(h.e().graph().find_edge(L, R)).kind, EdgeKind::Reclaim);
  EXPECT_EQ(h.thread(1).nheld, 1u); // momentary: reclaim is not left held
  // A notifier takes L inside reclaim: reclaim -> L closes a cycle.
  h.e().mm_begin(h.thread(2), "notifier", 0x30, h.st());
  h.lock(2, L);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::WaitCycle);
}

TEST_F(EngineTest, MmContextUnderALockAndNoReclaimRecursion) {
  ClassId L = h.cls("L");
  ClassId R = h.e().reclaim_class();
  h.lock(1, L);
  h.e().mm_begin(h.thread(1), "notifier", 0x30, h.st());
  EXPECT_TRUE(h.has_edge(L, R));
  uint32_t edges = h.e().graph().size();
  h.e().might_reclaim(h.thread(1), 0x31, h.st()); // already in reclaim
  EXPECT_EQ(h.e().graph().size(), edges);
  h.e().mm_end(h.thread(1));
  h.unlock(1, L);
  EXPECT_EQ(h.thread(1).nheld, 0u);
}

// --- long-running fences ------------------------------------------------------

TEST_F(EngineTest, LrFenceAttachAndExportAreViolations) {
  ClassId LR = h.cls("lr-fence", ClassKind::Fence, kClassLongRunning);
  ClassId NORMAL = h.cls("dma-fence", ClassKind::Fence);
  h.e().resv_attach(h.thread(1), NORMAL, 0x1, 0x10, h.st());
  h.e().fence_export(h.thread(1), NORMAL, 0x1, 0x10, h.st());
  EXPECT_FALSE(h.e().has_pending());

  h.e().resv_attach(h.thread(1), LR, 0x2, 0x10, h.st());
  h.e().fence_export(h.thread(1), LR, 0x2, 0x11, h.st());
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].kind, ReportKind::LrViolation);
  EXPECT_EQ(rs[0].lr_use, LrUse::ResvAttach);
  EXPECT_EQ(rs[0].subject, LR);
  EXPECT_EQ(rs[0].lr_context, kNoClass);
  EXPECT_EQ(rs[1].kind, ReportKind::LrViolation);
  EXPECT_EQ(rs[1].lr_use, LrUse::Export);
  // Once per (fence class, use).
  h.e().resv_attach(h.thread(2), LR, 0x3, 0x12, h.st());
  EXPECT_TRUE(h.drain().empty());
}

TEST_F(EngineTest, LrFenceWaitInMmContext) {
  ClassId LR = h.cls("lr-fence", ClassKind::Fence, kClassLongRunning);
  h.e().mm_begin(h.thread(1), "shrinker", 0x30, h.st());
  h.wait_begin(1, LR);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::LrViolation);
  EXPECT_EQ(rs[0].lr_use, LrUse::WaitInReclaim);
  EXPECT_EQ(rs[0].lr_context, h.e().reclaim_class());
  EXPECT_EQ(rs[0].subject, LR);
}

TEST_F(EngineTest, LrFenceWaitUnderMmLock) {
  ClassId LR = h.cls("lr-fence", ClassKind::Fence, kClassLongRunning);
  ClassId MMAP = h.cls("mmap_lock", ClassKind::RwLock, kClassMm);
  ClassId PLAIN = h.cls("plain");
  // Under a lock without the mm tag: no violation.
  h.lock(1, PLAIN);
  h.wait_begin(1, LR);
  EXPECT_TRUE(h.drain().empty());
  h.lock(2, MMAP, 0, true);
  h.lock(2, PLAIN);
  h.wait_begin(2, LR);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::LrViolation);
  EXPECT_EQ(rs[0].lr_use, LrUse::WaitUnderMmLock);
  EXPECT_EQ(rs[0].lr_context, MMAP);
  ASSERT_EQ(rs[0].nheld, 2u);
}

TEST_F(EngineTest, NonLrFenceWaitInMmContextIsNoLrViolation) {
  ClassId F = h.cls("dma-fence", ClassKind::Fence);
  h.e().mm_begin(h.thread(1), "shrinker", 0x30, h.st());
  h.wait_begin(1, F);
  EXPECT_TRUE(h.drain().empty());
}

// --- fence awaits -------------------------------------------------------------

TEST_F(EngineTest, AwaitInstanceCycle) {
  ClassId F = h.cls("render", ClassKind::Fence), G = h.cls("copy", ClassKind::Fence);
  const uint64_t f1 = 0xf100, g1 = 0x9100;
  h.e().await(h.thread(1), F, f1, G, g1, 0x10, h.st());
  EXPECT_FALSE(h.e().has_pending());
  EXPECT_TRUE(h.has_edge(F, G));
  h.e().await(h.thread(2), G, g1, F, f1, 0x11, h.st());
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u) << "only the definite instance report, no class report";
  const PendingReport &r = rs[0];
  EXPECT_EQ(r.kind, ReportKind::AwaitCycle);
  EXPECT_EQ(r.subject, F);
  // The cycle in await order, starting at the fence that awaited last:
  // g1 awaits f1, f1 awaits g1. Each instance appears once.
  ASSERT_EQ(r.inst_len, 2u);
  EXPECT_EQ(r.inst[0], g1);
  EXPECT_EQ(r.inst[1], f1);
  EXPECT_EQ(r.inst_class[0], G);
  EXPECT_EQ(r.inst_class[1], F);
}

TEST_F(EngineTest, AwaitThreeInstanceCycle) {
  ClassId F = h.cls("F", ClassKind::Fence);
  h.e().await(h.thread(1), F, 1, F, 2, 0x10, h.st());
  h.e().await(h.thread(1), F, 2, F, 3, 0x10, h.st());
  EXPECT_FALSE(h.e().has_pending());
  h.e().await(h.thread(1), F, 3, F, 1, 0x10, h.st());
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::AwaitCycle);
  ASSERT_EQ(rs[0].inst_len, 3u);
  EXPECT_EQ(rs[0].inst[0], 3u);
  EXPECT_EQ(rs[0].inst[1], 1u);
  EXPECT_EQ(rs[0].inst[2], 2u);
}

TEST_F(EngineTest, AwaitDagIsQuiet) {
  ClassId F = h.cls("F", ClassKind::Fence), G = h.cls("G", ClassKind::Fence);
  h.e().await(h.thread(1), F, 1, G, 10, 0x10, h.st());
  h.e().await(h.thread(1), F, 1, G, 11, 0x10, h.st());
  h.e().await(h.thread(1), F, 2, F, 1, 0x10, h.st());
  h.e().await(h.thread(1), F, 3, F, 2, 0x10, h.st());
  h.e().await(h.thread(1), F, 3, G, 10, 0x10, h.st());
  EXPECT_TRUE(h.drain().empty());
}

TEST_F(EngineTest, SignalledFenceDropsItsAwaits) {
  ClassId F = h.cls("F", ClassKind::Fence), G = h.cls("G", ClassKind::Fence);
  h.e().await(h.thread(1), F, 1, G, 2, 0x10, h.st());
  // f1 signals (and may be reused): its awaits are history.
  h.e().signal(h.thread(1), F, 1, 0x11, h.st());
  h.e().await(h.thread(1), G, 2, F, 1, 0x12, h.st());
  for (const auto &r : h.drain())
    EXPECT_NE(r.kind, ReportKind::AwaitCycle);
}

// --- shared edge cache (offline analysis) ----------------------------------------

// An edge first seen under a gate lock must not be cached: a later occurrence
// without the gate, from a thread whose own cache is empty, narrows it.
TEST(SharedEdgeCache, GatedEdgeIsNeverCached) {
  EngineHarness h(false, false, /*shared_edge_cache_bits=*/4);
  ASSERT_TRUE(h.ok());
  ClassId G = h.cls("G"), A = h.cls("A"), B = h.cls("B");
  for (int i = 0; i < 3; ++i)
    h.lock(1, G), h.lock(1, A), h.lock(1, B), h.unlock(1, B), h.unlock(1, A), h.unlock(1, G);
  h.lock(2, A), h.lock(2, B), h.unlock(2, B), h.unlock(2, A);
  h.lock(3, G), h.lock(3, B), h.lock(3, A), h.unlock(3, A), h.unlock(3, B), h.unlock(3, G);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u) << "A->B lost its gate on thread 2";
  EXPECT_EQ(rs[0].kind, ReportKind::LockOrder);
}

// Many more edges than entries: colliding entries only cost lookups, and an
// edge known through another thread's entry still closes its cycle.
TEST(SharedEdgeCache, CollisionsKeepResultsExact) {
  EngineHarness h(false, false, /*shared_edge_cache_bits=*/4);
  ASSERT_TRUE(h.ok());
  std::vector<ClassId> outer, inner;
  char name[32];
  for (int i = 0; i < 300; ++i) {
    snprintf(name, sizeof name, "O%d", i);
    outer.push_back(h.cls(name));
    snprintf(name, sizeof name, "I%d", i);
    inner.push_back(h.cls(name));
  }
  for (uint32_t tid : {1u, 2u})
    for (int i = 0; i < 300; ++i)
      h.lock(tid, outer[i]), h.lock(tid, inner[i]), h.unlock(tid, inner[i]),
          h.unlock(tid, outer[i]);
  EXPECT_TRUE(h.drain().empty());
  EXPECT_EQ(h.e().graph().size(), 300u);
  h.lock(3, inner[7]), h.lock(3, outer[7]), h.unlock(3, outer[7]), h.unlock(3, inner[7]);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(h.cycle_from(rs[0]), (std::vector<ClassId>{inner[7], outer[7]}));
}

// --- deferred cycle search (offline analysis) -------------------------------------

TEST(EngineDeferred, EdgesWithoutSearchThenReportCycle) {
  EngineHarness h(/*report_gated=*/false, /*defer_cycle_search=*/true);
  ASSERT_TRUE(h.ok());
  ClassId A = h.cls("A"), B = h.cls("B");
  h.lock(1, A), h.lock(1, B), h.unlock(1, B), h.unlock(1, A);
  h.lock(2, B), h.lock(2, A), h.unlock(2, A), h.unlock(2, B);
  EXPECT_FALSE(h.e().has_pending()) << "deferred: no search on new edges";
  ASSERT_TRUE(h.has_edge(A, B));
  ASSERT_TRUE(h.has_edge(B, A));

  Cycle c;
  ASSERT_TRUE(h.e().graph().find_cycle(h.e().graph().find_edge(B, A), &c));
  EXPECT_TRUE(h.e().report_cycle(c));
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  const PendingReport &r = rs[0];
  EXPECT_EQ(r.kind, ReportKind::LockOrder);
  // As if the closing edge had just been taken, by the thread that took it.
  EXPECT_EQ(r.tid, 2u);
  EXPECT_EQ(r.pid, 4242u);
  EXPECT_EQ(r.subject, A);
  ASSERT_EQ(r.nheld, 1u);
  EXPECT_EQ(r.held[0].cls, B);
  EXPECT_EQ(h.cycle_from(r), (std::vector<ClassId>{B, A}));
  // The same cycle found again (from its other edge) is not reported twice.
  Cycle again;
  ASSERT_TRUE(h.e().graph().find_cycle(h.e().graph().find_edge(A, B), &again));
  EXPECT_FALSE(h.e().report_cycle(again));
  EXPECT_TRUE(h.drain().empty());
  EXPECT_FALSE(h.e().report_cycle(Cycle{}));
}

TEST(EngineDeferred, GatedCycleStaysHidden) {
  EngineHarness h(false, true);
  ASSERT_TRUE(h.ok());
  ClassId G = h.cls("G"), A = h.cls("A"), B = h.cls("B");
  h.lock(1, G), h.lock(1, A), h.lock(1, B);
  h.unlock(1, B), h.unlock(1, A), h.unlock(1, G);
  h.lock(2, G), h.lock(2, B), h.lock(2, A);
  Cycle c;
  ASSERT_TRUE(h.e().graph().find_cycle(h.e().graph().find_edge(B, A), &c));
  EXPECT_FALSE(h.e().report_cycle(c));
  EXPECT_EQ(h.e().stats().gated_hidden, 1u);
  EXPECT_TRUE(h.drain().empty());
}

TEST(EngineDeferred, WaitCycleReportedFromASignalEdge) {
  EngineHarness h(false, true);
  ASSERT_TRUE(h.ok());
  ClassId L = h.cls("L"), W = h.cls("W", ClassKind::Fence);
  h.lock(2, L);
  h.wait_begin(2, W);
  h.lock(1, L), h.unlock(1, L);
  h.signal(1, W);
  Cycle c;
  ASSERT_TRUE(h.e().graph().find_cycle(h.e().graph().find_edge(W, L), &c));
  EXPECT_TRUE(h.e().report_cycle(c));
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::WaitCycle);
  EXPECT_EQ(rs[0].tid, 1u);
  EXPECT_EQ(rs[0].nheld, 0u); // a signalled object is not held
}

// --- stats ----------------------------------------------------------------------

TEST_F(EngineTest, ClassOverflowDegrades) {
  auto eng = std::make_unique<Engine>();
  EngineOptions o;
  o.max_classes = 8; // overflow + reclaim + 6
  o.max_edges = 64;
  ASSERT_TRUE(eng->init(o));
  ThreadState t{};
  t.reset(1);
  fdtest::FakeStacks st(eng->stacks());
  std::vector<ClassId> cs;
  for (int i = 0; i < 20; ++i) {
    std::string n = "C" + std::to_string(i);
    cs.push_back(eng->classes().get_or_create(class_key_for_name(ClassKind::Mutex, n.c_str()),
                                              ClassKind::Mutex, n.c_str(), SiteRef{}));
  }
  // ids: 1 "<overflow>", 2 "reclaim", 3..7 real ones.
  EXPECT_EQ(eng->stats().classes_overflowed, 15u);
  EXPECT_EQ(cs[19], eng->classes().overflow_class());
  for (int round = 0; round < 2; ++round) {
    for (size_t i = 0; i < cs.size(); ++i)
      eng->acquire(t, cs[i], 0x100 + i, false, false, 0, st);
    for (size_t i = cs.size(); i > 0; --i)
      eng->release(t, 0x100 + i - 1);
  }
  EXPECT_EQ(t.nheld, 0u);
  PendingReport r;
  EXPECT_FALSE(eng->pop_report(&r)); // one consistent order

  eng->acquire(t, cs[1], 0x200, false, false, 0, st);
  eng->acquire(t, cs[0], 0x201, false, false, 0, st);
  EXPECT_TRUE(eng->pop_report(&r));
  EXPECT_EQ(r.kind, ReportKind::LockOrder);
}

} // namespace
