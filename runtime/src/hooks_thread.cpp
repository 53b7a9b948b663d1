// Threads: a join waits on "exit of threads running this start routine"
// (keyed by the routine, not the pthread_create call: a start helper inlined
// in two places still starts one kind of thread); the thread's exit signals
// it, so whatever the thread took since its last completed wait is what the
// join depends on.
#include <sys/syscall.h>
#include <unistd.h>

#include "hooks_common.h"
#include "watchdog.h"

using namespace fencedep;
using namespace fencedep::runtime;

namespace {

struct StartRecord {
  thread_start_fn fn;
  void *arg;
  ClassId exit_class;
  uint64_t exit_instance;
  uint32_t parent_tid;
  StartRecord *next_free;
};

// Start records come from an mmap'd free list: pthread_create may be called
// from code that must not re-enter malloc.
SpinLock records_lock;
StartRecord *free_records;
Arena records_arena;
AddressMap thread_classes; // pthread_t -> exit class
AddressMap thread_instances; // pthread_t -> exit instance
AddressMap exit_tids;        // exit instance -> tid of the thread, once started
// A thread's exit is an object of its own: pthread_t values are reused
// once a thread is joined, so exits are numbered instead.
std::atomic<uint64_t> exit_serial{0};
constexpr uint64_t kExitInstanceTag = 0xe000000000000000ull;
std::atomic<bool> threads_ready{false};

StartRecord *new_record() {
  SpinGuard g(records_lock);
  if (StartRecord *r = free_records) {
    free_records = r->next_free;
    return r;
  }
  return static_cast<StartRecord *>(records_arena.alloc(sizeof(StartRecord)));
}

void free_record(StartRecord *r) {
  SpinGuard g(records_lock);
  r->next_free = free_records;
  free_records = r;
}

void ensure_thread_table() {
  if (threads_ready.load(std::memory_order_acquire))
    return;
  static SpinLock init_lock;
  SpinGuard g(init_lock);
  if (!threads_ready.load(std::memory_order_relaxed)) {
    thread_classes.init(1u << 16);
    thread_instances.init(1u << 16);
    exit_tids.init(1u << 16);
    threads_ready.store(true, std::memory_order_release);
  }
}

void signal_exit(ThreadCtx &ctx) {
  if (ctx.exit_signalled || ctx.exit_class == kNoClass)
    return;
  ctx.exit_signalled = true;
  HookScope h;
  if (!h.active())
    return;
  const void *exit = reinterpret_cast<const void *>(ctx.exit_instance);
  signal(h, ctx.exit_class, exit, 0);
  trace(TraceOp::ThreadExit, h.state(), ctx.exit_class, exit);
  trace_thread_exit();
}

void *thread_trampoline(void *p) {
  StartRecord rec = *static_cast<StartRecord *>(p);
  free_record(static_cast<StartRecord *>(p));
  ThreadCtx &ctx = thread_ctx();
  ctx.exit_class = rec.exit_class;
  ctx.exit_instance = rec.exit_instance;
  exit_tids.put(rec.exit_instance, ctx.state.tid);
  ctx.exit_signalled = false;
  watchdog_register(ctx);
  {
    HookScope h;
    if (h.active())
      trace(TraceOp::ThreadStart, h.state(), rec.exit_class,
            reinterpret_cast<const void *>(rec.exit_instance), rec.parent_tid);
  }
  void *ret = rec.fn(rec.arg);
  signal_exit(ctx);
  return ret;
}

} // namespace

namespace fencedep::runtime {
uint32_t thread_of_exit(uint64_t instance) {
  uint64_t tid = 0;
  if (threads_ready.load(std::memory_order_acquire))
    exit_tids.find(instance, &tid);
  return uint32_t(tid);
}

void reset_thread_hooks_after_fork() {
  records_lock.reset();
  thread_classes.reset_lock();
  thread_instances.reset_lock();
  exit_tids.reset_lock();
}
} // namespace fencedep::runtime

template <typename Fn>
static int hooked_join(pthread_t th, uint64_t pc, Fn &&real_call, bool timed = false) {
  HookScope h;
  uint64_t c = 0;
  if (!h.active() || !threads_ready.load(std::memory_order_acquire) ||
      !thread_classes.find(uint64_t(th), &c))
    return real_call();
  h.ctx().timed_block = timed;
  uint64_t inst = 0, tid = 0;
  thread_instances.find(uint64_t(th), &inst);
  exit_tids.find(inst, &tid);
  const void *obj = reinterpret_cast<const void *>(inst);
  wait_before(h, ClassId(c), obj, nullptr, pc, EdgeKind::Wait, 0, true, uint32_t(tid));
  int r = real_call();
  wait_after(h, ClassId(c), obj, true, pc);
  if (r == 0) {
    thread_classes.erase(uint64_t(th));
    thread_instances.erase(uint64_t(th));
    exit_tids.erase(inst);
  }
  return r;
}

extern "C" {

int pthread_create(pthread_t *th, const pthread_attr_t *attr, thread_start_fn fn, void *arg) {
  HookScope h;
  if (!h.active())
    return REAL(pthread_create)(th, attr, fn, arg);
  ensure_thread_table();
  StartRecord *rec = new_record();
  if (!rec)
    return REAL(pthread_create)(th, attr, fn, arg);
  ClassId exit_class =
      rt.resolver.routine_class(ClassKind::ThreadExit, reinterpret_cast<uint64_t>(fn));
  uint64_t exit_instance = kExitInstanceTag | exit_serial.fetch_add(1, std::memory_order_relaxed);
  *rec = StartRecord{fn, arg, exit_class, exit_instance, h.state().tid, nullptr};
  int r = REAL(pthread_create)(th, attr, thread_trampoline, rec);
  if (r != 0) {
    free_record(rec);
    return r;
  }
  thread_classes.put(uint64_t(*th), exit_class);
  thread_instances.put(uint64_t(*th), exit_instance);
  return r;
}

int pthread_join(pthread_t th, void **ret) {
  return hooked_join(th, FENCEDEP_CALLER_PC(), [&] { return REAL(pthread_join)(th, ret); });
}

int pthread_timedjoin_np(pthread_t th, void **ret, const struct timespec *ts) {
  return hooked_join(th, FENCEDEP_CALLER_PC(),
                     [&] { return REAL(pthread_timedjoin_np)(th, ret, ts); }, true);
}

void pthread_exit(void *ret) {
  signal_exit(thread_ctx());
  REAL(pthread_exit)(ret);
  __builtin_unreachable();
}

} // extern "C"
