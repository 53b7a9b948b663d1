#include "runtime.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fencedep/core/report_builder.h"
#include "fencedep/core/report_printer.h"
#include "fencedep/core/writer.h"
#include "builtin_suppressions.h"
#include "external_symbolizer.h"
#include "source_sites.h"
#include "drm_submit.h"
#include "fence_objects.h"
#include "real_functions.h"
#include "stack_capture.h"
#include "trace_writer.h"
#include "unwind/modules.h"
#include "watchdog.h"

namespace fencedep::runtime {

__thread ThreadCtx tls_ctx __attribute__((tls_model("initial-exec")));
// Constructed before the runtime constructor below runs (priorities 101 < 102).
Runtime rt __attribute__((init_priority(101)));

static char exe_path_buf[4096];
const char *exe_path() { return exe_path_buf[0] ? exe_path_buf : nullptr; }

static uint32_t current_tid() { return uint32_t(syscall(SYS_gettid)); }

void init_thread_ctx(ThreadCtx &t) {
  t.state.reset(current_tid());
  t.initialized = true;
}

static int open_output(const char *path, bool append) {
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);
  int fd = open(path, flags, 0644);
  if (fd < 0) {
    FdWriter err(2);
    err.str("fencedep: cannot open '").str(path).str("': ").str(strerror(errno)).ch('\n');
  }
  return fd;
}

static void load_suppressions(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  FdWriter err(2);
  if (fd < 0) {
    err.str("fencedep: cannot open suppressions file '").str(path).str("': ");
    err.str(strerror(errno)).ch('\n');
    return;
  }
  static char text[1 << 16];
  ssize_t n = REAL(read)(fd, text, sizeof text - 1);
  REAL(close)(fd);
  if (n < 0)
    n = 0;
  char msg[256];
  if (!rt.suppressions.parse(text, size_t(n), msg, sizeof msg))
    err.str("fencedep: ").str(path).str(": ").str(msg).ch('\n');
}

static void at_exit_handler() { finish_process(); }

void ensure_initialized() {
  static std::atomic<int> state{0}; // 0 none, 1 running, 2 done
  int expected = 0;
  if (!state.compare_exchange_strong(expected, 1)) {
    return;
  }
  ThreadCtx &t = thread_ctx();
  bool was = t.in_hook;
  t.in_hook = true;
  resolve_real_functions();
  ssize_t n = readlink("/proc/self/exe", exe_path_buf, sizeof exe_path_buf - 1);
  exe_path_buf[n > 0 ? n : 0] = 0;
  init_modules(exe_path_buf);
  const char *slash = strrchr(exe_path_buf, '/');
  rt.program = slash ? slash + 1 : exe_path_buf;
  parse_options(getenv("FENCEDEP_OPTIONS"), &rt.options);
  rt.pid = uint32_t(getpid());
  EngineOptions eo;
  eo.pid = rt.pid;
  eo.report_gated = rt.options.report_gated;
  eo.report_predicted = rt.options.report_predicted;
  bool ok = rt.engine.init(eo) &&
            rt.resolver.init(&rt.engine.classes(), rt.options.class_per_instance,
                              rt.options.class_depth) &&
            fence_objects.init();
  if (!ok) {
    FdWriter err(2);
    err.str("fencedep: cannot reserve memory for the runtime tables; not recording\n");
    t.in_hook = was;
    state.store(2);
    return;
  }
  rt.resolver.set_on_forget([](uint64_t addr) { rt.engine.forget_instance(addr); });
  init_stack_capture();
  if (rt.options.symbolize)
    external_symbolizer_init(rt.options.symbolizer_path);
  source_sites_init(rt.options.symbolizer_path, rt.options.source_sites);
  if (rt.options.log_path)
    rt.log_fd = open_output(rt.options.log_path, true);
  if (rt.options.json_path)
    rt.json_fd = open_output(rt.options.json_path, true);
  if (rt.options.builtin_suppressions) {
    char msg[256];
    rt.suppressions.parse(kBuiltinSuppressions, strlen(kBuiltinSuppressions), msg,
                          sizeof msg);
  }
  if (rt.options.suppressions_path)
    load_suppressions(rt.options.suppressions_path);
  if (rt.options.trace_path)
    trace_open(rt.options.trace_path);
  atexit(at_exit_handler);
  if (rt.options.verbosity >= 1) {
    FdWriter err(2);
    err.str("fencedep: runtime active in pid ").dec(rt.pid).str(" (").str(rt.program).str(")\n");
  }
  rt.ready.store(true, std::memory_order_release);
  watchdog_start();
  t.in_hook = was;
  state.store(2);
}

