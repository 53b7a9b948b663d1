#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <numeric>
#include <random>
#include <vector>

#include "fencedep/core/dep_graph.h"

using namespace fencedep;

namespace {

class DepGraphTest : public ::testing::Test {
protected:
  void SetUp() override { ASSERT_TRUE(g->init(1024, 1u << 14)); }

  DepGraph::AddResult add(ClassId from, ClassId to, bool src_read = false,
                          bool dst_read = false, std::vector<ClassId> gates = {},
                          EdgeId *out = nullptr) {
    EdgeOccurrence occ{from, to, EdgeKind::Acquire, src_read, dst_read,
                       gates.data(), uint32_t(gates.size()), nullptr, 0,
                       7, 99, 0x1234, 0};
    EdgeId e = kNoEdge;
    DepGraph::AddResult r = g->add(occ, &e);
    if (out)
      *out = e;
    return r;
  }
  // Adds and searches, as the engine does for new edges.
  bool add_and_search(ClassId from, ClassId to, Cycle *c, bool src_read = false,
                      bool dst_read = false, std::vector<ClassId> gates = {}) {
    EdgeId e;
    DepGraph::AddResult r = add(from, to, src_read, dst_read, gates, &e);
    EXPECT_TRUE(r == DepGraph::AddResult::New || r == DepGraph::AddResult::NewType);
    return g->find_cycle(e, c);
  }
  // Checks that the cycle is a closed walk starting with edge from->to.
  void expect_closed(const Cycle &c, ClassId from, ClassId to) {
    ASSERT_GE(c.size, 2u);
    EXPECT_EQ(g->edge(c.edges[0]).from, from);
    EXPECT_EQ(g->edge(c.edges[0]).to, to);
    for (uint32_t i = 0; i + 1 < c.size; ++i)
      EXPECT_EQ(g->edge(c.edges[i]).to, g->edge(c.edges[i + 1]).from) << "edge " << i;
    EXPECT_EQ(g->edge(c.edges[c.size - 1]).to, from);
  }

