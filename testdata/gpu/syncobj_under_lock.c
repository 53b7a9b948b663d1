// A thread waits on a binary syncobj (DRM_IOCTL_SYNCOBJ_WAIT) while holding
// a lock that the signalling thread takes before it signals.
//
// Sequencing (no real deadlock): the signaller takes and drops the lock,
// signals the syncobj and says so through an atomic; only then does the
// waiter take the lock and wait, and the wait returns at once.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular wait dependency detected
// CHECK: thread {{[0-9]+}} is trying to wait(syncobj syncobj_under_lock.c:{{[0-9]+:[0-9]+ in [a-z_0-9]+}});
// CHECK: (queue_lock) -> (syncobj syncobj_under_lock.c:{{[0-9]+:[0-9]+ in [a-z_0-9]+}}): wait, first seen
// CHECK: SUMMARY: fencedep: wait-cycle {{(queue_lock -> syncobj [^ ]+:[0-9]+:[0-9]+ in [a-z_0-9]+ -> queue_lock|syncobj [^ ]+:[0-9]+:[0-9]+ in [a-z_0-9]+ -> queue_lock -> syncobj [^ ]+:[0-9]+:[0-9]+ in [a-z_0-9]+)}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "gpu_scenario.h"

static pthread_mutex_t queue_lock;
static int drm_fd;
static uint32_t job_done;
static atomic_int signalled;

static void *signaller(void *arg) {
  CHECK_PT(pthread_mutex_lock(&queue_lock));
  CHECK_PT(pthread_mutex_unlock(&queue_lock));
  syncobj_signal(drm_fd, job_done);
  set_flag(&signalled, 1);
  return NULL;
}

static void *waiter(void *arg) {
  await_flag(&signalled, 1);
  CHECK_PT(pthread_mutex_lock(&queue_lock));
  syncobj_wait(drm_fd, job_done, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL);
  CHECK_PT(pthread_mutex_unlock(&queue_lock));
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&queue_lock, NULL));
  fencedep_set_class(&queue_lock, "queue_lock");
  drm_fd = open_render_node();
  job_done = SYNCOBJ_CREATE(drm_fd, 0);

  pthread_t s, w;
  CHECK_PT(pthread_create(&s, NULL, signaller, NULL));
  CHECK_PT(pthread_create(&w, NULL, waiter, NULL));
  CHECK_PT(pthread_join(w, NULL));
  CHECK_PT(pthread_join(s, NULL));
  return 0;
}
