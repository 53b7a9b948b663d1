// Condition variables and barriers: the waits and signals of counting
// objects (semaphores: hooks_semaphore.cpp). A condvar wait is an unlock of
// its mutex, a wait, and a re-lock; its edges exclude the mutex it gives up.
#include <errno.h>

#include "hooks_common.h"

using namespace fencedep;
using namespace fencedep::runtime;

template <typename Fn>
static int hooked_cond_wait(pthread_cond_t *c, pthread_mutex_t *m, uint64_t pc,
                            Fn &&real_call, bool timed = false) {
  HookScope h;
  if (!h.active())
    return real_call();
  h.ctx().timed_block = timed;
  ClassId cc = cached_object_class(h.ctx(), c, ClassKind::CondVar, pc);
  ClassId mc = cached_object_class(h.ctx(), m, ClassKind::Mutex, pc);
  unlock(h, m);
  wait_before(h, cc, c, m, pc);
  int r = real_call();
  wait_after(h, cc, c, false, pc);
  // The mutex is held again on return, timeout included.
  lock_before(h, mc, m, false, pc);
  lock_after(h, mc, m, false, false, pc);
  return r;
}

template <typename Fn>
static int hooked_signal(const void *obj, ClassKind kind, uint64_t pc, Fn &&real_call) {
  HookScope h;
  if (h.active())
    signal(h, cached_object_class(h.ctx(), obj, kind, pc), obj, pc);
  return real_call();
}

template <typename Fn>
static int hooked_init(const void *obj, ClassKind kind, uint64_t pc, Fn &&real_call) {
  int r = real_call();
  HookScope h;
  if (h.active() && r == 0)
    rt.resolver.note_init(obj, kind, pc);
  return r;
}

template <typename Fn>
static int hooked_destroy(const void *obj, Fn &&real_call) {
  HookScope h;
  if (h.active())
    rt.resolver.forget(obj);
  return real_call();
}

extern "C" {

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a) {
  return hooked_init(c, ClassKind::CondVar, FENCEDEP_CALLER_PC(),
                     [&] { return REAL(pthread_cond_init)(c, a); });
}
int pthread_cond_destroy(pthread_cond_t *c) {
  return hooked_destroy(c, [&] { return REAL(pthread_cond_destroy)(c); });
}
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) {
  return hooked_cond_wait(c, m, FENCEDEP_CALLER_PC(),
                          [&] { return REAL(pthread_cond_wait)(c, m); });
}
int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *ts) {
  return hooked_cond_wait(c, m, FENCEDEP_CALLER_PC(),
                          [&] { return REAL(pthread_cond_timedwait)(c, m, ts); }, true);
}
int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m, clockid_t clk,
                           const struct timespec *ts) {
  return hooked_cond_wait(c, m, FENCEDEP_CALLER_PC(),
                          [&] { return REAL(pthread_cond_clockwait)(c, m, clk, ts); }, true);
}
int pthread_cond_signal(pthread_cond_t *c) {
  return hooked_signal(c, ClassKind::CondVar, FENCEDEP_CALLER_PC(),
                       [&] { return REAL(pthread_cond_signal)(c); });
}
int pthread_cond_broadcast(pthread_cond_t *c) {
  return hooked_signal(c, ClassKind::CondVar, FENCEDEP_CALLER_PC(),
                       [&] { return REAL(pthread_cond_broadcast)(c); });
}

int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *a, unsigned n) {
  return hooked_init(b, ClassKind::Barrier, FENCEDEP_CALLER_PC(),
                     [&] { return REAL(pthread_barrier_init)(b, a, n); });
}
int pthread_barrier_destroy(pthread_barrier_t *b) {
  return hooked_destroy(b, [&] { return REAL(pthread_barrier_destroy)(b); });
}
// Arriving at a barrier signals the others, then waits for all of them.
int pthread_barrier_wait(pthread_barrier_t *b) {
  uint64_t pc = FENCEDEP_CALLER_PC();
  HookScope h;
  if (!h.active())
    return REAL(pthread_barrier_wait)(b);
  ClassId c = cached_object_class(h.ctx(), b, ClassKind::Barrier, pc);
  signal(h, c, b, pc);
  wait_before(h, c, b, nullptr, pc);
  int r = REAL(pthread_barrier_wait)(b);
  wait_after(h, c, b, false, pc);
  return r;
}

} // extern "C"
