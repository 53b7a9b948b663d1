// A blocking eventfd read (a wait) while holding a lock that the writing
// thread (the signal) takes first. The eventfd is unnamed: its class is its
// eventfd() call site.
//
// Sequencing (no real deadlock): the writer takes and drops the lock, says so
// through an atomic, then writes and never takes the lock again; only then
// does the reader take the lock and read.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular wait dependency detected
// CHECK: SUMMARY: fencedep: wait-cycle {{(dev_lock -> eventfd eventfd_under_lock.c:[0-9]+:[0-9]+ in main -> dev_lock|eventfd eventfd_under_lock.c:[0-9]+:[0-9]+ in main -> dev_lock -> eventfd eventfd_under_lock.c:[0-9]+:[0-9]+ in main)}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "scenario.h"

static pthread_mutex_t dev_lock;
static int efd = -1;
static atomic_int writer_dropped_lock;

static void *writer(void *arg) {
  CHECK_PT(pthread_mutex_lock(&dev_lock));
  CHECK_PT(pthread_mutex_unlock(&dev_lock));
  set_flag(&writer_dropped_lock, 1);
  uint64_t one = 1;
  if (write(efd, &one, sizeof one) != sizeof one)
    scenario_fail("eventfd write", errno);
  return NULL;
}

static void *reader(void *arg) {
  await_flag(&writer_dropped_lock, 1);
  CHECK_PT(pthread_mutex_lock(&dev_lock));
  uint64_t value = 0;
  if (read(efd, &value, sizeof value) != sizeof value || value != 1)
    scenario_fail("eventfd read", errno);
  CHECK_PT(pthread_mutex_unlock(&dev_lock));
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&dev_lock, NULL));
  fencedep_set_class(&dev_lock, "dev_lock");
  CHECK_OK(efd = eventfd(0, EFD_CLOEXEC));

  pthread_t w, r;
  CHECK_PT(pthread_create(&w, NULL, writer, NULL));
  CHECK_PT(pthread_create(&r, NULL, reader, NULL));
  CHECK_PT(pthread_join(r, NULL));
  CHECK_PT(pthread_join(w, NULL));
  CHECK_OK(close(efd));
  return 0;
}
