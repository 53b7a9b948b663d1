// Three-lock chain: m1 -> m2, m2 -> m3, m3 -> m1, each in its own thread, the
// threads run one after another (create/join from main, which holds
// nothing). No pair is inverted; only the three edges together form a
// cycle. The mutexes are unnamed: each class is its pthread_mutex_init call
// site (how such names print is checked by class_names.c).
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular locking dependency detected
// CHECK: which closes the dependency cycle:
// CHECK: -> #0 (mutex [[M0:chain3.c:[0-9]+:[0-9]+ in main]]) -> (mutex [[M1:chain3.c:[0-9]+:[0-9]+ in main]]): acquire
// CHECK: -> #1 (mutex [[M1]]) -> (mutex [[M2:chain3.c:[0-9]+:[0-9]+ in main]]): acquire
// CHECK: -> #2 (mutex [[M2]]) -> (mutex [[M0]]): acquire
// CHECK: SUMMARY: fencedep: lock-order mutex [[M0]] -> mutex [[M1]] -> mutex [[M2]] -> mutex [[M0]] (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "scenario.h"

static pthread_mutex_t m1, m2, m3;

struct pair {
  pthread_mutex_t *outer, *inner;
};

static void *nest(void *arg) {
  struct pair *p = arg;
  CHECK_PT(pthread_mutex_lock(p->outer));
  CHECK_PT(pthread_mutex_lock(p->inner));
  CHECK_PT(pthread_mutex_unlock(p->inner));
  CHECK_PT(pthread_mutex_unlock(p->outer));
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&m1, NULL));
  CHECK_PT(pthread_mutex_init(&m2, NULL));
  CHECK_PT(pthread_mutex_init(&m3, NULL));

  struct pair steps[3] = {{&m1, &m2}, {&m2, &m3}, {&m3, &m1}};
  for (int i = 0; i < 3; ++i) {
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, nest, &steps[i]));
    CHECK_PT(pthread_join(t, NULL));
  }
  return 0;
}
