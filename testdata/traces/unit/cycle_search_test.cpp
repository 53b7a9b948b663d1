// The offline cycle search over a finished graph: strong components, the
// shortest strong cycle of each, gates, await-only cycles, enumeration.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "cycle_search.h"
#include "fencedep/core/engine_feeder.h"

using namespace fencedep;
using namespace fencedep::offline;

namespace {

class SearchTest : public ::testing::Test {
protected:
  void SetUp() override {
    EngineOptions o;
    o.defer_cycle_search = true;
    o.report_gated = report_gated_;
    ASSERT_TRUE(engine.init(o));
    feeder.begin_trace(1, true);
  }
  ClassId lock(const char *name) {
    return engine.classes().get_or_create(class_key_for_name(ClassKind::Mutex, name),
                                          ClassKind::Mutex, name, SiteRef{});
  }
  void ev(ModelOp op, uint32_t tid, ClassId c, uint64_t inst, bool read = false) {
    ModelEvent e;
    e.op = op;
    e.tid = tid;
    e.cls = c;
    e.inst = inst;
    e.read = read;
    e.pc = 0x1000 + ++n_;
    feeder.event(e);
  }
  // Thread `tid` takes `outer` then `inner` (for read when asked).
  void nest(uint32_t tid, ClassId outer, ClassId inner, bool r1 = false, bool r2 = false) {
    ev(ModelOp::Acquire, tid, outer, outer * 16, r1);
    ev(ModelOp::Acquire, tid, inner, inner * 16, r2);
    ev(ModelOp::Release, tid, inner, inner * 16);
    ev(ModelOp::Release, tid, outer, outer * 16);
  }
  std::vector<PendingReport> search(CycleSearchOptions o = {}) {
    stats = search_cycles(engine, o, &cycles);
    std::vector<PendingReport> out;
    PendingReport p;
    while (engine.pop_report(&p))
      out.push_back(p);
    return out;
  }
  std::vector<ClassId> classes_of(const Cycle &c) {
    std::vector<ClassId> v;
    for (uint32_t i = 0; i < c.size; ++i)
      v.push_back(engine.graph().edge(c.edges[i]).from);
    return v;
  }

  bool report_gated_ = false;
  Engine engine;
  EngineFeeder feeder{engine};
  CycleSearchStats stats;
  std::vector<Cycle> cycles;
  uint64_t n_ = 0;
};

TEST_F(SearchTest, AbbaNewestEdgeFirst) {
  ClassId a = lock("A"), b = lock("B");
  nest(1, a, b);
  nest(2, b, a);
  EXPECT_FALSE(engine.has_pending()); // deferred: nothing found while reading
  auto rs = search();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::LockOrder);
  EXPECT_EQ(rs[0].tid, 2u); // reported by the thread whose edge closed it
  EXPECT_EQ(classes_of(rs[0].cycle), (std::vector<ClassId>{b, a}));
  EXPECT_EQ(rs[0].nheld, 1u);
  EXPECT_EQ(rs[0].held[0].cls, b);
  EXPECT_EQ(stats.components, 1u);
}

TEST_F(SearchTest, ReadReadInversionIsNotADeadlock) {
  ClassId a = lock("A"), b = lock("B");
  nest(1, a, b, true, true);
  nest(2, b, a, true, true);
  EXPECT_TRUE(search().empty());
  EXPECT_EQ(stats.components, 1u); // a component, but no strong cycle in it
}

TEST_F(SearchTest, WriterMakesAReadInversionStrong) {
  ClassId a = lock("A"), b = lock("B");
  nest(1, a, b, false, true); // B entered for read, from a write hold of A
  nest(2, b, a, false, false); // B write-held, then A
  EXPECT_EQ(search().size(), 1u);
}

TEST_F(SearchTest, ShortestCycleOfTheComponent) {
  ClassId a = lock("A"), b = lock("B"), c = lock("C");
  nest(1, a, b);
  nest(1, b, c);
  nest(2, c, a); // a -> b -> c -> a
  nest(3, b, a); // a <-> b, the shortest
  auto rs = search();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].cycle.size, 2u);
}

