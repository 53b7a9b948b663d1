#include "watchdog.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cstring>

#include "external_symbolizer.h"
#include "fencedep/core/report_builder.h"
#include "fencedep/core/report_printer.h"
#include "fencedep/core/writer.h"
#include "real_functions.h"
#include "runtime.h"

namespace fencedep::runtime {

bool watchdog_enabled = false;

namespace {

constexpr unsigned kMaxThreads = 4096; // watched at once; more are counted
constexpr unsigned kMaxShown = 32;     // blocked threads in one report

SpinLock registry_lock;
ThreadCtx *registry[kMaxThreads];
uint32_t nregistered;
std::atomic<uint64_t> unwatched{0};
pthread_key_t exit_key;
bool exit_key_ok;
AddressMap last_signaller; // live key -> tid of its last signal
uint64_t timeout_ns;
int hang_fd = -1;

// The coarse clock: the hooks read it on every blocking call (every lock
// operation), where the fine one costs several times more. Ticks of a few
// milliseconds are plenty for timeouts of seconds.
uint64_t now_ns() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

// pthread key destructor: runs at the thread's exit (cancellation
// included), before its TLS goes away.
void unregister(void *p) {
  SpinGuard g(registry_lock);
  for (uint32_t i = 0; i < nregistered; ++i) {
    if (registry[i] == p) {
      registry[i] = registry[--nregistered];
      return;
    }
  }
}

struct Snapshot {
  ThreadCtx *ctx;
  uint32_t seq;
  uint32_t tid;
  uint32_t nobjects;
  bool wait_all;
  uint64_t pc;
  uint64_t since_ns;
  bool timed;
  BlockedObject objects[BlockRecord::kMaxObjects];
  uint32_t owner[BlockRecord::kMaxObjects];
  bool definite[BlockRecord::kMaxObjects]; // the owner alone can end it
  uint32_t nheld;
  HeldEntry held[kReportHeld];
};

Snapshot snaps[kMaxShown];
uint32_t nsnaps;

// Copies one thread's record if it is blocked; false when it is not, or it
// changed while being read (the next round will see it).
bool snapshot(ThreadCtx *t, Snapshot *s) {
  const BlockRecord &b = t->block;
  uint32_t seq = __atomic_load_n(&b.seq, __ATOMIC_ACQUIRE);
  if (!(seq & 1))
    return false;
  s->ctx = t;
  s->seq = seq;
  s->tid = t->state.tid;
  s->nobjects = b.nobjects < BlockRecord::kMaxObjects ? b.nobjects : BlockRecord::kMaxObjects;
  s->wait_all = b.wait_all;
  s->pc = b.pc;
  s->since_ns = b.since_ns;
  s->timed = b.timed;
  for (uint32_t i = 0; i < s->nobjects; ++i)
    s->objects[i] = b.objects[i];
  // A blocked thread does not change its held set.
  uint32_t nh = t->state.nheld;
  s->nheld = nh < kReportHeld ? nh : kReportHeld;
  for (uint32_t i = 0; i < s->nheld; ++i)
    s->held[i] = t->state.held[i];
  __atomic_thread_fence(__ATOMIC_ACQUIRE);
  return __atomic_load_n(&b.seq, __ATOMIC_RELAXED) == seq;
}

// The thread holding lock instance `inst`: read from the held sets of
// running threads, so at best a good guess for those; exact for blocked ones.
uint32_t holder_of(uint64_t inst) {
  for (uint32_t i = 0; i < nregistered; ++i) {
    const ThreadState &st = registry[i]->state;
    uint32_t nh = st.nheld < kMaxHeld ? st.nheld : kMaxHeld;
    for (uint32_t k = 0; k < nh; ++k)
      if (st.held[k].instance == inst && st.held[k].role == HeldRole::Lock)
        return st.tid;
  }
  return 0;
}

// What the last scan found worth a report.
bool stall_found;     // every watched thread stuck: the whole process
bool cycle_found;     // stuck threads that wait for each other
uint32_t stuck_count; // threads stuck past the timeout

// The thread snapshot `i` waits for: the holder of the lock it acquires,
// the thread it joins, or the one that last signalled what it waits on -
// never itself (a thread does not wake itself: an idle worker waiting on
// the condvar it signalled last waits for someone else). -1 when none.
int waits_for(uint32_t i) {
  const Snapshot &s = snaps[i];
  if (s.nobjects != 1 || !s.owner[0] || s.owner[0] == s.tid)
    return -1;
  for (uint32_t j = 0; j < nsnaps; ++j)
    if (snaps[j].tid == s.owner[0])
      return int(j);
  return -1;
}

// A join: the thread joined, known once it started (the join may have
// begun before).
uint32_t exit_owner(const BlockedObject &o) {
  if (rt.engine.classes().info(o.cls).kind != ClassKind::ThreadExit)
    return 0;
  return thread_of_exit(o.instance);
}

bool stuck(const Snapshot &s, uint64_t now) {
  return !s.timed && now > s.since_ns && now - s.since_ns >= timeout_ns;
}

// Takes the snapshots; true when there is something new to report: stuck
// threads that wait for each other (a deadlock now), or every watched
// thread stuck with no progress for the timeout (a stall). Threads merely
// idle - a pool waiting for work while others run, a timed wait - are
// never a report.
bool scan(uint64_t now) {
  nsnaps = 0;
  stall_found = cycle_found = false;
  stuck_count = 0;
  SpinGuard g(registry_lock);
  bool all_stuck = nregistered > 0;
  for (uint32_t i = 0; i < nregistered; ++i) {
    Snapshot s;
    bool blocked = snapshot(registry[i], &s);
    bool is_stuck = blocked && stuck(s, now);
    all_stuck &= is_stuck;
    stuck_count += is_stuck;
    // Momentary blocks are noise in the picture of a hang.
    if (!blocked || now - s.since_ns < timeout_ns / 4 || nsnaps == kMaxShown)
      continue;
    snaps[nsnaps++] = s;
  }
  if (!stuck_count)
    return false;
  for (uint32_t i = 0; i < nsnaps; ++i) {
    Snapshot &s = snaps[i];
    for (uint32_t k = 0; k < s.nobjects; ++k) {
      const BlockedObject &o = s.objects[k];
      s.definite[k] = false;
      uint64_t tid = 0;
      if (o.how == EdgeKind::Acquire)
        tid = holder_of(o.instance);
      else if ((tid = o.signaller) || (tid = exit_owner(o)))
        s.definite[k] = true;
      else
        last_signaller.find(o.live_key, &tid);
      s.owner[k] = uint32_t(tid);
    }
  }
  // A cycle of stuck threads, each waiting for the next: none can move.
  for (uint32_t start = 0; start < nsnaps && !cycle_found; ++start) {
    uint8_t seen[kMaxShown] = {};
    int at = int(start);
    uint32_t steps = 0;
    while (at >= 0 && !seen[at] && stuck(snaps[at], now)) {
      seen[at] = 1;
      at = waits_for(uint32_t(at));
      ++steps;
    }
    cycle_found = steps > 0 && at == int(start);
  }
  stall_found = all_stuck && nsnaps > 0;
  if (!cycle_found && !stall_found)
    return false;
  // Once per episode: new while any thread in it blocked anew.
  bool fresh = false;
  for (uint32_t i = 0; i < nsnaps; ++i)
    fresh |= snaps[i].ctx->hang_reported_seq != snaps[i].seq;
  if (!fresh)
    return false;
  for (uint32_t i = 0; i < nsnaps; ++i)
    snaps[i].ctx->hang_reported_seq = snaps[i].seq;
  // Longest blocked first.
  for (uint32_t i = 1; i < nsnaps; ++i)
    for (uint32_t j = i; j > 0 && snaps[j - 1].since_ns > snaps[j].since_ns; --j) {
      Snapshot tmp = snaps[j];
      snaps[j] = snaps[j - 1];
      snaps[j - 1] = tmp;
    }
  return true;
}

BlockedThreadView views[kMaxShown];
HeldView held_views[kMaxShown][kReportHeld];

void build(Symbolizer &sym, uint64_t now, ReportView *r) {
  *r = ReportView{};
  r->kind = ReportKind::LiveHang;
  r->pid = rt.pid;
  r->program = rt.program;
  for (uint32_t i = 0; i < nsnaps; ++i) {
    const Snapshot &s = snaps[i];
    BlockedThreadView &v = views[i];
    v = BlockedThreadView{};
    v.tid = s.tid;
    v.blocked_ms = (now - s.since_ns) / 1000000;
    v.wait_all = s.wait_all;
    sym.symbolize(s.pc, true, &v.at);
    v.non = s.nobjects < BlockedThreadView::kMaxOn ? s.nobjects : BlockedThreadView::kMaxOn;
    for (uint32_t k = 0; k < v.non; ++k) {
      BlockedOnView &o = v.on[k];
      build_class_view(rt.engine, s.objects[k].cls, sym, &o.cls);
      o.instance = s.objects[k].instance;
      o.how = s.objects[k].how;
      o.owner_tid = s.owner[k];
      o.definite = o.how == EdgeKind::Acquire || s.definite[k];
    }
    for (uint32_t k = 0; k < s.nheld; ++k) {
      HeldView &h = held_views[i][k];
      h = HeldView{};
      build_class_view(rt.engine, s.held[k].cls, sym, &h.cls);
      h.read = s.held[k].read;
      h.label = s.held[k].label;
      if (s.held[k].pc)
        sym.symbolize(s.held[k].pc, true, &h.at);
    }
    v.held = held_views[i];
    v.nheld = s.nheld;
  }
  // Two classes of the report never print the same name.
  static ClassView *names[kMaxShown * (BlockedThreadView::kMaxOn + kReportHeld)];
  uint32_t nnames = 0;
  for (uint32_t i = 0; i < nsnaps; ++i) {
    for (uint32_t k = 0; k < views[i].non; ++k)
      names[nnames++] = &views[i].on[k].cls;
    for (uint32_t k = 0; k < views[i].nheld; ++k)
      names[nnames++] = &held_views[i][k].cls;
  }
  qualify_class_names(names, nnames);
  r->blocked = views;
  r->nblocked = nsnaps;
  r->stall = stall_found;
  r->tid = nsnaps ? snaps[0].tid : 0;
  if (nsnaps && snaps[0].nobjects) {
    r->subject = views[0].on[0].cls;
    r->subject_kind = views[0].on[0].how;
  }
}

void report(uint64_t now) {
  static RecordingSymbolizer sym;
  SpinGuard g(report_output_lock());
  ReportView view;
  sym.reset();
  build(sym, now, &view);
  sym.resolve();
  sym.replaying = true;
  build(sym, now, &view);
  if (rt.suppressions.matches(view)) {
    rt.reports_suppressed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  rt.reports_printed.fetch_add(1, std::memory_order_relaxed);
  // JSON first: whoever sees the text (and may kill the hung process then)
  // finds the JSON written.
  write_json_report(view);

  if (hang_fd >= 0) {
    FdWriter out(hang_fd);
    print_report_text(view, out);
  }
}

void *watchdog_main(void *) {
  ThreadCtx &t = thread_ctx();
  t.in_hook = true; // nothing this thread does is the host's
  uint64_t period = timeout_ns / 4;
  if (period < 10000000)
    period = 10000000;
  if (period > 250000000)
    period = 250000000;
  struct timespec ts = {time_t(period / 1000000000), long(period % 1000000000)};
  for (;;) {
    while (nanosleep(&ts, nullptr) != 0) {
    }
    uint64_t now = now_ns();
    if (scan(now))
      report(now);
  }
  return nullptr;
}

void spawn() {
  // The watchdog takes none of the host's signals.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_t th;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  if (REAL(pthread_create)(&th, &attr, watchdog_main, nullptr) != 0) {
    FdWriter err(2);
    err.str("fencedep: cannot start the hang watchdog; hang_timeout ignored\n");
  }
  pthread_attr_destroy(&attr);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

} // namespace

void block_note(ThreadCtx &t, ClassId c, uint64_t instance, uint64_t live_key, uint64_t pc,
                EdgeKind how, bool wait_all, uint32_t signaller) {
  BlockRecord &b = t.block;
  uint32_t seq = b.seq;
  if (!t.block_open) {
    b.nobjects = 0;
    b.pc = pc;
    b.wait_all = wait_all;
    b.timed = t.timed_block;
    b.since_ns = now_ns();
    t.block_open = true;
  } else {
    // Already published: mark it changing while it grows.
    __atomic_store_n(&b.seq, ++seq, __ATOMIC_RELEASE);
  }
  if (b.nobjects < BlockRecord::kMaxObjects)
    b.objects[b.nobjects++] = BlockedObject{c, how, instance, live_key, signaller};
  __atomic_store_n(&b.seq, seq + 1, __ATOMIC_RELEASE);
}

void block_end(ThreadCtx &t) {
  __atomic_store_n(&t.block.seq, t.block.seq + 1, __ATOMIC_RELEASE);
  t.block_open = false;
  t.timed_block = false;
}

void note_signal(uint64_t live_key, uint32_t tid) {
  if (live_key)
    last_signaller.put(live_key, tid);
}

void watchdog_register(ThreadCtx &t) {
  if (!watchdog_enabled)
    return;
  {
    SpinGuard g(registry_lock);
    for (uint32_t i = 0; i < nregistered; ++i)
      if (registry[i] == &t)
        return;
    if (nregistered == kMaxThreads) {
      unwatched.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    registry[nregistered++] = &t;
  }
  if (exit_key_ok)
    pthread_setspecific(exit_key, &t);
}

void watchdog_start() {
  if (rt.options.hang_timeout <= 0)
    return;
  if (!last_signaller.init(1u << 16) || pthread_key_create(&exit_key, unregister) != 0) {
    FdWriter err(2);
    err.str("fencedep: cannot set up the hang watchdog; hang_timeout ignored\n");
    return;
  }
  exit_key_ok = true;
  timeout_ns = uint64_t(rt.options.hang_timeout * 1e9);
  hang_fd = rt.log_fd;
  if (const char *p = rt.options.hang_log_path) {
    hang_fd = strcmp(p, "stderr") == 0
                  ? 2
                  : open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (hang_fd < 0) {
      FdWriter err(2);
      err.str("fencedep: cannot open hang_log_path '").str(p).str("'; using the log\n");
      hang_fd = rt.log_fd;
    }
  }
  // A hang is printed once, by the runtime itself: the process may never
  // exit for anyone else to symbolize it.
  external_symbolizer_init(rt.options.symbolizer_path);
  watchdog_enabled = true;
  watchdog_register(thread_ctx());
  spawn();
}

void watchdog_after_fork() {
  if (!watchdog_enabled)
    return;
  registry_lock.reset();
  last_signaller.reset_lock();
  // Only the forking thread exists here.
  nregistered = 0;
  ThreadCtx &t = thread_ctx();
  registry[nregistered++] = &t;
  t.block_open = false;
  t.block.seq &= ~1u;
  spawn();
}

} // namespace fencedep::runtime
