// FENCEDEP_OPTIONS, sanitizer style: key=value pairs separated by ':'.
#pragma once
#include <cstdint>

namespace fencedep::runtime {

struct Options {
  int exitcode = 66;
  const char *json_path = nullptr;
  const char *log_path = nullptr;
  const char *trace_path = nullptr;
  const char *suppressions_path = nullptr;
  bool class_per_instance = false; // class=instance
  // How far up the creating call's stack a class key reaches: -1 (auto)
  // sees through init wrappers (creation_sites.h), N a fixed N callers.
  int class_depth = -1;
  // Print class-level cycles that no instance ordering closes.
  bool report_predicted = true;
  // Apply the built-in suppressions (builtin_suppressions.cpp).
  bool builtin_suppressions = true;
  // Text reports printed per process; the rest go to the JSON only and are
  // counted at exit (0: no limit).
  uint64_t max_reports = 10;
  int verbosity = 0;
  bool report_gated = false;
  bool print_stats = false;
  bool symbolize = true;             // file:line via llvm-symbolizer
  const char *symbolizer_path = nullptr;
  // Key creation sites in modules with debug info by their source chain
  // (inlined copies of one call are one class: source_sites.h).
  bool source_sites = true;
  // Live hangs: a watchdog reports threads blocked longer than this many
  // seconds (0: no watchdog). Its reports go to hang_log_path ("stderr" or a
  // file) when set, else wherever log_path sends reports.
  double hang_timeout = 0;
  const char *hang_log_path = nullptr;
  // Where sender and receiver of fds passed over unix sockets meet, so that
  // a syncobj or sync_file keeps its class in the receiving process.
  const char *fd_registry = nullptr;
};

// Parses `text` into `out`; complaints go to stderr naming the option.
// Storage for strings lives in a static buffer (no malloc).
void parse_options(const char *text, Options *out);

} // namespace fencedep::runtime
