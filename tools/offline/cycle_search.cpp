#include "cycle_search.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/hawick_circuits.hpp>
#include <boost/graph/strong_components.hpp>

#include <algorithm>
#include <chrono>
#include <utility>

namespace fencedep::offline {

namespace {

bool src_read_of(uint8_t type) { return type & (kDepRN | kDepRR); }
bool dst_read_of(uint8_t type) { return type & (kDepNR | kDepRR); }

// The class graph as arrays: out-edges of each class, sorted by source.
struct ClassGraph {
  uint32_t nclasses = 0;
  std::vector<uint32_t> out_start; // nclasses + 1
  std::vector<EdgeId> out_edge;
  std::vector<ClassId> edge_to;    // by EdgeId
  std::vector<uint8_t> edge_types; // by EdgeId
};

ClassGraph build_graph(const Engine &engine) {
  const DepGraph &g = const_cast<Engine &>(engine).graph();
  ClassGraph cg;
  cg.nclasses = const_cast<Engine &>(engine).classes().size();
  uint32_t m = g.size();
  cg.out_start.assign(cg.nclasses + 1, 0);
  cg.edge_to.assign(m + 1, kNoClass);
  cg.edge_types.assign(m + 1, 0);
  for (EdgeId e = 1; e <= m; ++e) {
    const EdgeInfo &ei = g.edge(e);
    // Same-class nesting is judged per instance by the engine, not here.
    if (ei.from == ei.to || ei.from >= cg.nclasses || ei.to >= cg.nclasses)
      continue;
    cg.edge_to[e] = ei.to;
    cg.edge_types[e] = ei.types.load(std::memory_order_relaxed);
    ++cg.out_start[ei.from + 1];
  }
  for (uint32_t c = 0; c < cg.nclasses; ++c)
    cg.out_start[c + 1] += cg.out_start[c];
  cg.out_edge.resize(cg.out_start[cg.nclasses]);
  std::vector<uint32_t> fill(cg.out_start.begin(), cg.out_start.end() - 1);
  for (EdgeId e = 1; e <= m; ++e)
    if (cg.edge_to[e] != kNoClass)
      cg.out_edge[fill[g.edge(e).from]++] = e;
  return cg;
}

// Tarjan's strong components through Boost.Graph, over a CSR copy.
std::vector<uint32_t> strong_components_of(const ClassGraph &cg, const DepGraph &g) {
  using Csr = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property,
                                                 boost::no_property, boost::no_property,
                                                 uint32_t, uint32_t>;
  std::vector<std::pair<uint32_t, uint32_t>> edges;
  edges.reserve(cg.out_edge.size());
  for (uint32_t c = 0; c < cg.nclasses; ++c)
    for (uint32_t i = cg.out_start[c]; i < cg.out_start[c + 1]; ++i)
      edges.emplace_back(c, cg.edge_to[cg.out_edge[i]]);
  Csr csr(boost::edges_are_sorted, edges.begin(), edges.end(), cg.nclasses);
  std::vector<uint32_t> comp(cg.nclasses);
  boost::strong_components(
      csr, boost::make_iterator_property_map(comp.begin(), boost::get(boost::vertex_index, csr)));
  return comp;
}

// Shortest strong cycle through one edge, restricted to one component: a BFS
// from the edge's destination back to its source over (class, entered by
// read) states, the same rule as the engine's online search.
class Bfs {
public:
  Bfs(const ClassGraph &cg, const std::vector<uint32_t> &comp)
      : cg_(cg), comp_(comp), epoch_of_(size_t(cg.nclasses) * 2, 0),
        parent_edge_(size_t(cg.nclasses) * 2), parent_state_(size_t(cg.nclasses) * 2),
        depth_(size_t(cg.nclasses) * 2) {}

