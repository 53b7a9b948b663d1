#include "offline_cli.h"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>

#include "commands.h"
#include "fencedep/core/report_printer.h"
#include "symbolizer.h"

namespace fencedep::cli {

void add_offline_options(CLI::App &sub, OfflineOptions &o) {
  // Missing inputs are the analysis' to report (one line each, exit 2), not
  // the option parser's.
  sub.add_option("traces", o.traces,
                 "Trace files: native (FENCEDEP_OPTIONS=trace=FILE), trace-cmd's trace.dat, "
                 "kernel trace text (tracefs trace/trace_pipe, trace-cmd report [-l], perf "
                 "script; plain or gzip/xz/zstd-compressed) or RAPID STD")
      ->required();
  sub.add_option("--format", o.format, "Input format of every trace (default: detected per file)")
      ->check(CLI::IsMember({"auto", "native", "ftrace", "trace-cmd", "perf", "std", "trace.dat"}));
  sub.add_option("--suppressions", o.suppressions_path, "Suppressions file");
  sub.add_flag("--strict", o.strict, "A bad line is fatal (exit 2) instead of skipped and counted");
  sub.add_flag("--report-gated", o.report_gated, "Also report cycles hidden by a gate lock");
  sub.add_flag("--all-cycles", o.all_cycles,
               "Enumerate further elementary cycles of small components, not only the "
               "shortest per component");
  sub.add_option("--max", o.max_cycles, "With --all-cycles: report at most N cycles")
      ->check(CLI::Range(1u, 1000000u));
  sub.add_flag("--no-symbolize", o.no_symbolize, "Print module+offset frames only");
  sub.add_flag("--progress", o.progress, "Show progress even when stderr is not a terminal");
  sub.add_flag("--no-progress", o.no_progress, "Never show progress");
}

// True when every input is a native trace: the runtime recorded the
// instances and threads of every event, so cycles can be judged as the
// runtime judges them (docs/model.md, section 3).
static bool all_native(const std::vector<std::string> &paths) {
  if (paths.empty())
    return false;
  for (const std::string &p : paths) {
    std::ifstream in(p, std::ios::binary);
    char head[64] = {};
    in.read(head, sizeof head);
    if (detect_trace_format(head, size_t(in.gcount())) != TraceFormat::Native)
      return false;
  }
  return true;
}

offline::AnalysisOptions analysis_options(const OfflineOptions &o) {
  offline::AnalysisOptions ao;
  parse_trace_format(o.format, &ao.format);
  ao.instance_rules = all_native(o.traces);
  ao.strict = o.strict;
  ao.report_gated = o.report_gated;
  ao.progress = o.progress || (!o.no_progress && isatty(2));
  ao.search.all_cycles = o.all_cycles;
  ao.search.max_cycles = o.max_cycles;
  return ao;
}

int run_offline(const OfflineOptions &o, offline::Analysis &a, Suppressions *supp) {
  if (!o.suppressions_path.empty()) {
    std::ifstream in(o.suppressions_path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    char msg[256];
    if (!in.good() && !in.eof()) {
      std::cerr << "fencedep: " << o.suppressions_path << ": cannot read\n";
      return kExitToolError;
    }
    if (!supp->parse(text.data(), text.size(), msg, sizeof msg)) {
      std::cerr << "fencedep: " << o.suppressions_path << ": " << msg << "\n";
      return kExitToolError;
    }
  }
  for (const std::string &t : o.traces) {
    a.read(t);
    const offline::InputSummary &in = a.inputs().back();
    for (const std::string &m : in.messages)
      std::cerr << "fencedep: " << m << "\n";
    if (in.stopped)
      return kExitToolError;
  }
  if (a.usable() == 0) {
    // A missing input has said so in its one line already.
    if (!a.unopenable())
      std::cerr << "fencedep: no usable trace\n";
    return kExitToolError;
  }
  a.search();
  return -1;
}

std::vector<RenderedReport> render_reports(offline::Analysis &a, const OfflineOptions &o,
                                           const Suppressions &supp, StringPool &pool) {
  std::vector<RenderedReport> out;
  std::vector<const char *> names = a.trace_names();
  Symbolizer sym(pool);
  static ReportScratch scratch;
  for (const PendingReport &p : a.reports()) {
    ReportView view;
    build_report_view(a.engine(), p, a.symbolizer(p.pid), scratch, &view, names.data(),
                      uint32_t(names.size()));
    // Round-trip through the report schema: one path from here on for
    // symbolization and printing, shared with `fencedep run`.
    StringWriter js;
    print_report_json(view, js);
    RenderedReport r{OwnedReport{}, &p};
    std::string err;
    if (!parse_report(js.s, pool, &r.report, &err)) {
      std::cerr << "fencedep: internal error: " << err << "\n";
      continue;
    }
    if (!o.no_symbolize)
      sym.report(r.report);
    if (supp.matches(r.report.view()))
      continue;
    out.push_back(std::move(r));
  }
  return out;
}

static std::string plural(uint64_t n, const char *one, const char *many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

void print_summary(offline::Analysis &a, size_t reports) {
  const auto &inputs = a.inputs();
  std::set<std::string> formats;
  for (const offline::InputSummary &in : inputs)
    if (in.usable)
      formats.insert(trace_format_name(in.format));
  std::string fmts;
  for (const std::string &f : formats)
    fmts += (fmts.empty() ? "" : ", ") + f;
  auto skipped = a.skipped();
  uint64_t nskipped = 0;
  std::vector<std::pair<uint64_t, std::string>> kinds;
  for (const auto &[k, v] : skipped) {
    nskipped += v;
    kinds.emplace_back(v, k);
  }
  std::sort(kinds.begin(), kinds.end(), [](const auto &x, const auto &y) {
    return x.first != y.first ? x.first > y.first : x.second < y.second;
  });
  std::string skip;
  if (nskipped) {
    skip = ", " + std::to_string(nskipped) + " skipped (";
    for (size_t i = 0; i < kinds.size() && i < 5; ++i)
      skip += (i ? ", " : "") + kinds[i].second + " " + std::to_string(kinds[i].first);
    if (kinds.size() > 5)
      skip += ", ...";
    skip += ")";
  }
  EngineStats s = a.engine().stats();
  const offline::CycleSearchStats &cs = a.search_stats();
  uint64_t cycles = cs.cycles_queued;
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2f s", a.read_seconds() + cs.seconds);
  std::cerr << "fencedep: analyzed " << inputs.size() << (inputs.size() == 1 ? " trace" : " traces")
            << (fmts.empty() ? "" : " (" + fmts + ")") << ": " << a.events() << " events read"
            << skip
            << (a.bad_lines() ? ", " + plural(a.bad_lines(), "bad line", "bad lines") : "")
            << ", " << plural(a.engine().classes().size() - 3, "class", "classes") << ", "
            << plural(a.engine().graph().size(), "edge", "edges") << ", " << cycles
            << (cycles == 1 ? " cycle, " : " cycles, ") << reports
            << (reports == 1 ? " report" : " reports")
            << (s.gated_hidden ? ", " + std::to_string(s.gated_hidden) + " gated cycles hidden" : "")
            << (cs.budget_exhausted ? ", search budget exhausted" : "") << ", " << secs
            << (a.partial() ? " (partial input)" : "") << "\n";
}

int offline_exit_status(offline::Analysis &a, size_t reports) {
  // A missing input is a wrong command line, whatever the others showed.
  if (a.unopenable())
    return kExitToolError;
  if (reports)
    return kExitReport;
  return a.partial() ? kExitPartial : kExitClean;
}

} // namespace fencedep::cli
