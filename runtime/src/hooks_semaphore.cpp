// Semaphores. A counting semaphore is a wait object: sem_wait waits on it,
// sem_post signals it. A semaphore made with the value 1 is, in most
// programs, a lock: CPython's threading.Lock is one (sem_init(&s, 0, 1),
// acquired by sem_wait, released by sem_post of its holder). Such a
// semaphore is treated as a lock (class kind `lock`) for as long as it is
// used like one:
//   - sem_wait by a thread that does not hold it: acquire;
//   - sem_post by its holder: release;
//   - sem_post by another thread: a handshake (below), signalled;
//   - sem_wait by a thread that holds it already: a handshake - the thread
//     waits for another to post it (CPython's Condition.wait blocks on a
//     "waiter" lock it acquired itself). The object then becomes a wait
//     object of its own class, and the hold is dropped: it guards nothing.
#include <errno.h>
#include <semaphore.h>

#include "hooks_common.h"

using namespace fencedep;
using namespace fencedep::runtime;

namespace {

AddressMap lock_semaphores; // sem_t address -> 1 when made with the value 1
std::atomic<bool> lock_semaphores_ready{false};

bool is_lock_semaphore(const void *s) {
  uint64_t v;
  return lock_semaphores_ready.load(std::memory_order_acquire) &&
         lock_semaphores.find(reinterpret_cast<uint64_t>(s), &v);
}

void note_lock_semaphore(const void *s, bool lock) {
  if (!lock_semaphores_ready.load(std::memory_order_acquire)) {
    static SpinLock init_lock;
    SpinGuard g(init_lock);
    if (!lock_semaphores_ready.load(std::memory_order_relaxed)) {
      lock_semaphores.init(1u << 16);
      lock_semaphores_ready.store(true, std::memory_order_release);
    }
  }
  if (lock)
    lock_semaphores.put(reinterpret_cast<uint64_t>(s), 1);
  else
    lock_semaphores.erase(reinterpret_cast<uint64_t>(s));
}

template <typename Fn>
int hooked_sem_wait(sem_t *s, uint64_t pc, bool timed, Fn &&real_call) {
  HookScope h;
  if (!h.active())
    return real_call();
  h.ctx().timed_block = timed;
  if (is_lock_semaphore(s) && !h.state().holds_lock(reinterpret_cast<uint64_t>(s))) {
    ClassId c = cached_object_class(h.ctx(), s, ClassKind::UserLock, pc);
    lock_before(h, c, s, false, pc);
    int r = real_call();
    if (r == 0)
      lock_after(h, c, s, false, false, pc);
    return r;
  }
  ClassId c;
  if (is_lock_semaphore(s)) {
    // A handshake on a lock it holds: from now on a one-shot wait object
    // (CPython makes one per Condition.wait), any of which stands for the
    // next.
    // The wait class first: a thread that posts it once it is no longer
    // a lock semaphore must find it classed as the handshake it is.
    unlock(h, s);
    c = rt.resolver.rebind_as_wait(s, ClassKind::Semaphore);
    note_lock_semaphore(s, false);
  } else {
    // Held still when another thread turned it into a handshake by posting
    // it first: the hold ends here too.
    if (h.state().holds_lock(reinterpret_cast<uint64_t>(s)))
      unlock(h, s);
    c = cached_object_class(h.ctx(), s, ClassKind::Semaphore, pc);
  }
  wait_before(h, c, s, nullptr, pc);
  int r = real_call();
  wait_after(h, c, s, false, pc);
  return r;
}

} // namespace

extern "C" {

int sem_init(sem_t *s, int pshared, unsigned value) {
  uint64_t pc = FENCEDEP_CALLER_PC();
  int r = REAL(sem_init)(s, pshared, value);
  HookScope h;
  if (h.active() && r == 0) {
    bool lock = value == 1 && !pshared;
    note_lock_semaphore(s, lock);
    rt.resolver.note_init(s, lock ? ClassKind::UserLock : ClassKind::Semaphore, pc);
  }
  return r;
}

int sem_destroy(sem_t *s) {
  HookScope h;
  if (h.active()) {
    rt.resolver.forget(s);
    if (is_lock_semaphore(s))
      note_lock_semaphore(s, false);
  }
  return REAL(sem_destroy)(s);
}

int sem_wait(sem_t *s) {
  return hooked_sem_wait(s, FENCEDEP_CALLER_PC(), false, [&] { return REAL(sem_wait)(s); });
}

int sem_timedwait(sem_t *s, const struct timespec *ts) {
  return hooked_sem_wait(s, FENCEDEP_CALLER_PC(), true,
                         [&] { return REAL(sem_timedwait)(s, ts); });
}

int sem_clockwait(sem_t *s, clockid_t clk, const struct timespec *ts) {
  return hooked_sem_wait(s, FENCEDEP_CALLER_PC(), true,
                         [&] { return REAL(sem_clockwait)(s, clk, ts); });
}

// A successful trywait of a counting semaphore takes a unit without
// waiting: nothing to record. Of a lock semaphore it is an acquire with its
// ordering: CPython's lock.acquire() tries first and blocks only when that
// fails, so an uncontended acquire is a trywait (acquire(blocking=False)
// is the same call, and is taken for a blocking one too).
int sem_trywait(sem_t *s) {
  uint64_t pc = FENCEDEP_CALLER_PC();
  HookScope h;
  if (!h.active())
    return REAL(sem_trywait)(s);
  if (h.state().holds_lock(reinterpret_cast<uint64_t>(s))) {
    // Trying again what it holds: a handshake, polled (CPython's
    // Condition.wait(0)), or already posted by another thread. The hold
    // ends either way; it guards nothing.
    int r = REAL(sem_trywait)(s);
    ErrnoKeeper keep;
    unlock(h, s);
    if (is_lock_semaphore(s)) {
      rt.resolver.rebind_as_wait(s, ClassKind::Semaphore);
      note_lock_semaphore(s, false);
    }
    return r;
  }
  if (!is_lock_semaphore(s))
    return REAL(sem_trywait)(s);
  ClassId c = cached_object_class(h.ctx(), s, ClassKind::UserLock, pc);
  int r = REAL(sem_trywait)(s);
  if (r == 0) {
    ErrnoKeeper keep;
    lock_before(h, c, s, false, pc);
    lock_after(h, c, s, false, false, pc);
  }
  return r;
}

int sem_post(sem_t *s) {
  uint64_t pc = FENCEDEP_CALLER_PC();
  HookScope h;
  if (h.active()) {
    if (h.state().holds_lock(reinterpret_cast<uint64_t>(s))) {
      unlock(h, s);
    } else if (is_lock_semaphore(s)) {
      // Posted by another than its holder: a handshake (CPython's notify
      // releasing a waiter lock), not a lock any more.
      ClassId c = rt.resolver.rebind_as_wait(s, ClassKind::Semaphore);
      note_lock_semaphore(s, false);
      signal(h, c, s, pc);
    } else {
      signal(h, cached_object_class(h.ctx(), s, ClassKind::Semaphore, pc), s, pc);
    }
  }
  return REAL(sem_post)(s);
}

} // extern "C"
