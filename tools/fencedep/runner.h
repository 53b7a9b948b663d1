// Runs a command under the runtime and reports what it found: the one code
// path behind `fencedep run` and the runtime examples of `fencedep demo`.
#pragma once
#include <string>
#include <vector>

#include "report_json.h"

namespace CLI {
class App;
}

namespace fencedep::cli {

struct RunOptions {
  std::vector<std::string> command; // program and its arguments
  std::string runtime;              // empty: $FENCEDEP_RUNTIME or ../lib
  int exitcode = 66;                // status when a potential deadlock was reported
  std::string json_out;             // all reports of all processes, a JSON array
  std::string trace;
  std::string suppressions;
  std::string class_mode; // site | instance; empty: the runtime's default
  int verbosity = -1;     // -1: the runtime's default
  bool report_gated = false;
  bool symbolize = true;
  bool force = false; // run a static program anyway
  double hang_timeout = 30; // seconds; 0: no live-hang watchdog
};

// Adds the options above to `sub`, `run`'s and anything else that runs a
// command the same way.
void add_run_options(CLI::App &sub, RunOptions &opts);

struct RunOutcome {
  int status = 0;         // what fencedep exits with
  bool started = false;   // the command ran
  int command_status = 0; // the command's own (128 + signal when killed)
  unsigned suppressed = 0;
  unsigned malformed = 0;
  StringPool pool;
  std::vector<OwnedReport> reports; // as printed: symbolized, unsuppressed
};

// Runs opts.command, prints every report to stderr, writes opts.json_out.
// Status: 127 when the command cannot be executed, kExitToolError when
// fencedep refuses or cannot read the runtime's output, opts.exitcode when
// a potential deadlock was reported, else the command's own.
void run_under_runtime(const RunOptions &opts, RunOutcome *out);

} // namespace fencedep::cli
