/*
 * The kernel ABI of DRM syncobjs and sync_files, as the scenarios and the
 * fake render node use it: include/uapi/drm/drm.h and
 * include/uapi/linux/sync_file.h, written out so that the tests need no
 * libdrm headers (and check the runtime's own transcription, which is
 * separate: runtime/src/drm_uapi.h).
 *
 * Plus the fake render node's two driver ioctls (DRM_COMMAND_BASE and up),
 * which play the GPU: FAKE_SUBMIT attaches an unsignalled fence to a
 * syncobj point, FAKE_COMPLETE signals it. The runtime does not know them:
 * they pass through it like any driver's ioctls.
 */
#ifndef FENCEDEP_TESTDATA_DRM_ABI_H
#define FENCEDEP_TESTDATA_DRM_ABI_H

#include <linux/ioctl.h>
#include <stdint.h>

#define FAKE_RENDER_NODE "/dev/dri/renderD128"

struct drm_syncobj_create {
  uint32_t handle;
  uint32_t flags;
};
#define DRM_SYNCOBJ_CREATE_SIGNALED (1u << 0)

struct drm_syncobj_destroy {
  uint32_t handle;
  uint32_t pad;
};

#define DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE (1u << 0)
#define DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE (1u << 0)
struct drm_syncobj_handle {
  uint32_t handle;
  uint32_t flags;
  int32_t fd;
  uint32_t pad;
  uint64_t point;
};

struct drm_syncobj_transfer {
  uint32_t src_handle;
  uint32_t dst_handle;
  uint64_t src_point;
  uint64_t dst_point;
  uint32_t flags;
  uint32_t pad;
};

#define DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL (1u << 0)
#define DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT (1u << 1)
#define DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE (1u << 2)
struct drm_syncobj_wait {
  uint64_t handles;
  int64_t timeout_nsec; /* absolute, CLOCK_MONOTONIC */
  uint32_t count_handles;
  uint32_t flags;
  uint32_t first_signaled;
  uint32_t pad;
  uint64_t deadline_nsec;
};

struct drm_syncobj_timeline_wait {
  uint64_t handles;
  uint64_t points;
  int64_t timeout_nsec;
  uint32_t count_handles;
  uint32_t flags;
  uint32_t first_signaled;
  uint32_t pad;
  uint64_t deadline_nsec;
};

struct drm_syncobj_eventfd {
  uint32_t handle;
  uint32_t flags;
  uint64_t point;
  int32_t fd;
  uint32_t pad;
};

struct drm_syncobj_array {
  uint64_t handles;
  uint32_t count_handles;
  uint32_t pad;
};

#define DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED (1u << 0)
struct drm_syncobj_timeline_array {
  uint64_t handles;
  uint64_t points;
  uint32_t count_handles;
  uint32_t flags;
};

#define DRM_IOCTL_BASE 'd'
#define DRM_IOWR(nr, type) _IOWR(DRM_IOCTL_BASE, nr, type)
#define DRM_IOCTL_SYNCOBJ_CREATE DRM_IOWR(0xBF, struct drm_syncobj_create)
#define DRM_IOCTL_SYNCOBJ_DESTROY DRM_IOWR(0xC0, struct drm_syncobj_destroy)
#define DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD DRM_IOWR(0xC1, struct drm_syncobj_handle)
#define DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE DRM_IOWR(0xC2, struct drm_syncobj_handle)
#define DRM_IOCTL_SYNCOBJ_WAIT DRM_IOWR(0xC3, struct drm_syncobj_wait)
#define DRM_IOCTL_SYNCOBJ_RESET DRM_IOWR(0xC4, struct drm_syncobj_array)
#define DRM_IOCTL_SYNCOBJ_SIGNAL DRM_IOWR(0xC5, struct drm_syncobj_array)
#define DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT DRM_IOWR(0xCA, struct drm_syncobj_timeline_wait)
#define DRM_IOCTL_SYNCOBJ_QUERY DRM_IOWR(0xCB, struct drm_syncobj_timeline_array)
#define DRM_IOCTL_SYNCOBJ_TRANSFER DRM_IOWR(0xCC, struct drm_syncobj_transfer)
#define DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL DRM_IOWR(0xCD, struct drm_syncobj_timeline_array)
#define DRM_IOCTL_SYNCOBJ_EVENTFD DRM_IOWR(0xCF, struct drm_syncobj_eventfd)

/* sync_file */
struct sync_merge_data {
  char name[32];
  int32_t fd2;
  int32_t fence;
  uint32_t flags;
  uint32_t pad;
};

struct sync_fence_info {
  char obj_name[32];
  char driver_name[32];
  int32_t status;
  uint32_t flags;
  uint64_t timestamp_ns;
};

struct sync_file_info {
  char name[32];
  int32_t status;
  uint32_t flags;
  uint32_t num_fences;
  uint32_t pad;
  uint64_t sync_fence_info;
};

#define SYNC_IOC_MAGIC '>'
#define SYNC_IOC_MERGE _IOWR(SYNC_IOC_MAGIC, 3, struct sync_merge_data)
#define SYNC_IOC_FILE_INFO _IOWR(SYNC_IOC_MAGIC, 4, struct sync_file_info)

/* The fake render node's driver ioctls. */
struct fake_job {
  uint32_t handle;
  uint32_t pad;
  uint64_t point; /* 0: the binary fence */
};
#define DRM_COMMAND_BASE 0x40
#define FAKE_IOCTL_SUBMIT DRM_IOWR(DRM_COMMAND_BASE + 0x00, struct fake_job)
#define FAKE_IOCTL_COMPLETE DRM_IOWR(DRM_COMMAND_BASE + 0x01, struct fake_job)

#endif /* FENCEDEP_TESTDATA_DRM_ABI_H */
