// `fencedep analyze TRACE...`: replays native traces into the same engine
// the runtime runs, merging several traces (and processes) into one class
// graph, and prints the reports with the same printer.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "commands.h"
#include "fencedep/core/engine.h"
#include "fencedep/core/report_builder.h"
#include "fencedep/core/report_printer.h"
#include "fencedep/core/suppressions.h"
#include "fencedep/core/trace_replay.h"
#include "report_json.h"
#include "symbolizer.h"

namespace fencedep::cli {

namespace {

struct AnalyzeOptions {
  std::vector<std::string> traces;
  std::string json_path;
  std::string suppressions_path;
  bool report_gated = false;
  bool no_symbolize = false;
};

// Exit statuses of `analyze` (documented in README).
constexpr int kExitClean = 0;
constexpr int kExitPartial = 1; // clean, but some input was cut short or corrupt
constexpr int kExitReport = 66;

// Maps a pc of a traced process to module + offset through the trace's
// module map; file and line come later from the CLI symbolizer.
class TraceModuleSymbolizer final : public fencedep::Symbolizer {
public:
  TraceModuleSymbolizer(const TraceReplayer &r, StringPool &pool) : replayer_(r), pool_(pool) {}
  uint32_t pid = 0;
  void symbolize(uint64_t pc, bool, FrameView *out) override {
    out->pc = pc;
    if (const ReplayModule *m = replayer_.module_for(pid, pc)) {
      out->module = pool_.intern(m->path);
      out->offset = pc - m->base;
    }
  }

private:
  const TraceReplayer &replayer_;
  StringPool &pool_;
};

bool read_file(const std::string &path, std::vector<uint8_t> *out, std::string *err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *err = "cannot open: " + std::string(std::strerror(errno));
    return false;
  }
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

int analyze(const AnalyzeOptions &o) {
  Engine engine;
  EngineOptions eo;
  eo.report_gated = o.report_gated;
  if (!engine.init(eo)) {
    std::cerr << "fencedep: cannot reserve memory for the analysis tables\n";
    return kExitToolError;
  }
  Suppressions supp;
  if (!o.suppressions_path.empty()) {
    std::vector<uint8_t> text;
    std::string err;
    char msg[256];
    if (!read_file(o.suppressions_path, &text, &err)) {
      std::cerr << "fencedep: " << o.suppressions_path << ": " << err << "\n";
      return kExitToolError;
    }
    if (!supp.parse(reinterpret_cast<const char *>(text.data()), text.size(), msg, sizeof msg)) {
      std::cerr << "fencedep: " << o.suppressions_path << ": " << msg << "\n";
      return kExitToolError;
    }
  }

  TraceReplayer replayer(engine);
  std::vector<const char *> names;
  for (const std::string &t : o.traces)
    names.push_back(t.c_str());
  uint64_t events = 0;
  unsigned read_ok = 0;
  bool partial = false;
  for (size_t i = 0; i < o.traces.size(); ++i) {
    std::vector<uint8_t> data;
    std::string err;
    if (!read_file(o.traces[i], &data, &err)) {
      std::cerr << "fencedep: " << o.traces[i] << ": " << err << "\n";
      partial = true;
      continue;
    }
    ReplayStats st = replayer.replay(data.data(), data.size(), uint32_t(i + 1));
    events += st.events;
    if (st.partial) {
      partial = true;
      std::cerr << "fencedep: " << o.traces[i] << ": " << st.error << "; analysis is partial ("
                << st.bytes_unread << " of " << data.size() << " bytes not read)\n";
    } else if (!st.error.empty()) {
      partial = true;
      std::cerr << "fencedep: " << o.traces[i] << ": " << st.error << "; " << st.bad_records
                << (st.bad_records == 1 ? " chunk" : " chunks") << " affected\n";
    }
    if (st.chunks || !st.partial)
      ++read_ok;
  }
  if (read_ok == 0) {
    std::cerr << "fencedep: no usable trace\n";
    return kExitToolError;
  }

  StringPool pool;
  TraceModuleSymbolizer modsym(replayer, pool);
  fencedep::cli::Symbolizer sym(pool);
  static ReportScratch scratch;
  PendingReport p;
  unsigned printed = 0;
  std::string json_out;
  while (engine.pop_report(&p)) {
    modsym.pid = p.pid;
    ReportView view;
    build_report_view(engine, p, modsym, scratch, &view, names.data(), uint32_t(names.size()));
    // Round-trip through the report schema: one path from here on for
    // symbolization and printing, shared with `fencedep run`.
    StringWriter js;
    print_report_json(view, js);
    OwnedReport owned;
    std::string err;
    if (!parse_report(js.s, pool, &owned, &err)) {
      std::cerr << "fencedep: internal error: " << err << "\n";
      continue;
    }
    if (!o.no_symbolize)
      sym.report(owned);
    ReportView final_view = owned.view();
    if (supp.matches(final_view))
      continue;
    ++printed;
    FdWriter out(2);
    print_report_text(final_view, out);
    if (!o.json_path.empty()) {
      StringWriter line;
      print_report_json(final_view, line);
      json_out += line.s + "\n";
    }
  }
  if (!o.json_path.empty()) {
    std::ofstream jf(o.json_path);
    jf << json_out;
  }
  EngineStats s = engine.stats();
  std::cerr << "fencedep: analyzed " << o.traces.size()
            << (o.traces.size() == 1 ? " trace: " : " traces: ") << events << " events, "
            << engine.classes().size() - 3 << " classes, " << engine.graph().size() << " edges, "
            << printed << (printed == 1 ? " report" : " reports")
            << (s.gated_hidden ? ", " + std::to_string(s.gated_hidden) + " gated cycles hidden"
                               : "")
            << (partial ? " (partial input)" : "") << "\n";
  if (printed)
    return kExitReport;
  return partial ? kExitPartial : kExitClean;
}

} // namespace

void register_analyze(CLI::App &app) {
  auto o = std::make_shared<AnalyzeOptions>();
  CLI::App *sub = app.add_subcommand(
      "analyze",
      "Analyze native traces (FENCEDEP_OPTIONS=trace=FILE) offline, merged into one graph");
  sub->add_option("traces", o->traces, "Trace files")->required()->check(CLI::ExistingFile);
  sub->add_option("--json", o->json_path, "Also write the reports as JSON lines to FILE");
  sub->add_option("--suppressions", o->suppressions_path, "Suppressions file");
  sub->add_flag("--report-gated", o->report_gated, "Also report cycles hidden by a gate lock");
  sub->add_flag("--no-symbolize", o->no_symbolize, "Print module+offset frames only");
  set_action(*sub, [o] { return analyze(*o); });
}

} // namespace fencedep::cli
