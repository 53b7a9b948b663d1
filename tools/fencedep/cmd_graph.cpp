// `fencedep graph TRACE...`: the same analysis as `analyze`, drawn instead
// of printed: the class graph as DOT with every reported cycle highlighted
// (rendered to SVG by graphviz's `dot` when asked), and a Chrome / Perfetto
// JSON timeline of the inputs with arrows from signals to the waits they end
// and along the cycles.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <fstream>
#include <map>
#include <iostream>

#include "commands.h"
#include "dot_export.h"
#include "fencedep/core/report_printer.h"
#include "offline_cli.h"
#include "process.h"
#include "symbolizer.h"
#include "timeline.h"

namespace fencedep::cli {

namespace {

struct GraphOptions {
  OfflineOptions in;
  std::string dot_path;
  std::string svg_path;
  std::string timeline_path;
  bool cycles_only = false;
};

// Display names of every class, symbolized like report frames; two
// classes never get the same name (module offset, then key, as in reports).
std::vector<std::string> class_names(offline::Analysis &a, bool symbolize, StringPool &pool) {
  Engine &e = a.engine();
  uint32_t n = e.classes().size();
  std::vector<std::string> names(n);
  std::vector<ClassView> views(n);
  Symbolizer sym(pool);
  // Symbolizing every site of a huge graph would take long; beyond this the
  // names stay module+offset.
  bool lookup = symbolize && n < 20000;
  char buf[512];
  std::map<std::string, std::vector<ClassId>> by_name;
  for (ClassId c = 1; c < n; ++c) {
    ClassView &v = views[c];
    build_class_view(e, c, a.symbolizer(0), &v);
    if (lookup && v.site.module && (v.flags & kClassStatic))
      sym.data(v.site);
    else if (lookup && v.site.module)
      sym.frame(v.site, !(v.flags & kClassEntry));
    names[c] = class_display_name(v, buf, sizeof buf);
    by_name[names[c]].push_back(c);
  }
  for (auto &[name, ids] : by_name) {
    if (ids.size() < 2)
      continue;
    std::vector<ClassView *> same;
    for (ClassId c : ids)
      same.push_back(&views[c]);
    qualify_class_names(same.data(), uint32_t(same.size()));
    for (ClassId c : ids)
      names[c] = class_display_name(views[c], buf, sizeof buf);
  }
  return names;
}

// What each report's cycle is in graph edges.
std::vector<offline::DotCycle> report_cycles(Engine &e, const std::vector<RenderedReport> &rs) {
  std::vector<offline::DotCycle> out;
  for (const RenderedReport &r : rs) {
    const PendingReport &p = *r.pending;
    offline::DotCycle c;
    c.title = "cycle " + std::to_string(out.size() + 1) + " (" + report_kind_name(p.kind) + ")";
    if (p.inst_len) {
      for (uint32_t i = 0; i < p.inst_len; ++i) {
        EdgeId id = e.graph().find_edge(p.inst_class[i], p.inst_class[(i + 1) % p.inst_len]);
        if (id != kNoEdge)
          c.edges.push_back(id);
      }
    } else if (p.kind != ReportKind::LrViolation) {
      for (uint32_t i = 0; i < p.cycle.size; ++i)
        c.edges.push_back(p.cycle.edges[i]);
    }
    if (!c.edges.empty())
      out.push_back(std::move(c));
  }
  return out;
}

int render_svg(const std::string &dot_file, const std::string &svg_path) {
  std::string dot;
  if (resolve_command("dot", &dot) != 0) {
    std::cerr << "fencedep: --svg needs graphviz's 'dot' in PATH (Debian: apt-get install "
                 "graphviz); the DOT graph is in "
              << dot_file << "\n";
    return kExitToolError;
  }
  ChildExit x = spawn_and_wait(dot, {"dot", "-Tsvg", "-o", svg_path, dot_file}, {});
  if (x.exec_errno || x.status != 0) {
    std::cerr << "fencedep: dot -Tsvg failed (status " << x.status << ")\n";
    return kExitToolError;
  }
  return 0;
}

int graph(const GraphOptions &o) {
  offline::Analysis a(analysis_options(o.in));
  std::string err;
  if (!a.init(&err)) {
    std::cerr << "fencedep: " << err << "\n";
    return kExitToolError;
  }
  offline::TimelineRecorder timeline;
  if (!o.timeline_path.empty())
    a.set_observer(&timeline);
  Suppressions supp;
  if (int status = run_offline(o.in, a, &supp); status >= 0)
    return status;

  StringPool pool;
  std::vector<RenderedReport> reports = render_reports(a, o.in, supp, pool);
  std::vector<offline::DotCycle> cycles = report_cycles(a.engine(), reports);
  std::vector<std::string> names = class_names(a, !o.in.no_symbolize, pool);

  std::string dot_path = o.dot_path;
  bool temp_dot = false;
  if (dot_path.empty() && !o.svg_path.empty()) {
    dot_path = o.svg_path + ".dot";
    temp_dot = true;
  }
  if (dot_path.empty() && o.timeline_path.empty())
    dot_path = "-";
  if (!dot_path.empty()) {
    offline::DotOptions dopts;
    dopts.cycles_only = o.cycles_only;
    if (dot_path == "-") {
      offline::write_dot(a.engine(), cycles, names, dopts, std::cout);
      std::cout.flush();
    } else {
      std::ofstream f(dot_path);
      offline::write_dot(a.engine(), cycles, names, dopts, f);
      if (!f) {
        std::cerr << "fencedep: " << dot_path << ": cannot write\n";
        return kExitToolError;
      }
    }
  }
  if (!o.svg_path.empty()) {
    if (dot_path == "-") {
      std::cerr << "fencedep: --svg needs the DOT graph in a file (--dot FILE)\n";
      return kExitToolError;
    }
    int status = render_svg(dot_path, o.svg_path);
    if (temp_dot && status == 0)
      unlink(dot_path.c_str());
    if (status)
      return status;
  }
  if (!o.timeline_path.empty()) {
    std::vector<offline::TimelineRecorder::Cycle> tc;
    for (const offline::DotCycle &c : cycles)
      tc.push_back({c.title, c.edges});
    std::vector<std::string> traces(o.in.traces.begin(), o.in.traces.end());
    std::ofstream f(o.timeline_path);
    timeline.write_json(f, a.engine(), tc, names, traces);
    if (!f) {
      std::cerr << "fencedep: " << o.timeline_path << ": cannot write\n";
      return kExitToolError;
    }
    if (timeline.truncated())
      std::cerr << "fencedep: timeline truncated at " << timeline.slices() << " slices\n";
  }
  print_summary(a, reports.size());
  return offline_exit_status(a, reports.size());
}

} // namespace

void register_graph(CLI::App &app) {
  auto o = std::make_shared<GraphOptions>();
  CLI::App *sub = app.add_subcommand(
      "graph", "Draw the analysis of traces: the class graph as DOT (or SVG) with the reported "
               "cycles highlighted, and a Chrome/Perfetto JSON timeline");
  add_offline_options(*sub, o->in);
  sub->add_option("--dot", o->dot_path,
                  "Write the class graph as DOT to FILE ('-': standard output, the default "
                  "when no other output is asked for)");
  sub->add_option("--svg", o->svg_path, "Render the class graph to FILE with graphviz's dot");
  sub->add_option("--timeline", o->timeline_path,
                  "Write a Chrome/Perfetto JSON timeline to FILE (opens in ui.perfetto.dev)");
  sub->add_flag("--cycles-only", o->cycles_only,
                "Draw only the classes and edges of reported cycles");
  set_action(*sub, [o] { return graph(*o); });
}

} // namespace fencedep::cli
