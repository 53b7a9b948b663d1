// Two locks made by one macro: both pthread_mutex_init calls are at the
// macro's expansion, one line and one column, in one function, so their
// names would be equal. The report tells the two classes apart by the
// module offset of each site (and the offline door does the same after it
// symbolizes). Nested both ways by two threads, one after the other.
//
// Run without source-site keying: with it, the two calls' source chains
// (file:line:column of every frame) are equal and they are one class, a
// limit docs/model.md states ("Inlined copies"). The names must still
// differ when keying falls back to return addresses.
// RUN-OPTIONS: source_sites=0
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular locking dependency detected
// CHECK: SUMMARY: fencedep: lock-order mutex macro_two_locks.c:[[L:[0-9]+]]:[[C:[0-9]+]] in pair_create [macro_two_locks+0x[[O1:[0-9a-f]+]]] -> mutex macro_two_locks.c:[[L]]:[[C]] in pair_create [macro_two_locks+0x{{[0-9a-f]+}}] -> mutex macro_two_locks.c:[[L]]:[[C]] in pair_create [macro_two_locks+0x[[O1]]] (pid {{[0-9]+}})
// CHECK-NOT: WARNING
// The class graph offline names them apart the same way.
// GRAPH: [label="mutex macro_two_locks.c:[[L:[0-9]+]]:[[C:[0-9]+]] in pair_create [macro_two_locks+0x{{[0-9a-f]+}}]"
// GRAPH: [label="mutex macro_two_locks.c:[[L]]:[[C]] in pair_create [macro_two_locks+0x{{[0-9a-f]+}}]"
#include "scenario.h"

#define MAKE_PAIR(x, y)                                                        \
  do {                                                                         \
    if (pthread_mutex_init(x, NULL) || pthread_mutex_init(y, NULL))            \
      abort();                                                                 \
  } while (0)

struct pair {
  pthread_mutex_t a, b;
};

static struct pair *pair_create(void) {
  struct pair *p = malloc(sizeof *p);
  if (!p)
    abort();
  MAKE_PAIR(&p->a, &p->b);
  return p;
}

static void *nest(void *arg) {
  pthread_mutex_t **order = arg;
  CHECK_PT(pthread_mutex_lock(order[0]));
  CHECK_PT(pthread_mutex_lock(order[1]));
  CHECK_PT(pthread_mutex_unlock(order[1]));
  CHECK_PT(pthread_mutex_unlock(order[0]));
  return NULL;
}

int main(void) {
  struct pair *p = pair_create();
  pthread_mutex_t *ab[2] = {&p->a, &p->b}, *ba[2] = {&p->b, &p->a};
  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, nest, ab));
  CHECK_PT(pthread_join(t, NULL));
  CHECK_PT(pthread_create(&t, NULL, nest, ba));
  CHECK_PT(pthread_join(t, NULL));
  return 0;
}