  // Path edges after `start` (not including it) into *path; `limit` bounds
  // the cycle length. Adds the edges it looks at to *work.
  bool run(const DepGraph &g, EdgeId start, uint8_t type, uint32_t limit,
           std::vector<EdgeId> *path, uint64_t *work) {
    const EdgeInfo &s = g.edge(start);
    uint32_t component = comp_[s.from];
    bool start_src_read = src_read_of(type);
    if (++epoch_ == 0) {
      std::fill(epoch_of_.begin(), epoch_of_.end(), 0);
      epoch_ = 1;
    }
    auto state = [](ClassId c, bool read) { return (uint32_t(c) << 1) | (read ? 1u : 0u); };
    queue_.clear();
    uint32_t s0 = state(s.to, dst_read_of(type));
    epoch_of_[s0] = epoch_;
    depth_[s0] = 1;
    queue_.push_back(s0);
    for (size_t head = 0; head < queue_.size(); ++head) {
      uint32_t cur = queue_[head];
      // A cycle through `cur` has at least depth_ + 1 edges.
      if (depth_[cur] + 1 > limit)
        return false;
      ClassId c = cur >> 1;
      bool entered_read = cur & 1;
      for (uint32_t i = cg_.out_start[c]; i < cg_.out_start[c + 1]; ++i) {
        EdgeId id = cg_.out_edge[i];
        ClassId to = cg_.edge_to[id];
        ++*work;
        if (comp_[to] != component)
          continue;
        uint8_t et = cg_.edge_types[id];
        for (int dr = 0; dr < 2; ++dr) {
          uint8_t allowed = entered_read ? (dr ? kDepNR : kDepNN)
                                         : (dr ? (kDepNR | kDepRR) : (kDepNN | kDepRN));
          if (!(et & allowed))
            continue;
          if (to == s.from) {
            if (dr && start_src_read)
              continue;
            path->clear();
            path->push_back(id);
            for (uint32_t st = cur; st != s0; st = parent_state_[st])
              path->push_back(parent_edge_[st]);
            std::reverse(path->begin(), path->end());
            return true;
          }
          uint32_t ns = state(to, dr);
          if (epoch_of_[ns] == epoch_)
            continue;
          epoch_of_[ns] = epoch_;
          parent_edge_[ns] = id;
          parent_state_[ns] = cur;
          depth_[ns] = depth_[cur] + 1;
          queue_.push_back(ns);
        }
      }
    }
    return false;
  }

private:
  const ClassGraph &cg_;
  const std::vector<uint32_t> &comp_;
  std::vector<uint32_t> epoch_of_;
  std::vector<EdgeId> parent_edge_;
  std::vector<uint32_t> parent_state_;
  std::vector<uint32_t> depth_;
  std::vector<uint32_t> queue_;
  uint32_t epoch_ = 0;
};

// A cycle as the engine reports it: its newest edge (the one whose first
// occurrence closed it) first; longer than a report holds: the beginning.
Cycle make_cycle(const std::vector<EdgeId> &edges) {
  Cycle c;
  size_t n = edges.size();
  size_t newest = size_t(std::max_element(edges.begin(), edges.end()) - edges.begin());
  c.size = uint32_t(std::min<size_t>(n, kMaxCycle));
  c.truncated = n > kMaxCycle;
  for (uint32_t i = 0; i < c.size; ++i)
    c.edges[i] = edges[(newest + i) % n];
  return c;
}

struct StopEnumeration {};

// Hawick's circuits of one small component, each checked and queued.
class CircuitVisitor {
public:
  CircuitVisitor(Engine &engine, const std::vector<ClassId> &local_to_class, uint64_t limit,
                 uint32_t max_queued, CycleSearchStats &st, std::vector<Cycle> *queued)
      : engine_(engine), classes_(local_to_class), limit_(limit), max_queued_(max_queued),
        st_(st), queued_(queued) {}

