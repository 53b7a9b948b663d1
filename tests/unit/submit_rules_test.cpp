// Fences a GPU completes: a submission (Engine::submit) satisfies only the
// waits for it; fence timelines whose class graph is a cycle of completions
// (frames in flight, two queues taking turns) are not reported unless their
// instances close it; a fence instance awaiting itself is an await-cycle.
#include <gtest/gtest.h>

#include "fencedep/core/instance_graph.h"
#include "fencedep/core/trace_replay.h"
#include "test_support.h"
#include "trace_test_support.h"

using namespace fencedep;
using fdtest::EngineHarness;

namespace {

class SubmitRules : public ::testing::Test {
protected:
  void SetUp() override { ASSERT_TRUE(h.ok()); }
  void submit(uint32_t tid, ClassId c, uint64_t inst) {
    h.e().submit(h.thread(tid), c, inst, 0x5000, h.st());
  }
  void await(uint32_t tid, ClassId f, uint64_t fi, ClassId g, uint64_t gi) {
    h.e().await(h.thread(tid), f, fi, g, gi, 0x5100, h.st());
  }
  void wait_for_submit(uint32_t tid, ClassId c, uint64_t inst) {
    h.e().wait_begin(h.thread(tid), c, inst, 0, 0x5200, h.st(), EdgeKind::WaitForSubmit);
  }
  void wait_done(uint32_t tid, ClassId c, uint64_t inst) {
    h.e().wait_end(h.thread(tid), c, inst, true, 0x5300);
  }
  EngineHarness h;
};

TEST_F(SubmitRules, WaitForSubmitUnderTheSubmittersLockIsReported) {
  ClassId L = h.site_cls("L"), T = h.site_cls("timeline", ClassKind::Syncobj);
  h.lock(1, L), h.unlock(1, L);
  submit(1, T, 0x7001);
  h.lock(2, L);
  wait_for_submit(2, T, 0x7001);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::WaitCycle);
  EXPECT_FALSE(rs[0].predicted);
}

TEST_F(SubmitRules, PlainWaitUnderTheSubmittersLockIsNot) {
  // The fence was submitted; the GPU completes it without its submitter.
  ClassId L = h.site_cls("L"), T = h.site_cls("timeline", ClassKind::Syncobj);
  h.lock(1, L), h.unlock(1, L);
  submit(1, T, 0x7001);
  h.lock(2, L);
  h.wait_begin_on(2, T, 0x7001);
  EXPECT_TRUE(h.drain().empty());
  EXPECT_TRUE(h.has_edge(L, T) && h.has_edge(T, L)) << "the class cycle is there";
  // A host signal is a completion too: the same wait then depends on it.
  h.lock(3, L), h.unlock(3, L);
  h.signal_on(3, T, 0x7002);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::WaitCycle);
}

TEST_F(SubmitRules, WaitForSubmitAfterAPlainOneConfirmsTheWatchedCycle) {
  ClassId L = h.site_cls("L"), T = h.site_cls("timeline", ClassKind::Syncobj);
  h.lock(1, L), h.unlock(1, L);
  submit(1, T, 0x7001);
  h.lock(2, L);
  h.wait_begin_on(2, T, 0x7001);
  wait_done(2, T, 0x7001);
  EXPECT_TRUE(h.drain().empty());
  wait_for_submit(2, T, 0x7002);
  EXPECT_EQ(h.drain().size(), 1u);
}

TEST_F(SubmitRules, CompletionDependsOnWhatTheJobAwaits) {
  // Waiting under L for a job whose in-fence is signalled by a thread
  // that took L first: the GPU cannot run the job.
  ClassId L = h.site_cls("L"), Job = h.site_cls("job", ClassKind::Fence),
          In = h.site_cls("in", ClassKind::Syncobj);
  h.lock(1, L), h.unlock(1, L);
  submit(1, Job, 0x1001);
  await(1, Job, 0x1001, In, 0x2001);
  h.lock(2, L);
  h.wait_begin_on(2, Job, 0x1001);
  EXPECT_TRUE(h.drain().empty()) << "nothing signals `in` after L yet";
  h.lock(3, L), h.unlock(3, L);
  h.signal_on(3, In, 0x2001);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::WaitCycle);
  EXPECT_EQ(rs[0].cycle.size, 3u);
}

