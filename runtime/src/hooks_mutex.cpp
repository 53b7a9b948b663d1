// pthread mutexes and spin locks: lock records edges before it may block,
// trylock/timedlock join the held set only on success (no incoming edge for
// trylock; a timed lock is a blocking attempt, so it records edges).
#include <errno.h>

#include "hooks_common.h"

using namespace fencedep;
using namespace fencedep::runtime;

template <typename Fn>
static int hooked_lock(const void *m, ClassKind kind, bool read, uint64_t pc, Fn &&real_call,
                       bool timed = false) {
  HookScope h;
  if (!h.active())
    return real_call();
  h.ctx().timed_block = timed;
  ClassId c = cached_object_class(h.ctx(), m, kind, pc);
  lock_before(h, c, m, read, pc);
  int r = real_call();
  if (r == 0)
    lock_after(h, c, m, read, false, pc);
  return r;
}

template <typename Fn>
static int hooked_trylock(const void *m, ClassKind kind, bool read, uint64_t pc,
                          Fn &&real_call) {
  HookScope h;
  if (!h.active())
    return real_call();
  int r = real_call();
  if (r == 0)
    lock_after(h, cached_object_class(h.ctx(), m, kind, pc), m, read, true, pc);
  return r;
}

template <typename Fn>
static int hooked_unlock(const void *m, Fn &&real_call) {
  HookScope h;
  if (h.active())
    unlock(h, m);
  return real_call();
}

template <typename Fn>
static int hooked_init(const void *m, ClassKind kind, uint64_t pc, Fn &&real_call) {
  int r = real_call();
  HookScope h;
  if (h.active() && r == 0)
    rt.resolver.note_init(m, kind, pc);
  return r;
}

template <typename Fn>
static int hooked_destroy(const void *m, Fn &&real_call) {
  HookScope h;
  if (h.active())
    rt.resolver.forget(m);
  return real_call();
}

// Spin locks are `volatile int`: only their address matters here.
static const void *spin_id(pthread_spinlock_t *s) { return const_cast<const int *>(s); }

extern "C" {

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a) {
  return hooked_init(m, ClassKind::Mutex, FENCEDEP_CALLER_PC(),
                     [&] { return REAL(pthread_mutex_init)(m, a); });
}
int pthread_mutex_destroy(pthread_mutex_t *m) {
  return hooked_destroy(m, [&] { return REAL(pthread_mutex_destroy)(m); });
}
int pthread_mutex_lock(pthread_mutex_t *m) {
  return hooked_lock(m, ClassKind::Mutex, false, FENCEDEP_CALLER_PC(),
                     [&] { return REAL(pthread_mutex_lock)(m); });
}
int pthread_mutex_trylock(pthread_mutex_t *m) {
  return hooked_trylock(m, ClassKind::Mutex, false, FENCEDEP_CALLER_PC(),
                        [&] { return REAL(pthread_mutex_trylock)(m); });
}
int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *ts) {
  return hooked_lock(m, ClassKind::Mutex, false, FENCEDEP_CALLER_PC(),
                     [&] { return REAL(pthread_mutex_timedlock)(m, ts); }, true);
}
int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clk, const struct timespec *ts) {
  return hooked_lock(m, ClassKind::Mutex, false, FENCEDEP_CALLER_PC(),
                     [&] { return REAL(pthread_mutex_clocklock)(m, clk, ts); }, true);
}
int pthread_mutex_unlock(pthread_mutex_t *m) {
  return hooked_unlock(m, [&] { return REAL(pthread_mutex_unlock)(m); });
}

int pthread_spin_init(pthread_spinlock_t *s, int pshared) {
  return hooked_init(spin_id(s), ClassKind::SpinLock, FENCEDEP_CALLER_PC(),
                     [&] { return REAL(pthread_spin_init)(s, pshared); });
}
int pthread_spin_destroy(pthread_spinlock_t *s) {
  return hooked_destroy(spin_id(s), [&] { return REAL(pthread_spin_destroy)(s); });
}
int pthread_spin_lock(pthread_spinlock_t *s) {
  return hooked_lock(spin_id(s), ClassKind::SpinLock, false, FENCEDEP_CALLER_PC(),
                     [&] { return REAL(pthread_spin_lock)(s); });
}
int pthread_spin_trylock(pthread_spinlock_t *s) {
  return hooked_trylock(spin_id(s), ClassKind::SpinLock, false, FENCEDEP_CALLER_PC(),
                        [&] { return REAL(pthread_spin_trylock)(s); });
}
int pthread_spin_unlock(pthread_spinlock_t *s) {
  return hooked_unlock(spin_id(s), [&] { return REAL(pthread_spin_unlock)(s); });
}

// Reader-writer locks: a read hold is lockdep's recursive read (glibc's
// default rwlocks prefer readers, so readers never block behind writers).
int pthread_rwlock_init(pthread_rwlock_t *l, const pthread_rwlockattr_t *a) {
  return hooked_init(l, ClassKind::RwLock, FENCEDEP_CALLER_PC(),
                     [&] { return REAL(pthread_rwlock_init)(l, a); });
}
int pthread_rwlock_destroy(pthread_rwlock_t *l) {
  return hooked_destroy(l, [&] { return REAL(pthread_rwlock_destroy)(l); });
}
int pthread_rwlock_rdlock(pthread_rwlock_t *l) {
  return hooked_lock(l, ClassKind::RwLock, true, FENCEDEP_CALLER_PC(),
                     [&] { return REAL(pthread_rwlock_rdlock)(l); });
}
int pthread_rwlock_tryrdlock(pthread_rwlock_t *l) {
  return hooked_trylock(l, ClassKind::RwLock, true, FENCEDEP_CALLER_PC(),
                        [&] { return REAL(pthread_rwlock_tryrdlock)(l); });
}
int pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const struct timespec *ts) {
  return hooked_lock(l, ClassKind::RwLock, true, FENCEDEP_CALLER_PC(),
                     [&] { return REAL(pthread_rwlock_timedrdlock)(l, ts); }, true);
}
int pthread_rwlock_clockrdlock(pthread_rwlock_t *l, clockid_t clk, const struct timespec *ts) {
  return hooked_lock(l, ClassKind::RwLock, true, FENCEDEP_CALLER_PC(),
                     [&] { return REAL(pthread_rwlock_clockrdlock)(l, clk, ts); }, true);
}
int pthread_rwlock_wrlock(pthread_rwlock_t *l) {
  return hooked_lock(l, ClassKind::RwLock, false, FENCEDEP_CALLER_PC(),
                     [&] { return REAL(pthread_rwlock_wrlock)(l); });
}
int pthread_rwlock_trywrlock(pthread_rwlock_t *l) {
  return hooked_trylock(l, ClassKind::RwLock, false, FENCEDEP_CALLER_PC(),
                        [&] { return REAL(pthread_rwlock_trywrlock)(l); });
}
int pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const struct timespec *ts) {
  return hooked_lock(l, ClassKind::RwLock, false, FENCEDEP_CALLER_PC(),
                     [&] { return REAL(pthread_rwlock_timedwrlock)(l, ts); }, true);
}
int pthread_rwlock_clockwrlock(pthread_rwlock_t *l, clockid_t clk, const struct timespec *ts) {
  return hooked_lock(l, ClassKind::RwLock, false, FENCEDEP_CALLER_PC(),
                     [&] { return REAL(pthread_rwlock_clockwrlock)(l, clk, ts); }, true);
}
int pthread_rwlock_unlock(pthread_rwlock_t *l) {
  return hooked_unlock(l, [&] { return REAL(pthread_rwlock_unlock)(l); });
}

} // extern "C"