__attribute__((constructor(102))) static void fencedep_runtime_init() { ensure_initialized(); }

static SpinLock printing;
SpinLock &report_output_lock() { return printing; }

void write_json_report(const ReportView &view) {
  if (rt.json_fd < 0)
    return;
  // One write per report: concurrent processes appending to one file
  // (O_APPEND) never interleave lines. Callers hold report_output_lock(),
  // which guards the buffer.
  static char json_buf[1 << 18];
  BufferWriter jw(json_buf, sizeof json_buf);
  print_report_json(view, jw);
  jw.ch('\n');
  size_t off = 0;
  while (off < jw.size()) {
    ssize_t n = REAL(write)(rt.json_fd, json_buf + off, jw.size() - off);
    if (n <= 0)
      break;
    off += size_t(n);
  }
}

namespace {
// Names instances in reports by where the program created them.
class ResolverSites final : public InstanceSites {
public:
  uint64_t site_of(uint64_t instance) override {
    return rt.resolver.object_site(reinterpret_cast<const void *>(instance));
  }
};
} // namespace

// Frames of modules without debug info print no file:line (stripped ones
// not even a function): say once which modules, and how to get it.
static void say_missing_symbols(RecordingSymbolizer &sym, Writer &out) {
  const char *modules[8];
  unsigned n = sym.new_modules_without_symbols(modules, 8);
  if (!n)
    return;
  out.str("fencedep: no debug info for ");
  for (unsigned i = 0; i < n; ++i) {
    const char *slash = strrchr(modules[i], '/');
    out.str(i ? ", " : "").str(slash ? slash + 1 : modules[i]);
  }
  out.str(": their frames show no file:line; install their debug symbols (Debian: the "
          "-dbgsym packages from the debian-debug archive, or set DEBUGINFOD_URLS for "
          "llvm-symbolizer)\n");
}