TEST_F(SubmitRules, FramesInFlightAreNoCycle) {
  // Frame k awaits the present of frame k-2; the present of k awaits frame
  // k and is submitted after a completed wait for it.
  ClassId Frame = h.site_cls("frame", ClassKind::Syncobj),
          Present = h.site_cls("present", ClassKind::Syncobj);
  for (uint64_t k = 1; k <= 8; ++k) {
    if (k > 2) {
      h.wait_begin_on(1, Present, 0x300 + k - 2);
      wait_done(1, Present, 0x300 + k - 2);
    }
    submit(1, Frame, 0x100 + k);
    if (k > 2)
      await(1, Frame, 0x100 + k, Present, 0x300 + k - 2);
    h.wait_begin_on(2, Frame, 0x100 + k);
    wait_done(2, Frame, 0x100 + k);
    submit(2, Present, 0x300 + k);
    await(2, Present, 0x300 + k, Frame, 0x100 + k);
  }
  EXPECT_TRUE(h.has_edge(Frame, Present) && h.has_edge(Present, Frame));
  EXPECT_TRUE(h.drain().empty());
}

TEST_F(SubmitRules, HostSignalledPipelineIsNoCycle) {
  // The same with host signals: each signal depends on a completed wait.
  ClassId A = h.site_cls("a", ClassKind::Syncobj), B = h.site_cls("b", ClassKind::Syncobj);
  for (uint64_t k = 1; k <= 4; ++k) {
    h.signal_on(1, A, 0x100 + k);
    h.wait_begin_on(2, A, 0x100 + k);
    wait_done(2, A, 0x100 + k);
    h.signal_on(2, B, 0x200 + k);
    h.wait_begin_on(1, B, 0x200 + k);
    wait_done(1, B, 0x200 + k);
  }
  EXPECT_TRUE(h.has_edge(A, B) && h.has_edge(B, A));
  EXPECT_TRUE(h.drain().empty());
}

TEST_F(SubmitRules, AwaitCycleOfInstancesIsStillDefinite) {
  ClassId A = h.site_cls("a", ClassKind::Syncobj), B = h.site_cls("b", ClassKind::Syncobj);
  await(1, A, 0x101, B, 0x201);
  EXPECT_TRUE(h.drain().empty());
  await(2, B, 0x201, A, 0x101);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::AwaitCycle);
}

TEST_F(SubmitRules, ALockKeepsACycleThroughFences) {
  // The completions-only rule is for fences alone: a wait under a lock
  // closing the same loop is reported.
  ClassId L = h.site_cls("L"), A = h.site_cls("a", ClassKind::Syncobj),
          B = h.site_cls("b", ClassKind::Syncobj);
  await(1, A, 0x101, B, 0x201);
  h.lock(2, L), h.unlock(2, L);
  h.signal_on(2, B, 0x201);
  h.lock(3, L);
  h.wait_begin_on(3, A, 0x101);
  EXPECT_EQ(h.drain().size(), 1u);
}

TEST_F(SubmitRules, AwaitingItselfIsAnAwaitCycle) {
  ClassId T = h.site_cls("timeline", ClassKind::Syncobj);
  h.e().await_instance(h.thread(1), T, 0x705, 0x705, h.st());
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::AwaitCycle);
  ASSERT_EQ(rs[0].inst_len, 1u);
  EXPECT_EQ(rs[0].inst[0], 0x705u);
  EXPECT_NE(h.text(rs[0]).find("await-cycle"), std::string::npos);
  EXPECT_FALSE(h.has_edge(T, T)) << "no class self-edge";
}

TEST_F(SubmitRules, InstancesOfOneTimelineAwaitingEachOther) {
  ClassId T = h.site_cls("timeline", ClassKind::Syncobj);
  h.e().await_instance(h.thread(1), T, 0x706, 0x705, h.st());
  EXPECT_TRUE(h.drain().empty());
  h.e().await_instance(h.thread(1), T, 0x705, 0x706, h.st());
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::AwaitCycle);
  EXPECT_EQ(rs[0].inst_len, 2u);
}

TEST_F(SubmitRules, AwaitClassRecordsNoInstances) {
  ClassId A = h.site_cls("a", ClassKind::Syncobj), B = h.site_cls("b", ClassKind::Syncobj);
  h.e().await_class(h.thread(1), A, B, 0x5100, h.st());
  EXPECT_TRUE(h.has_edge(A, B));
  // The reverse await of instances closes nothing: there were none.
  await(2, B, 0x201, A, 0x101);
  EXPECT_TRUE(h.drain().empty());
}

TEST_F(SubmitRules, ANewPointOfAKnownEdgeAddsNoEvidence) {
  // Fence instances are one stand-in in the wait rules: a thousand points
  // of a timeline behind a known edge leave the edge as it was.
  ClassId L = h.site_cls("L"), T = h.site_cls("timeline", ClassKind::Syncobj);
  h.lock(1, L);
  for (uint64_t p = 1; p <= 1000; ++p)
    wait_for_submit(1, T, 0x7000 + p);
  h.unlock(1, L);
  EXPECT_EQ(h.e().graph().size(), 1u);
  submit(2, T, 0x9999);
  h.lock(2, L);
  h.unlock(2, L);
  submit(2, T, 0x999a);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u) << "the stand-in still lines the cycle up";
}

