// Process-wide runtime state and the per-thread context every hook uses.
#pragma once
#include <atomic>
#include <cstdint>

#include "block_record.h"
#include "class_resolver.h"
#include "fencedep/core/engine.h"
#include "fencedep/core/report.h"
#include "fencedep/core/suppressions.h"
#include "options.h"

namespace fencedep::runtime {

// A per-thread direct-mapped cache of object -> class, valid while the
// resolver's generation is unchanged (it changes when any binding does).
struct ClassCacheEntry {
  uint64_t object;
  ClassId cls;
  uint32_t generation;
};
inline constexpr unsigned kClassCacheSize = 16;

struct ThreadCtx {
  ThreadState state;
  ClassCacheEntry class_cache[kClassCacheSize];
  bool initialized;
  bool in_hook;       // re-entry guard: nested calls go straight to the real function
  bool exit_signalled;
  bool block_open;    // `block` describes a call this thread is in (live hangs)
  bool timed_block;   // the call about to block has a timeout (set by its hook)
  ClassId exit_class; // "exit of threads running routine R", for threads we started
  uint64_t exit_instance; // this thread's exit, as an object (unique per thread)
  BlockRecord block;  // read by the watchdog thread
  uint32_t hang_reported_seq; // the watchdog's: `block.seq` it last reported
};

// Initial-exec TLS: no allocation, no lazy TLS resolution on the hook path.
extern __thread ThreadCtx tls_ctx __attribute__((tls_model("initial-exec")));

struct Runtime {
  std::atomic<bool> ready{false};
  Options options;
  Engine engine;
  ClassResolver resolver;
  Suppressions suppressions;
  uint32_t pid = 0;
  int log_fd = 2;
  int json_fd = -1;
  const char *program = nullptr;
  std::atomic<uint64_t> reports_printed{0};
  std::atomic<uint64_t> reports_suppressed{0};
};

extern Runtime rt;

// The class of `obj`, through the thread's cache.
inline ClassId cached_object_class(ThreadCtx &t, const void *obj, ClassKind kind, uint64_t pc) {
  uint64_t addr = reinterpret_cast<uint64_t>(obj);
  ClassCacheEntry &e = t.class_cache[(addr >> 4) & (kClassCacheSize - 1)];
  uint32_t gen = rt.resolver.generation();
  if (e.object == addr && e.generation == gen && e.cls != kNoClass)
    return e.cls;
  ClassId c = rt.resolver.object_class(obj, kind, pc);
  e = ClassCacheEntry{addr, c, gen};
  return c;
}

// Initialises the runtime once (constructor, or the first hook).
void ensure_initialized();
void init_thread_ctx(ThreadCtx &t);
inline ThreadCtx &thread_ctx() {
  ThreadCtx &t = tls_ctx;
  if (__builtin_expect(!t.initialized, 0))
    init_thread_ctx(t);
  return t;
}
// Prints pending reports; called at safe points (end of a hook, before a
// blocking call, at exit). Never called with engine locks held.
void flush_reports();
// Appends one report to the JSON file (json=FILE), if any; the caller holds
// report_output_lock().
void write_json_report(const ReportView &view);
// Serialises report output between flush_reports and the watchdog.
SpinLock &report_output_lock();
void on_fork_child();
void finish_process(); // flush reports and statistics at exit

// The shape of every hook: `HookScope h; if (!h.active) return REAL(f)(...);`
// Inactive when the runtime is not ready or the thread is already inside a
// hook (re-entry from malloc, a signal handler, our own I/O).
class HookScope {
public:
  HookScope() : t_(thread_ctx()) {
    active_ = rt.ready.load(std::memory_order_acquire) && !t_.in_hook;
    if (active_)
      t_.in_hook = true;
  }
  ~HookScope() {
    if (!active_)
      return;
    if (__builtin_expect(t_.block_open, 0))
      block_end(t_);
    if (rt.engine.has_pending())
      flush_reports();
    t_.in_hook = false;
  }
  bool active() const { return active_; }
  ThreadState &state() { return t_.state; }
  ThreadCtx &ctx() { return t_; }
  // Before a call that may block: print what is known now, so that a real
  // deadlock still leaves its report behind.
  void before_block() {
    if (rt.engine.has_pending())
      flush_reports();
  }

private:
  ThreadCtx &t_;
  bool active_;
};

#define FENCEDEP_CALLER_PC() \
  (reinterpret_cast<uint64_t>(__builtin_extract_return_addr(__builtin_return_address(0))))

} // namespace fencedep::runtime
