// `fencedep analyze TRACE...`: reads native traces, kernel trace text and
// RAPID STD files into the same engine the runtime runs, merged into one
// class graph; searches the finished graph once (strong components, then
// the shortest cycle of each); prints the reports with the same printer.
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>

#include "commands.h"
#include "fencedep/core/report_printer.h"
#include "offline_cli.h"

namespace fencedep::cli {

namespace {

struct AnalyzeOptions {
  OfflineOptions in;
  std::string json_path;
};

int analyze(const AnalyzeOptions &o) {
  offline::Analysis a(analysis_options(o.in));
  std::string err;
  if (!a.init(&err)) {
    std::cerr << "fencedep: " << err << "\n";
    return kExitToolError;
  }
  Suppressions supp;
  if (int status = run_offline(o.in, a, &supp); status >= 0)
    return status;

  StringPool pool;
  std::vector<RenderedReport> reports = render_reports(a, o.in, supp, pool);
  std::string json_out;
  {
    FdWriter out(2);
    for (RenderedReport &r : reports) {
      ReportView v = r.report.view();
      print_report_text(v, out);
      if (!o.json_path.empty()) {
        StringWriter line;
        print_report_json(v, line);
        json_out += line.s + "\n";
      }
    }
  }
  if (!o.json_path.empty()) {
    if (o.json_path == "-") {
      std::cout << json_out << std::flush;
    } else {
      std::ofstream jf(o.json_path);
      jf << json_out;
      if (!jf) {
        std::cerr << "fencedep: " << o.json_path << ": cannot write\n";
        return kExitToolError;
      }
    }
  }
  print_summary(a, reports.size());
  return offline_exit_status(a, reports.size());
}

} // namespace

void register_analyze(CLI::App &app) {
  auto o = std::make_shared<AnalyzeOptions>();
  CLI::App *sub = app.add_subcommand(
      "analyze", "Analyze traces offline (native, kernel trace text, RAPID STD), merged into "
                 "one graph");
  add_offline_options(*sub, o->in);
  sub->add_option("--json", o->json_path,
                  "Also write the reports as JSON lines to FILE ('-': standard output)");
  set_action(*sub, [o] { return analyze(*o); });
}

} // namespace fencedep::cli
