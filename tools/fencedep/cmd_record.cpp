// `fencedep record [-o FILE] -- CMD ARGS...`: records a kernel trace of CMD
// with trace-cmd, enabling exactly the events `fencedep analyze` uses (those
// this kernel has), with per-CPU buffers large enough that GPU workloads do
// not lose events; the trace.dat it writes is read by `analyze` as is.
// `fencedep record --print` prints the recipe instead, to run by hand.
#include <CLI/CLI.hpp>
#include <sys/stat.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "process.h"

namespace fencedep::cli {

namespace {

// What the kernel reader models (core/src/readers/kernel_fields.cpp): fence
// life, lockdep's lock events, the GPU scheduler, and the drivers' job events.
const char *const kEvents[] = {
    "dma_fence",                    // every dma_fence event
    "gpu_scheduler",                // drm_sched jobs and dependencies
    "lock:lock_acquire",            // lockdep kernels (CONFIG_LOCKDEP) only
    "lock:lock_release",
    "lock:contention_begin",
    "lock:contention_end",
    "amdgpu:amdgpu_cs_ioctl",
    "amdgpu:amdgpu_sched_run_job",
    "i915:i915_request_add",
    "i915:i915_request_in",
    "i915:i915_request_out",
    "i915:i915_request_wait_begin",
    "i915:i915_request_wait_end",
    "xe:xe_sched_job_run",
    "xe:xe_hw_fence_create",
    "xe:xe_hw_fence_signal",
};

// Per-CPU buffer, KiB: a lockdep kernel under a GPU load writes a few MB/s
// per CPU; trace-cmd drains the buffers while recording, so 20 MB absorbs
// the bursts.
constexpr unsigned kBufferKb = 20480;

struct RecordOptions {
  std::string output = "trace.dat";
  std::string tracefs;   // empty: found in /sys/kernel/tracing or debugfs
  std::string trace_cmd = "trace-cmd";
  unsigned buffer_kb = kBufferKb;
  bool print = false;
};

bool exists(const std::string &path) {
  struct stat sb;
  return stat(path.c_str(), &sb) == 0;
}

std::string find_tracefs(const RecordOptions &o) {
  if (!o.tracefs.empty())
    return o.tracefs;
  for (const char *d : {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"})
    if (exists(std::string(d) + "/events"))
      return d;
  return "";
}

// "sys:event" or "sys" as tracefs names it.
std::string event_dir(const std::string &tracefs, const std::string &ev) {
  size_t colon = ev.find(':');
  if (colon == std::string::npos)
    return tracefs + "/events/" + ev;
  return tracefs + "/events/" + ev.substr(0, colon) + "/" + ev.substr(colon + 1);
}

std::vector<std::string> record_args(const RecordOptions &o, const std::vector<std::string> &ev) {
  std::vector<std::string> args = {"trace-cmd", "record", "-b", std::to_string(o.buffer_kb), "-o",
                                   o.output};
  for (const std::string &e : ev) {
    args.push_back("-e");
    args.push_back(e);
  }
  return args;
}

int print_recipe(const RecordOptions &o) {
  std::vector<std::string> all(std::begin(kEvents), std::end(kEvents));
  std::string line;
  for (const std::string &a : record_args(o, all))
    line += (line.empty() ? "" : " ") + a;
  std::cout << "# Record a kernel trace that `fencedep analyze` reads (as root):\n"
            << line << " CMD ARGS...\n"
            << "# or, system-wide while something else runs:\n"
            << line << " sleep 10\n"
            << "fencedep analyze " << o.output << "\n"
            << "# Events this kernel lacks make trace-cmd refuse to start: drop them\n"
               "# (`fencedep record` does so by itself). lock:lock_acquire/release need a\n"
               "# kernel with CONFIG_LOCKDEP; without them only fence and job events are seen.\n"
               "# -b is the per-CPU buffer in KiB: if the report says events were lost, raise it.\n";
  return 0;
}

int record(const RecordOptions &o, const std::vector<std::string> &command) {
  if (o.print)
    return print_recipe(o);
  if (command.empty()) {
    std::fprintf(stderr, "fencedep record: no command given; usage: fencedep record [-o FILE] -- "
                         "CMD ARGS... (or --print for the recipe)\n");
    return kExitToolError;
  }
  std::string tracefs = find_tracefs(o);
  if (tracefs.empty()) {
    std::fprintf(stderr, "fencedep record: tracefs is not mounted (mount -t tracefs nodev "
                         "/sys/kernel/tracing, as root)\n");
    return kExitToolError;
  }
  std::vector<std::string> present, missing;
  for (const char *e : kEvents)
    (exists(event_dir(tracefs, e)) ? present : missing).push_back(e);
  bool have_fences = exists(event_dir(tracefs, "dma_fence"));
  if (!have_fences) {
    std::fprintf(stderr, "fencedep record: %s has no dma_fence events: this kernel cannot trace "
                         "fences\n", tracefs.c_str());
    return kExitToolError;
  }
  std::string skipped;
  for (const std::string &m : missing)
    skipped += " " + m;
  if (!missing.empty())
    std::fprintf(stderr, "fencedep record: not in this kernel, not recorded:%s\n", skipped.c_str());
  if (!exists(event_dir(tracefs, "lock:lock_acquire")))
    std::fprintf(stderr, "fencedep record: no lock_acquire events (a kernel without "
                         "CONFIG_LOCKDEP): locks held around fence waits will not be seen\n");
  std::string path;
  if (int err = resolve_command(o.trace_cmd, &path)) {
    std::fprintf(stderr, "fencedep record: cannot run %s (Debian: apt-get install trace-cmd)\n",
                 o.trace_cmd.c_str());
    return kExitToolError;
  }
  std::vector<std::string> args = record_args(o, present);
  args.insert(args.end(), command.begin(), command.end());
  ChildExit x = spawn_and_wait(path, args, {});
  if (x.exec_errno) {
    std::fprintf(stderr, "fencedep record: cannot run %s\n", path.c_str());
    return kExitToolError;
  }
  if (x.status != 0) {
    std::fprintf(stderr, "fencedep record: trace-cmd record exited with status %d\n", x.status);
    return x.status;
  }
  std::fprintf(stderr, "fencedep record: wrote %s; analyze it with: fencedep analyze %s\n",
               o.output.c_str(), o.output.c_str());
  return 0;
}

} // namespace

void register_record(CLI::App &app) {
  auto o = std::make_shared<RecordOptions>();
  CLI::App *sub = app.add_subcommand(
      "record", "Record a kernel trace of a command with trace-cmd, with the events and buffer "
                "sizes `analyze` needs (--print: show the recipe instead)");
  sub->add_option("-o,--output", o->output, "The trace.dat to write (default: trace.dat)");
  sub->add_option("-b,--buffer-kb", o->buffer_kb, "Per-CPU buffer in KiB")
      ->check(CLI::Range(1024u, 4194304u));
  sub->add_flag("--print", o->print, "Print the trace-cmd recipe and exit");
  sub->add_option("--tracefs", o->tracefs, "The tracefs mount (default: found)");
  sub->add_option("--trace-cmd", o->trace_cmd, "The trace-cmd program (default: from PATH)");
  auto program = std::make_shared<std::string>();
  sub->add_option("command", *program, "The command to record, after --")
      ->type_name("CMD ARGS...");
  sub->prefix_command();
  set_action(*sub, [o, program, sub] {
    std::vector<std::string> command;
    if (!program->empty())
      command.push_back(*program);
    for (const std::string &a : sub->remaining())
      command.push_back(a);
    for (const std::string &a : command_after_dashes())
      command.push_back(a);
    return record(*o, command);
  });
}

} // namespace fencedep::cli
