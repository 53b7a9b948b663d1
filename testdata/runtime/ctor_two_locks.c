// A constructor that makes two locks per object (`big` and `small`) is not
// a wrapper: each field keeps one class shared by every object it builds,
// whoever calls it (lockdep's per-type prediction). Objects built from two
// sites: one thread nests o1.big -> o1.small, another o2.small -> o2.big.
// No object is nested both ways, so the cycle is class-predicted; it is
// still reported (the same code run on one object would deadlock).
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular locking dependency detected
// CHECK: SUMMARY: fencedep: lock-order {{((mutex ctor_two_locks.c:(23|24):[0-9]+ in account_init -> ){2})}}mutex ctor_two_locks.c:{{(23|24):[0-9]+}} in account_init [class-predicted] (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "scenario.h"

struct account {
  pthread_mutex_t big;
  pthread_mutex_t small;
  long balance;
};

static struct account o1, o2;

__attribute__((noinline)) static void account_init(struct account *a) {
  CHECK_PT(pthread_mutex_init(&a->big, NULL));
  CHECK_PT(pthread_mutex_init(&a->small, NULL));
  a->balance = 0;
}

static void *big_then_small(void *arg) {
  struct account *a = arg;
  CHECK_PT(pthread_mutex_lock(&a->big));
  CHECK_PT(pthread_mutex_lock(&a->small));
  ++a->balance;
  CHECK_PT(pthread_mutex_unlock(&a->small));
  CHECK_PT(pthread_mutex_unlock(&a->big));
  return NULL;
}

static void *small_then_big(void *arg) {
  struct account *a = arg;
  CHECK_PT(pthread_mutex_lock(&a->small));
  CHECK_PT(pthread_mutex_lock(&a->big));
  --a->balance;
  CHECK_PT(pthread_mutex_unlock(&a->big));
  CHECK_PT(pthread_mutex_unlock(&a->small));
  return NULL;
}

int main(void) {
  account_init(&o1);
  account_init(&o2);
  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, big_then_small, &o1));
  CHECK_PT(pthread_join(t, NULL));
  CHECK_PT(pthread_create(&t, NULL, small_then_big, &o2));
  CHECK_PT(pthread_join(t, NULL));
  return 0;
}
