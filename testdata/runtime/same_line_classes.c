// Two locks of one object made on one source line (a constructor written
// as `init(&p->a); init(&p->b);`, or a macro): two classes whose sites
// differ only by column. Nested both ways by two threads (sequenced: no
// real deadlock). The report must tell them apart: each class is printed
// with its column (and the function making it), never two classes under
// one name.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular locking dependency detected
// CHECK: SUMMARY: fencedep: lock-order mutex same_line_classes.c:[[LINE:[0-9]+]]:[[C1:[0-9]+]] in pair_create -> mutex same_line_classes.c:[[LINE]]:[[C2:[0-9]+]] in pair_create -> mutex same_line_classes.c:[[LINE]]:[[C1]] in pair_create (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include <stdlib.h>

#include "scenario.h"

struct pair {
  pthread_mutex_t a, b;
};

static struct pair *pair_create(void) {
  struct pair *p = malloc(sizeof *p);
  if (!p)
    abort();
  CHECK_PT(pthread_mutex_init(&p->a, NULL)); CHECK_PT(pthread_mutex_init(&p->b, NULL));
  return p;
}

static void *nest_ab(void *arg) {
  struct pair *p = arg;
  CHECK_PT(pthread_mutex_lock(&p->a));
  CHECK_PT(pthread_mutex_lock(&p->b));
  CHECK_PT(pthread_mutex_unlock(&p->b));
  CHECK_PT(pthread_mutex_unlock(&p->a));
  return NULL;
}

static void *nest_ba(void *arg) {
  struct pair *p = arg;
  CHECK_PT(pthread_mutex_lock(&p->b));
  CHECK_PT(pthread_mutex_lock(&p->a));
  CHECK_PT(pthread_mutex_unlock(&p->a));
  CHECK_PT(pthread_mutex_unlock(&p->b));
  return NULL;
}

int main(void) {
  struct pair *p = pair_create();
  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, nest_ab, p));
  CHECK_PT(pthread_join(t, NULL));
  CHECK_PT(pthread_create(&t, NULL, nest_ba, p));
  CHECK_PT(pthread_join(t, NULL));
  return 0;
}
