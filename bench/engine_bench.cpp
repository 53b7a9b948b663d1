// Micro-benchmarks of the core engine (Google Benchmark):
//  - the hook-path cost of a known-edge acquire/release pair, against a
//    baseline loop doing the same held-set bookkeeping without the engine;
//  - the same with more distinct edges than the per-thread edge cache holds,
//    so that every acquire probes the shared edge table;
//  - the cycle search for a new edge on a random graph of 1e5 classes and
//    1e6 edges, both when no cycle exists (full reachable-set walk) and when
//    one does.
// After the runs it prints the ratios the overhead target is about.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "fencedep/core/dep_graph.h"
#include "fencedep/core/engine.h"

using namespace fencedep;

namespace {

struct EngineSetup {
  std::unique_ptr<Engine> engine{new Engine};
  std::unique_ptr<ThreadState> t{new ThreadState()};
  NoStack st;
  std::vector<ClassId> classes;

  explicit EngineSetup(unsigned nclasses) {
    EngineOptions o;
    o.max_classes = 1u << 16;
    o.max_edges = 1u << 18;
    if (!engine->init(o)) {
      std::fprintf(stderr, "engine_bench: engine init failed\n");
      std::abort();
    }
    t->reset(1);
    for (unsigned i = 0; i < nclasses; ++i) {
      std::string n = "bench-lock-" + std::to_string(i);
      classes.push_back(engine->classes().get_or_create(
          class_key_for_name(ClassKind::Mutex, n.c_str()), ClassKind::Mutex, n.c_str(),
          SiteRef{}));
    }
  }
  static uint64_t inst(unsigned i) { return 0x7f0000001000ull + i * 0x40; }
};

// Baseline: what any interposer must do per lock/unlock without the model:
// append a held entry and pop it again, recording the same fields.
void BM_BaselineHeldBookkeeping(benchmark::State &state) {
  std::unique_ptr<ThreadState> t(new ThreadState());
  t->reset(1);
  // An outer lock stays held, as in the engine benchmark.
  t->held[0] = HeldEntry{1, 0x1000, 0x400000, nullptr, 0, HeldRole::Lock, false, false, 0};
  t->nheld = 1;
  uint64_t pc = 0x401000;
  for (auto _ : state) {
    HeldEntry &e = t->held[t->nheld++];
    e = HeldEntry{2, 0x2000, pc, nullptr, 0, HeldRole::Lock, false, false, 0};
    benchmark::DoNotOptimize(e);
    benchmark::ClobberMemory();
    if (t->held[t->nheld - 1].instance == 0x2000)
      --t->nheld;
    benchmark::DoNotOptimize(t->nheld);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BaselineHeldBookkeeping);

// Engine: outer lock A held; acquire and release B each iteration. The edge
// A -> B is known after the first iteration.
void BM_KnownEdgeAcquireRelease(benchmark::State &state) {
  EngineSetup s(2);
  Engine &e = *s.engine;
  ThreadState &t = *s.t;
  e.acquire(t, s.classes[0], EngineSetup::inst(0), false, false, 0x400000, s.st);
  e.acquire(t, s.classes[1], EngineSetup::inst(1), false, false, 0x401000, s.st);
  e.release(t, EngineSetup::inst(1));
  for (auto _ : state) {
    e.acquire(t, s.classes[1], EngineSetup::inst(1), false, false, 0x401000, s.st);
    e.release(t, EngineSetup::inst(1));
  }
  if (e.graph().size() != 1 || e.has_pending())
    state.SkipWithError("unexpected engine state");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KnownEdgeAcquireRelease);

// As above, rotating over 256 inner locks: more known edges than the
// per-thread edge cache holds, so each acquire probes the shared table.
void BM_KnownEdgeAcquireReleaseManyEdges(benchmark::State &state) {
  const unsigned n = 256;
  EngineSetup s(n + 1);
  Engine &e = *s.engine;
  ThreadState &t = *s.t;
  e.acquire(t, s.classes[0], EngineSetup::inst(0), false, false, 0x400000, s.st);
  for (unsigned i = 1; i <= n; ++i) {
    e.acquire(t, s.classes[i], EngineSetup::inst(i), false, false, 0x401000, s.st);
    e.release(t, EngineSetup::inst(i));
  }
  unsigned i = 1;
  for (auto _ : state) {
    e.acquire(t, s.classes[i], EngineSetup::inst(i), false, false, 0x401000, s.st);
    e.release(t, EngineSetup::inst(i));
    i = i == n ? 1 : i + 1;
  }
  if (e.graph().size() != n || e.has_pending())
    state.SkipWithError("unexpected engine state");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KnownEdgeAcquireReleaseManyEdges);

// One engine shared by the benchmark threads below; classes A, B for plain
// nesting, G, C, D for nesting under an outer "gate" lock G.
Engine &shared_engine() {
  static EngineSetup *s = new EngineSetup(5);
  return *s->engine;
}

// Known edge from several threads at once, each with its own private
// locks (same classes): does the hook path scale?
void BM_KnownEdgeThreads(benchmark::State &state) {
  Engine &e = shared_engine();
  std::unique_ptr<ThreadState> t(new ThreadState());
  t->reset(uint32_t(state.thread_index() + 1));
  NoStack st;
  ClassId a = e.classes().find(class_key_for_name(ClassKind::Mutex, "bench-lock-0"));
  ClassId b = e.classes().find(class_key_for_name(ClassKind::Mutex, "bench-lock-1"));
  uint64_t base = 0x100000ull * uint64_t(state.thread_index() + 1);
  e.acquire(*t, a, base + 1, false, false, 0x400000, st);
  for (auto _ : state) {
    e.acquire(*t, b, base + 2, false, false, 0x401000, st);
    e.release(*t, base + 2);
  }
  e.release(*t, base + 1);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KnownEdgeThreads)->Threads(1)->Threads(2)->UseRealTime();

// The same under an outer lock G held at every occurrence: the edge C -> D
// keeps G as its gate, so it never takes the gate-free fast path.
void BM_KnownGatedEdgeThreads(benchmark::State &state) {
  Engine &e = shared_engine();
  std::unique_ptr<ThreadState> t(new ThreadState());
  t->reset(uint32_t(state.thread_index() + 1));
  NoStack st;
  ClassId g = e.classes().find(class_key_for_name(ClassKind::Mutex, "bench-lock-2"));
  ClassId c = e.classes().find(class_key_for_name(ClassKind::Mutex, "bench-lock-3"));
  ClassId d = e.classes().find(class_key_for_name(ClassKind::Mutex, "bench-lock-4"));
  uint64_t base = 0x100000ull * uint64_t(state.thread_index() + 1);
  e.acquire(*t, g, base + 3, false, false, 0x400000, st);
  e.acquire(*t, c, base + 4, false, false, 0x400010, st);
  for (auto _ : state) {
    e.acquire(*t, d, base + 5, false, false, 0x401000, st);
    e.release(*t, base + 5);
  }
  e.release(*t, base + 4);
  e.release(*t, base + 3);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KnownGatedEdgeThreads)->Threads(1)->Threads(2)->UseRealTime();

// A random DAG over 1e5 classes with 1e6 edges (edges go up a random
// ranking, so there is no cycle); the second instance adds one back edge,
// which closes cycles.
struct RandomGraph {
  static constexpr uint32_t kClasses = 100000;
  static constexpr uint32_t kEdges = 1000000;
  std::unique_ptr<DepGraph> g{new DepGraph};
  std::vector<EdgeId> dag_edges;
  EdgeId back = kNoEdge;
  bool ok = false;

  explicit RandomGraph(bool with_back_edge) {
    if (!g->init(kClasses + 1, 1u << 21))
      return;
    std::mt19937_64 rng(0xfe11cede);
    std::vector<ClassId> rank(kClasses);
    std::iota(rank.begin(), rank.end(), 1);
    std::shuffle(rank.begin(), rank.end(), rng);
    std::uniform_int_distribution<uint32_t> pick(0, kClasses - 1);
    dag_edges.reserve(kEdges);
    while (dag_edges.size() < kEdges) {
      uint32_t a = pick(rng), b = pick(rng);
      if (a == b)
        continue;
      if (a > b)
        std::swap(a, b);
      EdgeOccurrence occ{rank[a], rank[b], EdgeKind::Acquire, false, false, nullptr, 0,
                         nullptr, 0, 1, 1, 0, 0};
      EdgeId e;
      if (g->add(occ, &e) == DepGraph::AddResult::New)
        dag_edges.push_back(e);
    }
    if (!with_back_edge) {
      ok = true;
      return;
    }
    // Back edge from a high-ranked class to a low-ranked one.
    EdgeOccurrence occ{rank[kClasses - 10], rank[10], EdgeKind::Acquire, false, false,
                       nullptr, 0, nullptr, 0, 1, 1, 0, 0};
    ok = g->add(occ, &back) == DepGraph::AddResult::New;
  }
  static RandomGraph &dag() {
    static RandomGraph *rg = new RandomGraph(false);
    return *rg;
  }
  static RandomGraph &cyclic() {
    static RandomGraph *rg = new RandomGraph(true);
    return *rg;
  }
};

// No cycle through the searched edge: the BFS walks everything reachable
// from its destination. Edges from low-ranked classes reach the most.
void BM_CycleSearchNoCycle(benchmark::State &state) {
  RandomGraph &rg = RandomGraph::dag();
  if (!rg.ok) {
    state.SkipWithError("graph setup failed");
    return;
  }
  std::mt19937 rng(7);
  std::uniform_int_distribution<size_t> pick(0, rg.dag_edges.size() - 1);
  for (auto _ : state) {
    Cycle c;
    if (rg.g->find_cycle(rg.dag_edges[pick(rng)], &c)) {
      state.SkipWithError("cycle found in a DAG");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CycleSearchNoCycle)->Unit(benchmark::kMicrosecond);

// The back edge closes a cycle: the BFS stops at the shortest one.
void BM_CycleSearchCycle(benchmark::State &state) {
  RandomGraph &rg = RandomGraph::cyclic();
  if (!rg.ok) {
    state.SkipWithError("graph setup failed");
    return;
  }
  uint32_t len = 0;
  for (auto _ : state) {
    Cycle c;
    if (!rg.g->find_cycle(rg.back, &c)) {
      state.SkipWithError("no cycle found through the back edge");
      break;
    }
    len = c.size;
  }
  state.counters["cycle_len"] = len;
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CycleSearchCycle)->Unit(benchmark::kMicrosecond);

// Collects per-iteration real times (ns) by benchmark name, for the ratios.
class RatioReporter : public benchmark::ConsoleReporter {
public:
  explicit RatioReporter(OutputOptions o) : ConsoleReporter(o) {}
  void ReportRuns(const std::vector<Run> &runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run &r : runs) {
      if (r.run_type != Run::RT_Iteration || r.error_occurred || r.iterations == 0)
        continue;
      ns[r.benchmark_name()] = r.real_accumulated_time / double(r.iterations) * 1e9;
    }
  }
  std::map<std::string, double> ns;
};

void print_ratio(const RatioReporter &rep, const char *what, const char *a, const char *b,
                 const char *unit) {
  auto ia = rep.ns.find(a), ib = rep.ns.find(b);
  if (ia == rep.ns.end() || ib == rep.ns.end() || ib->second <= 0)
    return;
  std::printf("  %-58s %10.2f%s\n", what, ia->second / ib->second, unit);
}

} // namespace

int main(int argc, char **argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  // Colours only on a terminal (the default reporter decides this itself;
  // a custom one is handed its options).
  RatioReporter rep(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular
                                          : benchmark::ConsoleReporter::OO_Tabular);
  benchmark::RunSpecifiedBenchmarks(&rep);
  benchmark::Shutdown();

  std::printf("\nratios (per-iteration real time):\n");
  print_ratio(rep, "known-edge acquire/release pair vs baseline bookkeeping",
              "BM_KnownEdgeAcquireRelease", "BM_BaselineHeldBookkeeping", "x");
  print_ratio(rep, "known edge, shared-table probe vs baseline bookkeeping",
              "BM_KnownEdgeAcquireReleaseManyEdges", "BM_BaselineHeldBookkeeping", "x");
  print_ratio(rep, "shared-table probe vs per-thread edge cache hit",
              "BM_KnownEdgeAcquireReleaseManyEdges", "BM_KnownEdgeAcquireRelease", "x");
  print_ratio(rep, "gated known edge vs plain known edge, 1 thread",
              "BM_KnownGatedEdgeThreads/real_time/threads:1", "BM_KnownEdgeThreads/real_time/threads:1",
              "x");
  print_ratio(rep, "gated known edge vs plain known edge, 2 threads",
              "BM_KnownGatedEdgeThreads/real_time/threads:2", "BM_KnownEdgeThreads/real_time/threads:2",
              "x");
  print_ratio(rep, "cycle search, no cycle (1e5 classes, 1e6 edges) in known pairs",
              "BM_CycleSearchNoCycle", "BM_KnownEdgeAcquireRelease", " pairs");
  print_ratio(rep, "cycle search, cycle found (1e5 classes, 1e6 edges) in known pairs",
              "BM_CycleSearchCycle", "BM_KnownEdgeAcquireRelease", " pairs");
  return 0;
}
