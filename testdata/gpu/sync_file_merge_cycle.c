// SYNC_IOC_MERGE makes a sync_file that signals only when both inputs have:
// waiting on the merged fence is waiting on each input. Here a thread polls
// a merged sync_file while holding a lock that the signaller of one input
// takes before it signals: the cycle runs through the merge.
//
// Sequencing (no real deadlock): the signaller takes and drops the lock and
// signals `render`; only then are the sync_files exported and merged, and
// the poll under the lock finds the merged fence signalled.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular wait dependency detected
// CHECK: thread {{[0-9]+}} is trying to wait(sync-file sync_file_merge_cycle.c:{{[0-9]+:[0-9]+ in [a-z_0-9]+}});
// CHECK-DAG: (sync-file sync_file_merge_cycle.c:{{[0-9]+:[0-9]+ in [a-z_0-9]+}}) -> (syncobj sync_file_merge_cycle.c:[[RENDER:[0-9]+]]:{{[0-9]+ in [a-z_0-9]+}}): await, first seen
// CHECK-DAG: (syncobj sync_file_merge_cycle.c:[[RENDER]]:{{[0-9]+ in [a-z_0-9]+}}) -> (present_lock): signal, first seen
// CHECK-DAG: (present_lock) -> (sync-file sync_file_merge_cycle.c:{{[0-9]+:[0-9]+ in [a-z_0-9]+}}): wait, first seen
// CHECK: SUMMARY: fencedep: wait-cycle {{.*}}sync-file sync_file_merge_cycle.c:{{[0-9]+:[0-9]+ in [a-z_0-9]+}}{{.*}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "gpu_scenario.h"

static pthread_mutex_t present_lock;
static int drm_fd;
static uint32_t render, copy;
static atomic_int signalled;

static void *renderer(void *arg) {
  CHECK_PT(pthread_mutex_lock(&present_lock));
  CHECK_PT(pthread_mutex_unlock(&present_lock));
  syncobj_signal(drm_fd, render);
  set_flag(&signalled, 1);
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&present_lock, NULL));
  fencedep_set_class(&present_lock, "present_lock");
  drm_fd = open_render_node();
  render = SYNCOBJ_CREATE(drm_fd, 0);
  copy = SYNCOBJ_CREATE(drm_fd, DRM_SYNCOBJ_CREATE_SIGNALED);

  pthread_t r;
  CHECK_PT(pthread_create(&r, NULL, renderer, NULL));
  await_flag(&signalled, 1);

  int render_fd = export_sync_file(drm_fd, render, 0);
  int copy_fd = export_sync_file(drm_fd, copy, 0);
  int both = SYNC_FILE_MERGE(render_fd, copy_fd);
  CHECK_PT(pthread_mutex_lock(&present_lock));
  poll_in(both);
  CHECK_PT(pthread_mutex_unlock(&present_lock));

  CHECK_PT(pthread_join(r, NULL));
  close(both);
  close(copy_fd);
  close(render_fd);
  return 0;
}