TEST(InstanceGraphOrder, NewNodesFirstKeepAnAwaitChainInOrder) {
  // Fence k awaits fence k-1: with new nodes first every link agrees
  // with the order kept so far; closing the chain is still found.
  InstanceGraph g;
  ASSERT_TRUE(g.init(4096, 4096, /*new_nodes_first=*/true));
  for (uint64_t k = 2; k <= 1000; ++k) {
    uint32_t link = g.add(k, 1, k - 1, 1, kDepNN, 1, kNoStack);
    ASSERT_NE(link, 0u);
    EXPECT_FALSE(g.may_close_cycle(link)) << k;
  }
  EXPECT_EQ(g.unordered_links(), 0u);
  uint32_t closing = g.add(1, 1, 1000, 1, kDepNN, 1, kNoStack);
  ASSERT_NE(closing, 0u);
  EXPECT_TRUE(g.may_close_cycle(closing));
  InstancePath path;
  EXPECT_TRUE(g.find_path(1000, 1, nullptr, 0, false, false, &path));
}

TEST(SubmitReplay, ASignalMarkedAsASubmissionReplaysAsOne) {
  // Bit 0 of a signal's argument: a submission. A plain wait under the
  // submitter's lock is then no cycle offline either; a wait for
  // submission is.
  EngineHarness h;
  ASSERT_TRUE(h.ok());
  TraceReplayer rp{h.e()};
  const uint64_t kL = class_key_for_name(ClassKind::Mutex, "L");
  const uint64_t kT = class_key_for_name(ClassKind::Syncobj, "timeline");
  fdtest::TraceBuilder b;
  b.file_header(100);
  b.classes(100, {fdtest::trace_class(1, kL, ClassKind::Mutex, "L"),
                  fdtest::trace_class(2, kT, ClassKind::Syncobj, "timeline")});
  b.events(100, 101, {fdtest::ev(TraceOp::Acquire, 1, 0x1000),
                      fdtest::ev(TraceOp::Release, 1, 0x1000),
                      fdtest::ev(TraceOp::Signal, 2, 0xf1, 1)});
  b.events(100, 102, {fdtest::ev(TraceOp::Acquire, 1, 0x1000),
                      fdtest::ev(TraceOp::WaitBegin, 2, 0xf1)});
  ReplayStats s = rp.replay(b.bytes.data(), b.bytes.size(), 1);
  EXPECT_FALSE(s.partial) << s.error;
  EXPECT_TRUE(h.drain().empty());
  fdtest::TraceBuilder c;
  c.file_header(100);
  c.classes(100, {fdtest::trace_class(1, kL, ClassKind::Mutex, "L"),
                  fdtest::trace_class(2, kT, ClassKind::Syncobj, "timeline")});
  c.events(100, 103, {fdtest::ev(TraceOp::Acquire, 1, 0x1000),
                      fdtest::ev(TraceOp::WaitForSubmitBegin, 2, 0xf2)});
  s = rp.replay(c.bytes.data(), c.bytes.size(), 2);
  EXPECT_FALSE(s.partial) << s.error;
  EXPECT_EQ(h.drain().size(), 1u);
}

} // namespace

namespace {

// Submissions of several fence classes under one lock (a job's timeline
// point and binary syncobj, the queues of a device) make edges that differ
// only in their source class: each must keep a slot of the thread's edge
// cache, or every submission evicts the one before and takes the slow path
// (the slot index once never saw the low bits of the source class).
TEST_F(SubmitRules, SubmissionsOfNeighbouringClassesKeepTheirCachedEdges) {
  ClassId L = h.site_cls("queue_lock");
  ClassId fences[8];
  const char *labels[8] = {"f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7"};
  for (uint32_t i = 0; i < 8; ++i)
    fences[i] = h.site_cls(labels[i], ClassKind::Syncobj);
  for (uint32_t i = 1; i < 8; ++i)
    ASSERT_EQ(fences[i], fences[0] + i) << "neighbouring class ids";
  h.lock(1, L);
  for (int round = 0; round < 2; ++round)
    for (uint32_t i = 0; i < 8; ++i)
      submit(1, fences[i], 0x7000 + i);
  const ThreadState &t = h.thread(1);
  uint32_t used = 0;
  for (uint64_t slot : t.edge_cache)
    used += slot != 0;
  // The lock's own edges aside, the eight submit edges spread over the
  // cache (with 128 slots a collision or two may happen, not eight).
  EXPECT_GE(used, 6u);
}

} // namespace
