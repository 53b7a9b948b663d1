#include "dot_export.h"

#include <map>
#include <set>
#include <vector>

namespace fencedep::offline {

namespace {

void dot_string(std::ostream &out, const std::string &s) {
  out << '"';
  for (char c : s) {
    if (c == '"' || c == '\\')
      out << '\\';
    if (c == '\n')
      out << "\\n";
    else
      out << c;
  }
  out << '"';
}

const char *shape(ClassKind k) {
  if (is_lock_kind(k))
    return "box";
  if (is_context_kind(k))
    return "hexagon";
  return "ellipse";
}

// Distinct enough on white, and readable as text.
const char *const kColours[] = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd",
                                "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};

} // namespace

void write_dot(Engine &engine, const std::vector<DotCycle> &cycles,
               const std::vector<std::string> &class_names, const DotOptions &opts,
               std::ostream &out) {
  DepGraph &g = engine.graph();
  std::map<EdgeId, std::vector<size_t>> on_cycle; // edge -> cycles it is on
  std::set<ClassId> cycle_classes;
  for (size_t k = 0; k < cycles.size(); ++k)
    for (EdgeId e : cycles[k].edges) {
      on_cycle[e].push_back(k);
      cycle_classes.insert(g.edge(e).from);
      cycle_classes.insert(g.edge(e).to);
    }
  auto name = [&](ClassId c) {
    return c < class_names.size() && !class_names[c].empty() ? class_names[c]
                                                             : "class " + std::to_string(c);
  };
  out << "digraph fencedep {\n"
      << "  graph [rankdir=LR, fontname=\"Helvetica\", label=";
  dot_string(out, "fencedep class graph: " + std::to_string(cycles.size()) +
                      (cycles.size() == 1 ? " reported cycle" : " reported cycles"));
  out << "];\n  node [fontname=\"Helvetica\", fontsize=10];\n"
      << "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  std::set<ClassId> used;
  for (EdgeId e = 1; e <= g.size(); ++e) {
    const EdgeInfo &ei = g.edge(e);
    if (opts.cycles_only && !on_cycle.count(e))
      continue;
    used.insert(ei.from);
    used.insert(ei.to);
  }
  for (ClassId c : used) {
    const ClassInfo &ci = engine.classes().info(c);
    out << "  c" << c << " [label=";
    dot_string(out, name(c));
    out << ", shape=" << shape(ci.kind);
    if (cycle_classes.count(c))
      out << ", style=filled, fillcolor=\"#ffe0e0\"";
    out << "];\n";
  }
  // Classes that no edge touches (a trace of signals only still shows its
  // timelines): listed apart, so that the graph says what was seen.
  if (!opts.cycles_only) {
    std::vector<ClassId> alone;
    for (ClassId c = 1; c < engine.classes().size(); ++c) {
      const ClassInfo &ci = engine.classes().info(c);
      if (used.count(c) || ci.kind == ClassKind::Reclaim || c == engine.classes().overflow_class())
        continue;
      alone.push_back(c);
    }
    if (!alone.empty()) {
      out << "  subgraph cluster_alone {\n    label=";
      dot_string(out, "classes without edges (" + std::to_string(alone.size()) + ")");
      out << ";\n    style=dashed;\n";
      for (ClassId c : alone) {
        out << "    c" << c << " [label=";
        dot_string(out, name(c));
        out << ", shape=" << shape(engine.classes().info(c).kind) << "];\n";
      }
      out << "  }\n";
    }
  }
  for (EdgeId e = 1; e <= g.size(); ++e) {
    const EdgeInfo &ei = g.edge(e);
    auto cyc = on_cycle.find(e);
    if (opts.cycles_only && cyc == on_cycle.end())
      continue;
    uint8_t t = ei.types.load(std::memory_order_relaxed);
    std::string label = edge_kind_name(ei.kind);
    bool src_read = !(t & (kDepNN | kDepNR)), dst_read = !(t & (kDepNN | kDepRN));
    if (src_read || dst_read)
      label += std::string(src_read ? " R" : " W") + (dst_read ? "R" : "W");
    if (cyc != on_cycle.end()) {
      for (size_t k : cyc->second)
        label += ", " + cycles[k].title;
    }
    out << "  c" << ei.from << " -> c" << ei.to << " [label=";
    dot_string(out, label);
    if (cyc != on_cycle.end()) {
      const char *colour = kColours[cyc->second[0] % (sizeof kColours / sizeof *kColours)];
      out << ", color=\"" << colour << "\", fontcolor=\"" << colour << "\", penwidth=2.5";
    } else if (ei.kind != EdgeKind::Acquire) {
      out << ", style=dashed";
    }
    out << "];\n";
  }
  out << "}\n";
}

} // namespace fencedep::offline
