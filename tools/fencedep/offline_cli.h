// What `analyze` and `graph` share: the input options, reading the inputs
// into one analysis with messages on stderr, turning its reports into
// symbolized, suppression-filtered reports, the summary line, and the exit
// statuses (documented in README):
//   0  clean;  1  clean, but some input was cut short, damaged, out of order,
//   lost events or had bad lines;  2  an input missing or unreadable, no
//   usable input, a bad option, or --strict hit a bad line;  66  a potential
//   deadlock was reported.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "analysis.h"
#include "fencedep/core/suppressions.h"
#include "report_json.h"

namespace CLI {
class App;
}

namespace fencedep::cli {

inline constexpr int kExitClean = 0;
inline constexpr int kExitPartial = 1;
inline constexpr int kExitReport = 66;

struct OfflineOptions {
  std::vector<std::string> traces;
  std::string format = "auto";
  std::string suppressions_path;
  bool strict = false;
  bool report_gated = false;
  bool all_cycles = false;
  unsigned max_cycles = 100;
  bool no_symbolize = false;
  bool progress = false;    // force progress even off a terminal
  bool no_progress = false;
};

void add_offline_options(CLI::App &sub, OfflineOptions &o);
// The analysis settings those options ask for.
offline::AnalysisOptions analysis_options(const OfflineOptions &o);

// Reads every input and searches the graph. Returns -1 to go on, or the exit
// status to stop with (messages already printed).
int run_offline(const OfflineOptions &o, offline::Analysis &a, Suppressions *supp);

struct RenderedReport {
  OwnedReport report;
  const PendingReport *pending;
};
// The analysis' reports, symbolized and filtered through the suppressions.
std::vector<RenderedReport> render_reports(offline::Analysis &a, const OfflineOptions &o,
                                           const Suppressions &supp, StringPool &pool);

// "fencedep: analyzed 2 traces (ftrace, native): ..." on stderr.
void print_summary(offline::Analysis &a, size_t reports);

// The exit status once reports are known.
int offline_exit_status(offline::Analysis &a, size_t reports);

} // namespace fencedep::cli
