// Cycle search over the finished class graph, for offline analysis: strong
// components first (Tarjan, Boost.Graph), then per non-trivial component the
// shortest cycle that obeys lockdep's strong-path rule for read locks (BFS
// from each of the component's edges, newest first, bounded by the best
// length so far; only from the newest few in a large component); on request, further elementary cycles of small components
// (Hawick's circuit enumeration, bounded). Found cycles are queued through
// Engine::report_cycle, so they are reported exactly as the runtime reports.
// A class cycle made of fence awaits alone is not reported: timelines await
// each other's earlier fences all the time; only a cycle of fence instances
// (the engine's await-cycle report) is a deadlock.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "fencedep/core/engine.h"

namespace fencedep::offline {

struct CycleSearchOptions {
  bool all_cycles = false;          // enumerate more than one cycle per component
  uint32_t max_cycles = 100;        // ... at most this many in all
  uint32_t enumerate_max_classes = 256; // "small" component, for enumeration
  // Components up to this many edges get a BFS from every edge (the exact
  // shortest cycle); larger ones from their `large_starts` newest edges
  // only, the one nearest to what the runtime finds online.
  uint32_t exhaustive_edges = 2048;
  uint32_t large_starts = 16;
  uint64_t work_budget = 400'000'000;   // edge visits in all BFS runs
  // Called after each queued cycle: the engine's report queue is bounded.
  std::function<void()> after_queue;
};

struct CycleSearchStats {
  uint64_t components = 0;          // non-trivial strong components
  uint64_t largest_component = 0;   // classes
  uint64_t cycles_queued = 0;
  uint64_t gated = 0;               // shortest cycles hidden by a gate lock
  uint64_t enumerated = 0;          // circuits looked at by --all-cycles
  uint64_t too_large_to_enumerate = 0;
  bool budget_exhausted = false;    // some component was not searched fully
  double seconds = 0;
};

// Searches engine's graph (built with defer_cycle_search) and queues the
// cycles it finds; `queued` receives each queued cycle.
CycleSearchStats search_cycles(Engine &engine, const CycleSearchOptions &opts,
                               std::vector<Cycle> *queued);

// Whether a closed walk over these edges (edges[i].to == edges[i+1].from)
// is a strong cycle: some choice of each edge's dependency types never
// enters a class by a read and leaves it from a read hold.
bool is_strong_cycle(const DepGraph &g, const EdgeId *edges, uint32_t n);

} // namespace fencedep::offline