TEST_F(SearchTest, GatedCycleIsHiddenAndCounted) {
  ClassId g = lock("G"), a = lock("A"), b = lock("B");
  ev(ModelOp::Acquire, 1, g, 1);
  nest(1, a, b);
  ev(ModelOp::Release, 1, g, 1);
  ev(ModelOp::Acquire, 2, g, 1);
  nest(2, b, a);
  ev(ModelOp::Release, 2, g, 1);
  EXPECT_TRUE(search().empty());
  EXPECT_EQ(engine.stats().gated_hidden, 1u);
  // The same inversion once more without the gate is real.
  nest(3, b, a);
  EXPECT_EQ(search().size(), 1u);
}

TEST_F(SearchTest, AwaitsAloneAreNotACycleButWithALockThey) {
  ClassId f = engine.classes().get_or_create(class_key_for_name(ClassKind::Fence, "F"),
                                             ClassKind::Fence, "F", SiteRef{});
  ClassId g = engine.classes().get_or_create(class_key_for_name(ClassKind::Fence, "G"),
                                             ClassKind::Fence, "G", SiteRef{});
  ModelEvent e;
  e.op = ModelOp::Await;
  e.tid = 1;
  e.cls = f, e.inst = 1, e.cls2 = g, e.inst2 = 2;
  feeder.event(e);
  e.cls = g, e.inst = 3, e.cls2 = f, e.inst2 = 4; // other instances: no instance cycle
  feeder.event(e);
  EXPECT_TRUE(search().empty());
  // G signalled under L, and L held while waiting for F: a real cycle
  // through the awaits.
  ClassId l = lock("L");
  ev(ModelOp::Acquire, 2, l, 9);
  ev(ModelOp::Signal, 2, g, 3);
  ev(ModelOp::Release, 2, l, 9);
  ev(ModelOp::Acquire, 3, l, 9);
  ev(ModelOp::WaitBegin, 3, f, 1);
  auto rs = search();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::WaitCycle);
}

TEST_F(SearchTest, EnumerationIsBoundedAndDeduplicated) {
  ClassId a = lock("A"), b = lock("B"), c = lock("C");
  for (auto [x, y] : {std::pair{a, b}, {b, c}, {c, a}, {b, a}, {c, b}, {a, c}})
    nest(uint32_t(x * 10 + y), x, y);
  CycleSearchOptions o;
  o.all_cycles = true;
  o.max_cycles = 10;
  EXPECT_EQ(search(o).size(), 4u); // ab, bc, ac and {a,b,c} once
  EXPECT_GE(stats.enumerated, 5u);
}

TEST_F(SearchTest, LongChainIsSearchedQuickly) {
  const int n = 20000;
  std::vector<ClassId> ids;
  for (int i = 0; i < n; ++i)
    ids.push_back(lock(("chain" + std::to_string(i)).c_str()));
  for (int i = 0; i + 1 < n; ++i)
    nest(uint32_t(i + 1), ids[i], ids[i + 1]);
  nest(999999, ids[n - 1], ids[0]);
  auto t0 = std::chrono::steady_clock::now();
  auto rs = search();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_TRUE(rs[0].cycle.truncated); // longer than a report holds
  EXPECT_EQ(rs[0].cycle.size, kMaxCycle);
  EXPECT_EQ(stats.largest_component, uint64_t(n));
  EXPECT_LT(secs, 2.0);
}

TEST(StrongCycle, ChoosesTypesAroundTheCycle) {
  Engine engine;
  ASSERT_TRUE(engine.init(EngineOptions{}));
  DepGraph &g = engine.graph();
  auto edge = [&](ClassId from, ClassId to, bool sr, bool dr) {
    EdgeOccurrence occ{from, to, EdgeKind::Acquire, sr, dr, nullptr, 0, nullptr, 0, 1, 1, 0, 0};
    EdgeId id;
    g.add(occ, &id);
    return id;
  };
  EdgeId ab = edge(10, 11, false, true); // B entered for read
  EdgeId ba = edge(11, 10, true, false); // ... and left from a read hold
  EdgeId both[] = {ab, ba};
  EXPECT_FALSE(is_strong_cycle(g, both, 2));
  edge(11, 10, false, false); // another type: B left from a write hold
  EXPECT_TRUE(is_strong_cycle(g, both, 2));
}

} // namespace
