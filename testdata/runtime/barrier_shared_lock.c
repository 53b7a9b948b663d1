// One participant holds `table_lock` across its barrier wait; another
// takes `table_lock` on its way to the barrier. Had the second come to the
// lock while the first waits, neither would arrive. Sequenced so that the
// second takes and drops the lock before the first takes it.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular wait dependency detected
// CHECK-NOT: class-predicted
// CHECK: SUMMARY: fencedep: wait-cycle {{(mutex barrier_shared_lock.c:[0-9]+:[0-9]+ in main -> barrier barrier_shared_lock.c:[0-9]+:[0-9]+ in main -> mutex barrier_shared_lock.c:[0-9]+:[0-9]+ in main|barrier barrier_shared_lock.c:[0-9]+:[0-9]+ in main -> mutex barrier_shared_lock.c:[0-9]+:[0-9]+ in main -> barrier barrier_shared_lock.c:[0-9]+:[0-9]+ in main)}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "scenario.h"

static pthread_barrier_t barrier;
static pthread_mutex_t table_lock;
static atomic_int dropped;

static void barrier_wait(void) {
  int r = pthread_barrier_wait(&barrier);
  if (r != 0 && r != PTHREAD_BARRIER_SERIAL_THREAD)
    scenario_fail("pthread_barrier_wait", r);
}

static void *holder(void *arg) {
  await_flag(&dropped, 1);
  CHECK_PT(pthread_mutex_lock(&table_lock));
  barrier_wait();
  CHECK_PT(pthread_mutex_unlock(&table_lock));
  return NULL;
}

static void *updater(void *arg) {
  CHECK_PT(pthread_mutex_lock(&table_lock));
  CHECK_PT(pthread_mutex_unlock(&table_lock));
  set_flag(&dropped, 1);
  barrier_wait();
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_barrier_init(&barrier, NULL, 2));
  CHECK_PT(pthread_mutex_init(&table_lock, NULL));
  pthread_t a, b;
  CHECK_PT(pthread_create(&a, NULL, holder, NULL));
  CHECK_PT(pthread_create(&b, NULL, updater, NULL));
  CHECK_PT(pthread_join(a, NULL));
  CHECK_PT(pthread_join(b, NULL));
  return 0;
}
