#include "runner.h"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "commands.h"
#include "elf_probe.h"
#include "fencedep/core/report_printer.h"
#include "fencedep/core/suppressions.h"
#include "process.h"
#include "runtime_env.h"
#include "symbolizer.h"

namespace fencedep::cli {

void add_run_options(CLI::App &sub, RunOptions &o) {
  sub.add_option("--exitcode", o.exitcode, "Exit status when a potential deadlock was reported")
      ->type_name("N")
      ->capture_default_str();
  sub.add_option("--json", o.json_out,
                 "Write the reports of all processes to FILE as one JSON array")
      ->type_name("FILE");
  sub.add_option("--trace", o.trace, "Record a binary trace to FILE for offline analysis")
      ->type_name("FILE");
  sub.add_option("--suppressions", o.suppressions,
                 "Suppressions file (class:, frame:, report: rules)")
      ->type_name("FILE")
      ->check(CLI::Validator(CLI::ExistingFile).description(""));
  sub.add_option("--class", o.class_mode, "What a lock class is: its init site, or each object")
      ->type_name("MODE")
      ->check(CLI::IsMember({"site", "instance"}));
  sub.add_option("--verbosity", o.verbosity, "Runtime verbosity (0: reports only)")->type_name("N");
  sub.add_flag("--report-gated", o.report_gated,
               "Also report cycles that a common outer lock makes impossible");
  sub.add_flag_function(
      "--no-symbolize", [&o](int64_t) { o.symbolize = false; },
      "Print frames as module+offset (no llvm-symbolizer run by each process)");
  sub.add_option("--runtime", o.runtime,
                 "The runtime library (default: $FENCEDEP_RUNTIME, else ../lib/libfencedep.so "
                 "next to fencedep)")
      ->type_name("PATH");
  sub.add_flag("--force", o.force, "Run a statically linked program anyway, uninstrumented");
  sub.add_option("--hang-timeout", o.hang_timeout,
                 "Print the live wait-for graph (a live-hang report) when threads stay "
                 "stuck longer than SECONDS waiting for each other, or every thread does; "
                 "printed at once, while the command hangs (0: no watchdog)")
      ->capture_default_str()
      ->type_name("SECONDS")
      ->check(CLI::NonNegativeNumber);
}

namespace {

std::string absolute(const std::string &p) {
  std::error_code ec;
  std::filesystem::path a = std::filesystem::absolute(p, ec);
  return ec ? p : a.lexically_normal().string();
}

// A private file for the runtime's JSON lines; every process appends to it.
class TempFile {
public:
  bool create() {
    const char *dir = std::getenv("TMPDIR");
    std::string tmpl = std::string(dir && *dir ? dir : "/tmp") + "/fencedep-XXXXXX.jsonl";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back(0);
    int fd = ::mkstemps(buf.data(), 6);
    if (fd < 0)
      return false;
    ::close(fd);
    path_ = buf.data();
    return true;
  }
  ~TempFile() {
    if (!path_.empty() && !keep_)
      ::unlink(path_.c_str());
  }
  const std::string &path() const { return path_; }
  void keep() { keep_ = true; }

private:
  std::string path_;
  bool keep_ = false;
};

bool read_file(const std::string &path, std::string *out) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

// Checks what can be checked before starting anything. Prints the problem.
bool check_runtime(const std::string &runtime) {
  if (::access(runtime.c_str(), R_OK) != 0) {
    std::fprintf(stderr,
                 "fencedep: runtime library not found: %s\n"
                 "fencedep: build the fencedep_runtime target, or give its path with "
                 "--runtime or FENCEDEP_RUNTIME\n",
                 runtime.c_str());
    return false;
  }
  ElfInfo elf;
  if (!probe_elf(runtime, &elf) || !elf.is_elf || !elf.has_dynamic) {
    std::fprintf(stderr, "fencedep: runtime library '%s' is not a shared library\n",
                 runtime.c_str());
    return false;
  }
  // The dynamic loader splits LD_PRELOAD at both and has no escapes.
  if (runtime.find_first_of(": ") != std::string::npos) {
    std::fprintf(stderr,
                 "fencedep: runtime path '%s' contains ':' or ' ', which LD_PRELOAD cannot "
                 "express\n",
                 runtime.c_str());
    return false;
  }
  return true;
}

// FENCEDEP_OPTIONS values cannot contain the separator.
bool option_value_ok(const char *key, const std::string &v) {
  if (v.find_first_of(std::string(1, kOptionSeparator) + " \t\n") == std::string::npos)
    return true;
  std::fprintf(stderr,
               "fencedep: %s value '%s' contains '%c' or a blank, which FENCEDEP_OPTIONS "
               "cannot express\n",
               key, v.c_str(), kOptionSeparator);
  return false;
}

bool write_json_array(const std::string &path, std::vector<OwnedReport> &reports) {
  StringWriter w;
  w.s = "[";
  for (size_t i = 0; i < reports.size(); ++i) {
    w.s += i ? ",\n" : "\n";
    print_report_json(reports[i].view(), w);
  }
  w.s += reports.empty() ? "]\n" : "\n]\n";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << w.s;
  out.close();
  return bool(out);
}

// Resolves the command and refuses what preloading cannot reach. On failure
// prints why and returns the exit status; 0 when the command can run.
int preflight(const RunOptions &opts, std::string *path) {
  const std::string &cmd = opts.command.front();
  if (int err = resolve_command(cmd, path)) {
    std::fprintf(stderr, "fencedep: cannot execute '%s': %s\n", cmd.c_str(), std::strerror(err));
    return 127;
  }
  ElfInfo elf;
  if (probe_elf(*path, &elf) && is_static_elf(elf)) {
    if (!opts.force) {
      std::fprintf(stderr,
                   "fencedep: '%s' is statically linked; LD_PRELOAD cannot instrument it. "
                   "Rebuild it dynamically linked.\n",
                   cmd.c_str());
      return kExitToolError;
    }
    std::fprintf(stderr,
                 "fencedep: warning: '%s' is statically linked; running it uninstrumented "
                 "(--force)\n",
                 cmd.c_str());
  } else if (elf.is_elf && !elf.is_64) {
    std::fprintf(stderr,
                 "fencedep: warning: '%s' is a 32-bit program; the 64-bit runtime cannot "
                 "instrument it\n",
                 cmd.c_str());
  }
  return 0;
}

// The runtime suppresses what it can by itself; the CLI filters again after
// symbolization, when frame: rules can match source file names.
bool load_suppressions(const std::string &path, std::unique_ptr<Suppressions> *out) {
  if (path.empty())
    return true;
  std::string text;
  if (!read_file(path, &text)) {
    std::fprintf(stderr, "fencedep: cannot read '%s': %s\n", path.c_str(), std::strerror(errno));
    return false;
  }
  auto supp = std::make_unique<Suppressions>();
  char err[256] = "";
  if (!supp->parse(text.data(), text.size(), err, sizeof err)) {
    std::fprintf(stderr, "fencedep: %s: %s\n", path.c_str(), err);
    return false;
  }
  *out = std::move(supp);
  return true;
}

// FENCEDEP_OPTIONS for the command; false, with a message, when a value
// cannot be expressed in it.
bool runtime_options(const RunOptions &opts, const std::string &json, std::string *out) {
  OptionList ours{{"exitcode", std::to_string(opts.exitcode)}, {"json", json}};
  // Each process prints its reports the moment they are found, symbolized
  // by itself, so that a command that then hangs or is killed still shows
  // them; fencedep collects the JSON for --json and the exit status.
  if (!opts.symbolize)
    ours.emplace_back("symbolize", "0");
  if (!opts.suppressions.empty())
    ours.emplace_back("suppressions", absolute(opts.suppressions));
  if (!opts.trace.empty())
    ours.emplace_back("trace", absolute(opts.trace));
  if (!opts.class_mode.empty())
    ours.emplace_back("class", opts.class_mode);
  if (opts.verbosity >= 0)
    ours.emplace_back("verbosity", std::to_string(opts.verbosity));
  if (opts.report_gated)
    ours.emplace_back("report_gated", "1");
  if (opts.hang_timeout > 0) {
    // A hung command may never exit for its reports to be read: the
    // runtime prints live hangs itself, straight to stderr.
    std::ostringstream s;
    s << opts.hang_timeout;
    ours.emplace_back("hang_timeout", s.str());
    ours.emplace_back("hang_log_path", "stderr");
  }
  for (const auto &[k, v] : ours)
    if (!option_value_ok(k.c_str(), v))
      return false;
  const char *user = std::getenv("FENCEDEP_OPTIONS");
  *out = merge_options(user ? user : "", ours);
  return true;
}

// Reads what every process reported, symbolizes, filters and prints it.
// Returns the number of problems reading it.
unsigned collect_reports(const RunOptions &opts, TempFile &json, const Suppressions *supp,
                         RunOutcome *out, size_t *total) {
  std::vector<OwnedReport> all;
  int bad =
      read_report_lines(json.path(), out->pool, &all, [&](unsigned line, const std::string &what) {
        std::fprintf(stderr, "fencedep: %s:%u: malformed report: %s\n", json.path().c_str(), line,
                     what.c_str());
      });
  if (bad < 0) {
    std::fprintf(stderr, "fencedep: cannot read the runtime's reports from '%s'\n",
                 json.path().c_str());
    return 1;
  }
  if (bad > 0)
    json.keep(); // the messages above point into it
  *total = all.size();
  // The processes printed their reports as they found them; here they are
  // only counted (and filtered once more: a frame: rule may name a source
  // file the process could not see).
  for (OwnedReport &r : all) {
    if (supp && supp->matches(r.view())) {
      ++out->suppressed;
      continue;
    }
    out->reports.push_back(std::move(r));
  }
  return unsigned(bad);
}

} // namespace

void run_under_runtime(const RunOptions &opts, RunOutcome *out) {
  std::string path;
  if ((out->status = preflight(opts, &path)) != 0)
    return;
  std::string runtime = locate_runtime(opts.runtime);
  std::unique_ptr<Suppressions> supp;
  TempFile json;
  std::string options;
  out->status = kExitToolError;
  if (!check_runtime(runtime) || !load_suppressions(opts.suppressions, &supp))
    return;
  if (!json.create()) {
    std::fprintf(stderr, "fencedep: cannot create a temporary file: %s\n", std::strerror(errno));
    return;
  }
  if (!runtime_options(opts, json.path(), &options))
    return;
  if (opts.verbosity >= 1) {
    std::fprintf(stderr, "fencedep: LD_PRELOAD=%s FENCEDEP_OPTIONS=%s %s", runtime.c_str(),
                 options.c_str(), path.c_str());
    for (size_t i = 1; i < opts.command.size(); ++i)
      std::fprintf(stderr, " '%s'", opts.command[i].c_str());
    std::fprintf(stderr, "\n");
  }

  const std::string &cmd = opts.command.front();
  std::fflush(stdout);
  ChildExit child = spawn_and_wait(path, opts.command, child_environment(runtime, options));
  if (child.exec_errno) {
    std::fprintf(stderr, "fencedep: cannot execute '%s': %s\n", cmd.c_str(),
                 std::strerror(child.exec_errno));
    out->status = 127;
    return;
  }
  out->started = true;
  out->command_status = child.status;
  if (child.signal)
    std::fprintf(stderr, "fencedep: '%s' was killed by signal %d (%s)\n", cmd.c_str(), child.signal,
                 strsignal(child.signal));

  size_t total = 0;
  unsigned bad = collect_reports(opts, json, supp.get(), out, &total);
  out->malformed = bad;
  if (!opts.json_out.empty() && !write_json_array(opts.json_out, out->reports)) {
    std::fprintf(stderr, "fencedep: cannot write '%s'\n", opts.json_out.c_str());
    ++bad;
  }

  int status = child.status;
  // A run whose every report the CLI suppressed must not fail for the exit
  // status the runtime chose for those reports.
  if (total && out->reports.empty() && status == opts.exitcode)
    status = 0;
  if (!out->reports.empty() && opts.exitcode != 0)
    status = opts.exitcode;
  else if (status == 0 && bad)
    status = kExitToolError;
  out->status = status;
}

} // namespace fencedep::cli
