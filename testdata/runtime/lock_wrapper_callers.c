// A one-line lock wrapper (`lock()`, inlined into its callers) called from
// several functions: each held lock's `at:` names the function that called
// the wrapper, not the wrapper. The locks print as reports name them: one
// made at run time by its creation site with column and function, a static
// one by its own symbol, one inside a static structure by symbol + offset.
//
// The first thread nests queue_lock -> the ring's lock. The second (run
// after it) takes g_state.lk in take_state(), the ring's lock in
// take_ring(), then queue_lock in take_queue(): the inversion is reported
// from there, holding two locks, each taken through the wrapper.
//
// The JSON keeps the recorded frame (`at`, the wrapper, with the caller it
// was inlined into) and names the place the text shows (`place`).
//
// RUN-OPTIONS: json=%t.json
// EXPECT-EXIT: 66
// OUTPUT-FILE: JSON %t.json
// JSON: "held":[{"class":{{.*}}"display":"mutex g_state+0x40"
// JSON-SAME: "at":{{[{][^}]*}}"function":"lock",{{[^}]*}}"inlined_into":{{[{][^}]*}}"function":"take_state"
// JSON-SAME: "place":{{[{][^}]*}}"function":"take_state"
// CHECK: WARNING: possible circular locking dependency detected
// CHECK: thread {{[0-9]+}} is trying to lock(mutex queue_lock);
#include "scenario.h"

static inline __attribute__((always_inline)) void lock(pthread_mutex_t *m) { CHECK_PT(pthread_mutex_lock(m)); }
static inline __attribute__((always_inline)) void unlock(pthread_mutex_t *m) { CHECK_PT(pthread_mutex_unlock(m)); }

struct ring {
  pthread_mutex_t lock;
};

pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
  int counters[16]; // 64 bytes before the lock
  pthread_mutex_t lk;
} g_state = {.lk = PTHREAD_MUTEX_INITIALIZER};

static struct ring *ring_create(void) {
  struct ring *r = malloc(sizeof *r);
  if (!r)
    abort();
  CHECK_PT(pthread_mutex_init(&r->lock, NULL));
  return r;
}

static void *queue_then_ring(void *arg) {
  struct ring *r = arg;
  lock(&queue_lock);
  lock(&r->lock);
  unlock(&r->lock);
  unlock(&queue_lock);
  return NULL;
}

static void take_state(void) {
  lock(&g_state.lk); // CHECK: 2 locks held by thread {{[0-9]+}}:
  // CHECK-NEXT: #0: (mutex g_state+0x40), at: take_state lock_wrapper_callers.c:[[#@LINE-1]]:{{[0-9]+}}
}

static void take_ring(struct ring *r) {
  lock(&r->lock); // CHECK-NEXT: #1: (mutex lock_wrapper_callers.c:[[#@LINE-19]]:{{[0-9]+}} in ring_create), at: take_ring lock_wrapper_callers.c:[[#@LINE]]:{{[0-9]+}}
}

static void take_queue(void) { lock(&queue_lock); }

static void *state_ring_queue(void *arg) {
  struct ring *r = arg;
  take_state();
  take_ring(r);
  take_queue();
  unlock(&queue_lock);
  unlock(&r->lock);
  unlock(&g_state.lk);
  return NULL;
}

int main(void) {
  struct ring *r = ring_create();
  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, queue_then_ring, r));
  CHECK_PT(pthread_join(t, NULL));
  CHECK_PT(pthread_create(&t, NULL, state_ring_queue, r));
  CHECK_PT(pthread_join(t, NULL));
  return 0;
}

// CHECK: SUMMARY: fencedep: lock-order {{(mutex queue_lock -> mutex lock_wrapper_callers.c:[0-9]+:[0-9]+ in ring_create -> mutex queue_lock|mutex lock_wrapper_callers.c:[0-9]+:[0-9]+ in ring_create -> mutex queue_lock -> mutex lock_wrapper_callers.c:[0-9]+:[0-9]+ in ring_create)}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