  template <typename Path, typename Graph> void cycle(const Path &p, const Graph &) {
    if (++st_.enumerated > limit_ || st_.cycles_queued >= max_queued_)
      throw StopEnumeration{};
    if (p.size() < 2)
      return;
    DepGraph &g = engine_.graph();
    edges_.clear();
    for (size_t i = 0; i < p.size(); ++i) {
      EdgeId e = g.find_edge(classes_[p[i]], classes_[p[(i + 1) % p.size()]]);
      if (e == kNoEdge)
        return;
      edges_.push_back(e);
    }
    bool awaits_only = true;
    for (EdgeId e : edges_)
      awaits_only &= g.edge(e).kind == EdgeKind::Await;
    if (awaits_only || !is_strong_cycle(g, edges_.data(), uint32_t(edges_.size())))
      return;
    Cycle c = make_cycle(edges_);
    if (engine_.report_cycle(c)) {
      ++st_.cycles_queued;
      if (queued_)
        queued_->push_back(c);
      if (after_queue_)
        after_queue_();
    }
  }

private:
  Engine &engine_;
  const std::vector<ClassId> &classes_;
  uint64_t limit_;
  uint32_t max_queued_;
  CycleSearchStats &st_;
  std::vector<Cycle> *queued_;
  std::vector<EdgeId> edges_;

public:
  std::function<void()> after_queue_;
};

void enumerate_component(Engine &engine, const ClassGraph &cg, const std::vector<uint32_t> &comp,
                         const std::vector<ClassId> &members, const CycleSearchOptions &o,
                         CycleSearchStats &st, std::vector<Cycle> *queued) {
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  Graph g(members.size());
  std::vector<uint32_t> local(cg.nclasses, 0);
  for (uint32_t i = 0; i < members.size(); ++i)
    local[members[i]] = i;
  uint32_t component = comp[members[0]];
  for (ClassId c : members)
    for (uint32_t i = cg.out_start[c]; i < cg.out_start[c + 1]; ++i) {
      ClassId to = cg.edge_to[cg.out_edge[i]];
      if (comp[to] == component)
        boost::add_edge(local[c], local[to], g);
    }
  // Bounded: enumeration may find many circuits that are not strong.
  uint64_t limit = st.enumerated + uint64_t(o.max_cycles) * 100 + 10000;
  CircuitVisitor v(engine, members, limit, o.max_cycles, st, queued);
  v.after_queue_ = o.after_queue;
  try {
    boost::hawick_unique_circuits(g, v);
  } catch (const StopEnumeration &) {
  }
}

} // namespace

bool is_strong_cycle(const DepGraph &g, const EdgeId *edges, uint32_t n) {
  for (int start = 0; start < 2; ++start) {
    bool can[2] = {start == 0, start == 1}; // entered the current class by read?
    for (uint32_t i = 0; i < n; ++i) {
      uint8_t types = g.edge(edges[i]).types.load(std::memory_order_relaxed);
      bool next[2] = {false, false};
      for (uint8_t t = 1; t <= kDepRR; t <<= 1) {
        if (!(types & t))
          continue;
        for (int er = 0; er < 2; ++er)
          if (can[er] && !(er && src_read_of(t)))
            next[dst_read_of(t) ? 1 : 0] = true;
      }
      can[0] = next[0];
      can[1] = next[1];
    }
    if (can[start])
      return true;
  }
  return false;
}

CycleSearchStats search_cycles(Engine &engine, const CycleSearchOptions &o,
                               std::vector<Cycle> *queued) {
  auto t0 = std::chrono::steady_clock::now();
  CycleSearchStats st;
  DepGraph &g = engine.graph();
  ClassGraph cg = build_graph(engine);
  std::vector<uint32_t> comp = strong_components_of(cg, g);

  // Members of each non-trivial component.
  std::vector<uint32_t> size(cg.nclasses, 0);
  for (uint32_t c = 1; c < cg.nclasses; ++c)
    ++size[comp[c]];
  std::vector<std::vector<ClassId>> members;
  std::vector<int32_t> index(cg.nclasses, -1);
  for (uint32_t c = 1; c < cg.nclasses; ++c) {
    if (size[comp[c]] < 2)
      continue;
    if (index[comp[c]] < 0) {
      index[comp[c]] = int32_t(members.size());
      members.emplace_back();
    }
    members[size_t(index[comp[c]])].push_back(c);
  }
  st.components = members.size();

  Bfs bfs(cg, comp);
  std::vector<EdgeId> candidates, path, best;
  uint64_t work = 0;
  for (const std::vector<ClassId> &m : members) {
    st.largest_component = std::max<uint64_t>(st.largest_component, m.size());
    uint32_t component = comp[m[0]];
    candidates.clear();
    // A cycle of awaits alone is fence timelines waiting on each other's
    // earlier fences, which is how GPU work flows; only a cycle of fence
    // instances (the engine's await-cycle report) deadlocks. So every
    // reported cycle goes through an edge of another kind: start there.
    for (ClassId c : m)
      for (uint32_t i = cg.out_start[c]; i < cg.out_start[c + 1]; ++i)
        if (comp[cg.edge_to[cg.out_edge[i]]] == component &&
            g.edge(cg.out_edge[i]).kind != EdgeKind::Await)
          candidates.push_back(cg.out_edge[i]);
    std::sort(candidates.rbegin(), candidates.rend()); // newest first
    bool large = candidates.size() > o.exhaustive_edges;
    best.clear();
    Cycle gated_cycle;
    bool have_gated = false;
    for (size_t k = 0; k < candidates.size(); ++k) {
      EdgeId e = candidates[k];
      if (!best.empty() && best.size() == 2)
        break; // nothing is shorter
      if (large && k >= o.large_starts && (!best.empty() || have_gated))
        break; // found one; searching on would cost a BFS per edge
      if (work > o.work_budget) {
        st.budget_exhausted = true;
        break;
      }
      uint8_t types = cg.edge_types[e];
      for (uint8_t t = 1; t <= kDepRR; t <<= 1) {
        if (!(types & t))
          continue;
        uint32_t limit = best.empty() ? ~0u : uint32_t(best.size() - 1);
        if (!bfs.run(g, e, t, limit, &path, &work))
          continue;
        path.insert(path.begin(), e);
        Cycle c = make_cycle(path);
        if (g.common_gate(c) != kNoClass) {
          if (!have_gated) {
            gated_cycle = c;
            have_gated = true;
          }
          continue;
        }
        best = path;
      }
    }
    if (best.empty() && !have_gated)
      continue; // read-lock cycles only: not a deadlock
    // A component whose shortest cycles are all gated still goes to the
    // engine: it counts them, or reports them with report_gated.
    Cycle c = best.empty() ? gated_cycle : make_cycle(best);
    if (best.empty())
      ++st.gated;
    if (engine.report_cycle(c)) {
      ++st.cycles_queued;
      if (queued)
        queued->push_back(c);
      if (o.after_queue)
        o.after_queue();
    }
    if (!o.all_cycles || st.cycles_queued >= o.max_cycles)
      continue;
    if (m.size() > o.enumerate_max_classes) {
      ++st.too_large_to_enumerate;
      continue;
    }
    enumerate_component(engine, cg, comp, m, o, st, queued);
  }
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return st;
}

} // namespace fencedep::offline