  std::unique_ptr<DepGraph> g{new DepGraph};
};

TEST_F(DepGraphTest, AddRecordsEdgeMetadata) {
  EdgeId e;
  ClassId gate = 9;
  ASSERT_EQ(add(1, 2, false, false, {gate}, &e), DepGraph::AddResult::New);
  EXPECT_EQ(g->size(), 1u);
  EXPECT_EQ(g->find_edge(1, 2), e);
  EXPECT_EQ(g->find_edge(2, 1), kNoEdge);
  const EdgeInfo &ei = g->edge(e);
  EXPECT_EQ(ei.from, 1u);
  EXPECT_EQ(ei.to, 2u);
  EXPECT_EQ(ei.kind, EdgeKind::Acquire);
  EXPECT_EQ(ei.types.load(), kDepNN);
  EXPECT_EQ(ei.tid, 7u);
  EXPECT_EQ(ei.pid, 99u);
  EXPECT_EQ(ei.from_pc, 0x1234u);
  ASSERT_EQ(ei.ngates.load(), 1u);
  EXPECT_EQ(ei.gates[0], gate);
  EXPECT_EQ(g->first_out(1), e);
  EXPECT_EQ(g->first_out(2), kNoEdge);
  g->set_stack(e, 77);
  EXPECT_EQ(g->edge(e).stack, 77u);
}

TEST_F(DepGraphTest, KnownEdgeFastPathAndNewTypes) {
  EdgeId e1, e2;
  EXPECT_EQ(add(1, 2, false, false, {}, &e1), DepGraph::AddResult::New);
  EXPECT_EQ(add(1, 2, false, false, {}, &e2), DepGraph::AddResult::Known);
  EXPECT_EQ(e1, e2);
  EXPECT_EQ(g->size(), 1u);
  // Another dependency type on the same class pair is news (new search).
  EXPECT_EQ(add(1, 2, true, false, {}, &e2), DepGraph::AddResult::NewType);
  EXPECT_EQ(e1, e2);
  EXPECT_EQ(add(1, 2, true, false), DepGraph::AddResult::Known);
  EXPECT_EQ(add(1, 2, false, true), DepGraph::AddResult::NewType);
  EXPECT_EQ(add(1, 2, true, true), DepGraph::AddResult::NewType);
  EXPECT_EQ(g->edge(e1).types.load(), kDepNN | kDepRN | kDepNR | kDepRR);
  EXPECT_EQ(g->size(), 1u);
}

TEST_F(DepGraphTest, OutListsHoldEveryEdge) {
  add(1, 2);
  add(1, 3);
  add(1, 4);
  add(2, 3);
  std::vector<ClassId> tos;
  for (EdgeId e = g->first_out(1); e != kNoEdge; e = g->edge(e).next_out.load())
    tos.push_back(g->edge(e).to);
  std::sort(tos.begin(), tos.end());
  EXPECT_EQ(tos, (std::vector<ClassId>{2, 3, 4}));
}

TEST_F(DepGraphTest, FullGraphDropsAndCounts) {
  DepGraph small;
  ASSERT_TRUE(small.init(16, 4)); // edge ids 1..3
  EdgeId e;
  unsigned added = 0;
  for (ClassId i = 1; i < 8; ++i) {
    EdgeOccurrence occ{i, ClassId(i + 1), EdgeKind::Acquire, false, false, nullptr, 0,
                       nullptr, 0, 1, 1, 0, 0};
    added += small.add(occ, &e) == DepGraph::AddResult::New;
  }
  EXPECT_EQ(added, 3u);
  EXPECT_EQ(small.dropped(), 4u);
  // Class ids beyond the graph's class capacity are dropped, not written.
  EdgeOccurrence big{1, 5000, EdgeKind::Acquire, false, false, nullptr, 0,
                     nullptr, 0, 1, 1, 0, 0};
  DepGraph g2;
  ASSERT_TRUE(g2.init(16, 64));
  EXPECT_EQ(g2.add(big, &e), DepGraph::AddResult::Full);
}

TEST_F(DepGraphTest, TwoEdgeCycle) {
  Cycle c;
  EXPECT_FALSE(add_and_search(1, 2, &c));
  ASSERT_TRUE(add_and_search(2, 1, &c));
  EXPECT_EQ(c.size, 2u);
  EXPECT_FALSE(c.truncated);
  expect_closed(c, 2, 1);
}

TEST_F(DepGraphTest, SelfEdgeIsNotAClassCycle) {
  Cycle c;
  EXPECT_FALSE(add_and_search(3, 3, &c));
}

TEST_F(DepGraphTest, ShortestCycleThroughTheNewEdge) {
  // Two ways back from 2 to 1: 2->10->11->12->13->1 and 2->20->1; plus an
  // unrelated cycle 30<->31 that must not show up.
  Cycle c;
  for (auto [a, b] : std::vector<std::pair<ClassId, ClassId>>{
           {2, 10}, {10, 11}, {11, 12}, {12, 13}, {13, 1}, {30, 31}, {31, 30}, {2, 30}})
    add(a, b);
  add(20, 1);
  add(2, 20);
  ASSERT_TRUE(add_and_search(1, 2, &c));
  expect_closed(c, 1, 2);
  ASSERT_EQ(c.size, 3u);
  EXPECT_EQ(g->edge(c.edges[1]).to, 20u);
}

TEST_F(DepGraphTest, NoCycleOnRandomDag) {
  DepGraph dag;
  ASSERT_TRUE(dag.init(512, 1u << 14));
  // Edges only go from lower to higher rank under a random ranking.
  std::mt19937 rng(12345);
  std::vector<ClassId> rank(400);
  std::iota(rank.begin(), rank.end(), 1);
  std::shuffle(rank.begin(), rank.end(), rng);
  std::uniform_int_distribution<uint32_t> pick(0, 399);
  unsigned added = 0;
  for (int i = 0; i < 5000; ++i) {
    uint32_t a = pick(rng), b = pick(rng);
    if (a == b)
      continue;
    if (a > b)
      std::swap(a, b);
    EdgeOccurrence occ{rank[a], rank[b], EdgeKind::Acquire, false, false, nullptr, 0,
                       nullptr, 0, 1, 1, 0, 0};
    EdgeId e;
    if (dag.add(occ, &e) != DepGraph::AddResult::New)
      continue;
    ++added;
    Cycle c;
    ASSERT_FALSE(dag.find_cycle(e, &c)) << "false cycle at edge " << i;
  }
  EXPECT_GT(added, 3000u);
  // One back edge against the ranking closes a cycle.
  EdgeId back;
  EdgeOccurrence occ{rank[399], rank[0], EdgeKind::Acquire, false, false, nullptr, 0,
                     nullptr, 0, 1, 1, 0, 0};
  ASSERT_EQ(dag.add(occ, &back), DepGraph::AddResult::New);
  Cycle c;
  bool reachable = false;
  // rank[0] reaches rank[399] in a dense random DAG almost surely; check
  // that the search agrees with a plain reachability walk.
  {
    std::vector<char> seen(512, 0);
    std::vector<ClassId> stack{rank[0]};
    seen[rank[0]] = 1;
    while (!stack.empty()) {
      ClassId x = stack.back();
      stack.pop_back();
      if (x == rank[399])
        reachable = true;
      for (EdgeId e = dag.first_out(x); e != kNoEdge; e = dag.edge(e).next_out.load())
        if (e != back && !seen[dag.edge(e).to]) {
          seen[dag.edge(e).to] = 1;
          stack.push_back(dag.edge(e).to);
        }
    }
  }
  EXPECT_EQ(dag.find_cycle(back, &c), reachable);
  EXPECT_TRUE(reachable);
}

// Lockdep's strong-path rule (Documentation/locking/lockdep-design.rst): a
// path that enters a lock by a recursive read may not leave it from a read
// hold, since two readers do not exclude each other.
TEST_F(DepGraphTest, ReadReadCycleIsNotStrong) {
  Cycle c;
  // T1: read A, read B.  T2: read B, read A.
  EXPECT_FALSE(add_and_search(1, 2, &c, true, true));
  EXPECT_FALSE(add_and_search(2, 1, &c, true, true));
}

TEST_F(DepGraphTest, ReadReadCycleWithAWriterIsStrong) {
  Cycle c;
  // T1: read A, read B.  T2: write B, write A: T2 waits for T1's read of A
  // while T1 waits for T2's write of B.
  EXPECT_FALSE(add_and_search(1, 2, &c, true, true));
  ASSERT_TRUE(add_and_search(2, 1, &c, false, false));
  expect_closed(c, 2, 1);
}

TEST_F(DepGraphTest, WriteHeldRecursiveReadersAreStrong) {
  Cycle c;
  // T1: write A, read B.  T2: write B, read A: each reader waits for the
  // other's writer.
  EXPECT_FALSE(add_and_search(1, 2, &c, false, true));
  ASSERT_TRUE(add_and_search(2, 1, &c, false, true));
  expect_closed(c, 2, 1);
}

TEST_F(DepGraphTest, ReadEnteredThenReadHeldIsWeak) {
  Cycle c;
  // T1: write A, read B (B entered by read).  T2: read B, read A (leaves B
  // from a read hold). T2's read of B does not wait for T1's: no deadlock.
  EXPECT_FALSE(add_and_search(1, 2, &c, false, true));
  EXPECT_FALSE(add_and_search(2, 1, &c, true, true));
}

TEST_F(DepGraphTest, WeakPathDoesNotHideAStrongAlternative) {
  Cycle c;
  // 1 -(RR)-> 2 -(RN)-> 3 -(NN)-> 1 is weak at 2; 1 -(NN)-> 4 -(NN)-> 3 is
  // a strong way round. The new edge 3->1 must find the strong one.
  add(1, 2, true, true);
  add(2, 3, true, false);
  add(1, 4);
  add(4, 2);
  // 4 -(NN)-> 2 enters 2 by write, so 2 -(RN)-> 3 may leave it: strong.
  ASSERT_TRUE(add_and_search(3, 1, &c));
  expect_closed(c, 3, 1);
  ASSERT_EQ(c.size, 4u);
  EXPECT_EQ(g->edge(c.edges[1]).to, 4u);
}

TEST_F(DepGraphTest, NewTypeOnKnownEdgeCanCloseACycle) {
  Cycle c;
  EXPECT_FALSE(add_and_search(1, 2, &c, true, true));
  EXPECT_FALSE(add_and_search(2, 1, &c, true, true));
  // The same pair, now write-held: a new dependency type, a strong cycle.
  ASSERT_TRUE(add_and_search(2, 1, &c, false, false));
  expect_closed(c, 2, 1);
}

TEST_F(DepGraphTest, GateLockDetected) {
  Cycle c;
  const ClassId G = 50;
  add(1, 2, false, false, {G});
  ASSERT_TRUE(add_and_search(2, 1, &c, false, false, {G}));
  EXPECT_EQ(g->common_gate(c), G);
}

TEST_F(DepGraphTest, GateMustCoverEveryEdge) {
  Cycle c;
  add(1, 2, false, false, {50});
  add(2, 3, false, false, {50, 51});
  ASSERT_TRUE(add_and_search(3, 1, &c, false, false, {51}));
  EXPECT_EQ(g->common_gate(c), kNoClass);
}

TEST_F(DepGraphTest, AnyCommonGateIsReported) {
  Cycle c;
  add(5, 6, false, false, {7, 8});
  ASSERT_TRUE(add_and_search(6, 5, &c, false, false, {8, 7}));
  ClassId gate = g->common_gate(c);
  EXPECT_TRUE(gate == 7 || gate == 8) << gate;
}

TEST_F(DepGraphTest, GateOnTheCycleItselfIsNoGate) {
  Cycle c;
  // Class 2 is listed as a gate of every edge but is a node of the cycle.
  add(1, 2, false, false, {2});
  ASSERT_TRUE(add_and_search(2, 1, &c, false, false, {2}));
  EXPECT_EQ(g->common_gate(c), kNoClass);
}

TEST_F(DepGraphTest, GatesIntersectOnReoccurrence) {
  EdgeId e;
  add(1, 2, false, false, {50, 51, 52}, &e);
  EXPECT_EQ(g->edge(e).ngates.load(), 3u);
  // Seen again with only 51 and 52 held: 50 is no gate any more.
  EXPECT_EQ(add(1, 2, false, false, {52, 51}), DepGraph::AddResult::GatesNarrowed);
  ASSERT_EQ(g->edge(e).ngates.load(), 2u);
  std::vector<ClassId> gs(g->edge(e).gates, g->edge(e).gates + 2);
  std::sort(gs.begin(), gs.end());
  EXPECT_EQ(gs, (std::vector<ClassId>{51, 52}));
  // Without 51: only 52 is left; then nothing.
  add(1, 2, false, false, {52, 60});
  ASSERT_EQ(g->edge(e).ngates.load(), 1u);
  EXPECT_EQ(g->edge(e).gates[0], 52u);
  add(1, 2);
  EXPECT_EQ(g->edge(e).ngates.load(), 0u);
  // Once gone a gate never comes back.
  add(1, 2, false, false, {52});
  EXPECT_EQ(g->edge(e).ngates.load(), 0u);

  Cycle c;
  add(2, 1, false, false, {52});
  EdgeId back = g->find_edge(2, 1);
  ASSERT_TRUE(g->find_cycle(back, &c));
  EXPECT_EQ(g->common_gate(c), kNoClass);
}

TEST_F(DepGraphTest, GateLimitKeepsAtMostMaxGates) {
  EdgeId e;
  add(1, 2, false, false, {10, 11, 12, 13, 14, 15}, &e);
  EXPECT_EQ(g->edge(e).ngates.load(), kMaxGates);
}

// A cycle longer than kMaxCycle edges is still a deadlock. The chain handed
// to the report must stay a connected walk from the new edge onwards (it may
// be cut short), never skip edges in the middle.
TEST_F(DepGraphTest, LongCycleChainStaysContiguous) {
  const ClassId n = 40;
  for (ClassId i = 1; i < n; ++i)
    add(i, i + 1);
  Cycle c;
  ASSERT_TRUE(add_and_search(n, 1, &c));
  ASSERT_LE(c.size, kMaxCycle);
  ASSERT_GE(c.size, 2u);
  EXPECT_TRUE(c.truncated);
  EXPECT_EQ(c.size, kMaxCycle);
  EXPECT_EQ(g->edge(c.edges[0]).from, n);
  for (uint32_t i = 0; i + 1 < c.size; ++i)
    EXPECT_EQ(g->edge(c.edges[i]).to, g->edge(c.edges[i + 1]).from)
        << "chain broken after edge " << i;
}

TEST_F(DepGraphTest, CycleOfExactlyMaxLengthIsComplete) {
  const ClassId n = kMaxCycle;
  for (ClassId i = 1; i < n; ++i)
    add(i, i + 1);
  Cycle c;
  ASSERT_TRUE(add_and_search(n, 1, &c));
  ASSERT_EQ(c.size, kMaxCycle);
  EXPECT_FALSE(c.truncated);
  expect_closed(c, n, 1);
}

TEST_F(DepGraphTest, RepeatedSearchesStayCorrect) {
  // Epoch-based visited marks: many searches in a row must not leak state.
  add(1, 2);
  add(2, 3);
  EdgeId e;
  add(3, 1, false, false, {}, &e);
  for (int i = 0; i < 10000; ++i) {
    Cycle c;
    ASSERT_TRUE(g->find_cycle(e, &c));
    ASSERT_EQ(c.size, 3u);
  }
  EdgeId d;
  add(4, 5, false, false, {}, &d);
  Cycle c;
  EXPECT_FALSE(g->find_cycle(d, &c));
}

} // namespace