void flush_reports() {
  // Another thread is printing: it will drain the queue, including ours.
  if (!printing.try_lock())
    return;
  static ReportScratch scratch;
  static RecordingSymbolizer sym;
  static ResolverSites sites;
  PendingReport p;
  while (rt.engine.pop_report(&p)) {
    ReportView view;
    // Two passes: collect every address of the report, symbolize them in
    // one batch, then build the view with the answers.
    sym.reset();
    build_report_view(rt.engine, p, sym, scratch, &view, nullptr, 0, &sites);
    // (The symbolizer may be set up for live hangs alone.)
    if (rt.options.symbolize)
      sym.resolve();
    sym.replaying = true;
    build_report_view(rt.engine, p, sym, scratch, &view, nullptr, 0, &sites);
    view.program = rt.program;
    if (rt.suppressions.matches(view)) {
      rt.reports_suppressed.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    uint64_t printed = rt.reports_printed.fetch_add(1, std::memory_order_relaxed);
    // Past max_reports, reports go to the JSON only, and are counted.
    if (rt.log_fd >= 0 && (!rt.options.max_reports || printed < rt.options.max_reports)) {
      FdWriter out(rt.log_fd);
      print_report_text(view, out);
      say_missing_symbols(sym, out);
    }
    write_json_report(view);
  }
  printing.unlock();
}

void on_fork_child() {
  rt.pid = uint32_t(getpid());
  rt.engine.set_pid(rt.pid);
  rt.engine.reset_locks_after_fork();
  rt.resolver.reset_locks_after_fork();
  fence_objects.reset_locks_after_fork();
  printing.reset();
  // Reports belong to the process that printed them: the child starts at 0.
  rt.reports_printed.store(0);
  rt.reports_suppressed.store(0);
  ThreadCtx &t = thread_ctx();
  t.state.tid = current_tid();
  rt.resolver.bump_generation();
  trace_after_fork();
  watchdog_after_fork();
}

static void print_stats() {
  EngineStats s = rt.engine.stats();
  FdWriter err(2);
  err.str("fencedep: pid ").dec(rt.pid).str(": ").dec(rt.engine.classes().size() - 1);
  err.str(" classes, ").dec(rt.engine.graph().size()).str(" edges, ");
  err.dec(rt.reports_printed.load()).str(" reports (").dec(rt.reports_suppressed.load());
  err.str(" suppressed, ").dec(s.gated_hidden).str(" gated, ").dec(s.duplicates);
  err.str(" duplicate, ").dec(s.predicted).str(" class-predicted, ").dec(s.self_wake_hidden);
  err.str(" needing a thread to wake itself)\n");
  err.str("fencedep: pid ").dec(rt.pid).str(": classes through wrappers: ");
  err.dec(rt.resolver.wrappers_seen()).str(" wrapper functions seen\n");
  if (s.edges_dropped || s.classes_overflowed || s.held_overflows || s.reports_dropped) {
    err.str("fencedep: pid ").dec(rt.pid).str(": degraded: ").dec(s.edges_dropped);
    err.str(" edges dropped, ").dec(s.classes_overflowed).str(" classes over capacity, ");
    err.dec(s.held_overflows).str(" acquisitions beyond ").dec(kMaxHeld);
    err.str(" held locks untracked, ").dec(s.reports_dropped).str(" reports dropped\n");
  }
  uint64_t handles = drm_handles_unmodelled(), objects = fence_objects.dropped(),
           passes = fd_passes_lost();
  if (handles || objects || passes) {
    err.str("fencedep: pid ").dec(rt.pid).str(": fences degraded: ").dec(handles);
    err.str(" syncobj handles past the modelled count, ").dec(objects);
    err.str(" fence objects or fds over capacity, ").dec(passes);
    err.str(" passed fds not recorded\n");
  }
  drm::print_submit_stats(err, rt.pid);
}

void finish_process() {
  if (!rt.ready.load())
    return;
  ThreadCtx &t = thread_ctx();
  t.in_hook = true;
  flush_reports();
  trace_close();
  EngineStats s = rt.engine.stats();
  bool degraded = s.edges_dropped || s.classes_overflowed || s.held_overflows ||
                  s.reports_dropped || fence_objects.dropped() || fd_passes_lost();
  if (rt.options.verbosity >= 1 || rt.options.print_stats || degraded)
    print_stats();
  uint64_t printed = rt.reports_printed.load();
  if (rt.options.max_reports && printed > rt.options.max_reports && rt.log_fd >= 0) {
    FdWriter out(rt.log_fd);
    out.str("fencedep: ").dec(printed - rt.options.max_reports);
    out.str(" more reports in pid ").dec(rt.pid).str(" not printed (max_reports=");
    out.dec(rt.options.max_reports).str(")");
    if (rt.json_fd >= 0)
      out.str("; all are in the JSON output");
    else
      out.str("; set json=FILE, or max_reports=0 to print them all");
    out.ch('\n');
  }
  if (printed && rt.options.exitcode != 0) {
    FdWriter err(2);
    if (rt.log_fd != 2 && rt.options.verbosity >= 1) {
      // The reports went elsewhere; say why the status changed.
      err.str("fencedep: ").dec(printed).str(printed == 1 ? " report" : " reports");
      err.str(" in pid ").dec(rt.pid).str("; exit status ").dec(rt.options.exitcode).ch('\n');
    }
    err.flush();
    fflush(nullptr);
    REAL(_exit)(rt.options.exitcode);
  }
  t.in_hook = false;
}

} // namespace fencedep::runtime
