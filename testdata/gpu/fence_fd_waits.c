// Waiting on fence descriptors is waiting on their fences, whatever the
// call: poll on an exported sync_file, epoll_wait and select on others, and
// read() of a syncobj eventfd (DRM_IOCTL_SYNCOBJ_EVENTFD). Each wait
// happens under a lock that its syncobj's signaller takes before
// signalling: four cycles, each reported once.
//
// Sequencing (no real deadlock): each signaller thread runs to completion
// (lock, unlock, signal) before main takes the lock and waits; every wait
// finds its fence signalled.
//
// EXPECT-EXIT: 66
// CHECK: (poll_lock) -> (syncobj fence_fd_waits.c:{{[0-9]+:[0-9]+ in [a-z_0-9]+}}): wait, first seen
// CHECK: SUMMARY: fencedep: wait-cycle {{.*}}poll_lock{{.*}}
// CHECK: (epoll_lock) -> (syncobj fence_fd_waits.c:{{[0-9]+:[0-9]+ in [a-z_0-9]+}}): wait, first seen
// CHECK: SUMMARY: fencedep: wait-cycle {{.*}}epoll_lock{{.*}}
// CHECK: (select_lock) -> (syncobj fence_fd_waits.c:{{[0-9]+:[0-9]+ in [a-z_0-9]+}}): wait, first seen
// CHECK: SUMMARY: fencedep: wait-cycle {{.*}}select_lock{{.*}}
// CHECK: (eventfd_lock) -> (syncobj fence_fd_waits.c:{{[0-9]+:[0-9]+ in [a-z_0-9]+}}): wait, first seen
// CHECK: SUMMARY: fencedep: wait-cycle {{.*}}eventfd_lock{{.*}}
// CHECK-NOT: WARNING
#include "gpu_scenario.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>

static int drm_fd;

struct pair {
  pthread_mutex_t lock;
  uint32_t syncobj;
};

static void *signaller(void *arg) {
  struct pair *p = arg;
  CHECK_PT(pthread_mutex_lock(&p->lock));
  CHECK_PT(pthread_mutex_unlock(&p->lock));
  syncobj_signal(drm_fd, p->syncobj);
  return NULL;
}

/* Runs the signalling side of `p` to completion. */
static void signal_first(struct pair *p, const char *lock_name) {
  CHECK_PT(pthread_mutex_init(&p->lock, NULL));
  fencedep_set_class(&p->lock, lock_name);
  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, signaller, p));
  CHECK_PT(pthread_join(t, NULL));
}

int main(void) {
  drm_fd = open_render_node();
  struct pair polled = {.syncobj = SYNCOBJ_CREATE(drm_fd, 0)};
  struct pair epolled = {.syncobj = SYNCOBJ_CREATE(drm_fd, 0)};
  struct pair selected = {.syncobj = SYNCOBJ_CREATE(drm_fd, 0)};
  struct pair evented = {.syncobj = SYNCOBJ_CREATE(drm_fd, 0)};

  signal_first(&polled, "poll_lock");
  int sf = export_sync_file(drm_fd, polled.syncobj, 0);
  CHECK_PT(pthread_mutex_lock(&polled.lock));
  poll_in(sf);
  CHECK_PT(pthread_mutex_unlock(&polled.lock));
  close(sf);

  signal_first(&epolled, "epoll_lock");
  sf = export_sync_file(drm_fd, epolled.syncobj, 0);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {EPOLLIN, {.fd = sf}};
  CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, sf, &ev));
  CHECK_PT(pthread_mutex_lock(&epolled.lock));
  if (epoll_wait(ep, &ev, 1, 5000) != 1)
    scenario_fail("epoll_wait on a sync_file", ETIMEDOUT);
  CHECK_PT(pthread_mutex_unlock(&epolled.lock));
  close(ep);
  close(sf);

  signal_first(&selected, "select_lock");
  sf = export_sync_file(drm_fd, selected.syncobj, 0);
  fd_set set;
  FD_ZERO(&set);
  FD_SET(sf, &set);
  struct timeval tv = {5, 0};
  CHECK_PT(pthread_mutex_lock(&selected.lock));
  if (select(sf + 1, &set, NULL, NULL, &tv) != 1)
    scenario_fail("select on a sync_file", ETIMEDOUT);
  CHECK_PT(pthread_mutex_unlock(&selected.lock));
  close(sf);

  signal_first(&evented, "eventfd_lock");
  int efd = eventfd(0, EFD_CLOEXEC);
  CHECK_OK(efd);
  struct drm_syncobj_eventfd e = {evented.syncobj, 0, 0, efd, 0};
  CHECK_OK(drm_ioctl(drm_fd, DRM_IOCTL_SYNCOBJ_EVENTFD, &e));
  uint64_t v;
  CHECK_PT(pthread_mutex_lock(&evented.lock));
  if (read(efd, &v, sizeof v) != sizeof v)
    scenario_fail("read of a syncobj eventfd", errno);
  CHECK_PT(pthread_mutex_unlock(&evented.lock));
  close(efd);
  close(drm_fd);
  return 0;
}
