/*
 * Helpers for the GPU scenarios: the fake render node (fake_render_node.c)
 * stands in for a GPU, and the programs drive it through plain ioctl()
 * calls, as libdrm would.
 *
 * Syncobjs are created with the SYNCOBJ_CREATE macro (and sync_files merged
 * with SYNC_FILE_MERGE) so that the ioctl is called on the scenario's own
 * line: a fence's class is its creation site. Every helper checks its
 * result and exits with status 2 on failure (scenario.h), so a broken
 * scenario is never mistaken for a clean one.
 */
#ifndef FENCEDEP_TESTDATA_GPU_SCENARIO_H
#define FENCEDEP_TESTDATA_GPU_SCENARIO_H

#include "scenario.h"

#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "drm_abi.h"

/* drmIoctl's loop: retry when interrupted. */
static inline int drm_ioctl(int fd, unsigned long req, void *arg) {
  int r;
  do
    r = ioctl(fd, req, arg);
  while (r == -1 && (errno == EINTR || errno == EAGAIN));
  return r;
}

static inline int open_render_node(void) {
  int fd = open(FAKE_RENDER_NODE, O_RDWR | O_CLOEXEC);
  if (fd < 0)
    scenario_fail("open " FAKE_RENDER_NODE " (is the fake render node preloaded?)", errno);
  return fd;
}

/* A new syncobj handle; FLAGS: 0 or DRM_SYNCOBJ_CREATE_SIGNALED. */
#define SYNCOBJ_CREATE(fd, flags)                                              \
  ({                                                                           \
    struct drm_syncobj_create c_ = {0, (flags)};                              \
    if (ioctl((fd), DRM_IOCTL_SYNCOBJ_CREATE, &c_) != 0)                       \
      scenario_fail("DRM_IOCTL_SYNCOBJ_CREATE", errno);                        \
    c_.handle;                                                                 \
  })

/* Absolute CLOCK_MONOTONIC deadline `ms` from now, as syncobj waits want. */
static inline int64_t deadline_ms(int64_t ms) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + ms * 1000000;
}

static inline void syncobj_signal(int fd, uint32_t handle) {
  struct drm_syncobj_array a = {(uint64_t)(uintptr_t)&handle, 1, 0};
  if (drm_ioctl(fd, DRM_IOCTL_SYNCOBJ_SIGNAL, &a) != 0)
    scenario_fail("DRM_IOCTL_SYNCOBJ_SIGNAL", errno);
}

static inline void timeline_signal(int fd, uint32_t handle, uint64_t point) {
  struct drm_syncobj_timeline_array a = {(uint64_t)(uintptr_t)&handle,
                                         (uint64_t)(uintptr_t)&point, 1, 0};
  if (drm_ioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &a) != 0)
    scenario_fail("DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL", errno);
}

/* Waits (5 s at most) for one binary syncobj. */
static inline void syncobj_wait(int fd, uint32_t handle, uint32_t flags) {
  struct drm_syncobj_wait w = {(uint64_t)(uintptr_t)&handle, deadline_ms(5000), 1, flags, 0, 0, 0};
  if (drm_ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w) != 0)
    scenario_fail("DRM_IOCTL_SYNCOBJ_WAIT", errno);
}

/* Waits (5 s at most) for a timeline point. */
static inline void timeline_wait(int fd, uint32_t handle, uint64_t point, uint32_t flags) {
  struct drm_syncobj_timeline_wait w = {(uint64_t)(uintptr_t)&handle,
                                        (uint64_t)(uintptr_t)&point,
                                        deadline_ms(5000), 1, flags, 0, 0, 0};
  if (drm_ioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w) != 0)
    scenario_fail("DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT", errno);
}

/* A sync_file of the syncobj's fence (at `point` on a timeline). */
static inline int export_sync_file(int fd, uint32_t handle, uint64_t point) {
  struct drm_syncobj_handle a = {handle, DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE, -1, 0,
                                 point};
  if (drm_ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &a) != 0)
    scenario_fail("DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD (sync_file)", errno);
  return a.fd;
}

/* The syncobj itself as an fd, to pass to another process. */
static inline int export_syncobj(int fd, uint32_t handle) {
  struct drm_syncobj_handle a = {handle, 0, -1, 0, 0};
  if (drm_ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &a) != 0)
    scenario_fail("DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD", errno);
  return a.fd;
}

static inline uint32_t import_syncobj(int fd, int syncobj_fd) {
  struct drm_syncobj_handle a = {0, 0, syncobj_fd, 0, 0};
  if (drm_ioctl(fd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &a) != 0)
    scenario_fail("DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE", errno);
  return a.handle;
}

/* A sync_file that signals when both A and B have; a macro for the same
 * reason as SYNCOBJ_CREATE (a merged fence's class is the merge site). */
#define SYNC_FILE_MERGE(a, b)                                                  \
  ({                                                                           \
    struct sync_merge_data m_ = {"merged", (b), -1, 0, 0};                     \
    if (ioctl((a), SYNC_IOC_MERGE, &m_) != 0)                                  \
      scenario_fail("SYNC_IOC_MERGE", errno);                                  \
    m_.fence;                                                                  \
  })

/* Blocks (5 s at most) until `fd` is readable. */
static inline void poll_in(int fd) {
  struct pollfd p = {fd, POLLIN, 0};
  int r = poll(&p, 1, 5000);
  if (r != 1)
    scenario_fail("poll for a fence fd", r == 0 ? ETIMEDOUT : errno);
}

#endif /* FENCEDEP_TESTDATA_GPU_SCENARIO_H */
