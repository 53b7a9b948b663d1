/*
 * The submit ioctls of the drivers the runtime models, as the GPU scenarios
 * and the fake render node use them: transcribed from Linux 6.12's
 * include/uapi/drm/{drm,xe,amdgpu,i915,msm,panthor,v3d,virtgpu}_drm.h
 * (Debian's linux-source-6.12), separately from the runtime's own
 * transcription (runtime/src/drm_<driver>.cpp), so that each checks the
 * other. check_uapi_layouts.sh compares both with the kernel's headers.
 */
#ifndef FENCEDEP_TESTDATA_DRM_DRIVERS_ABI_H
#define FENCEDEP_TESTDATA_DRM_DRIVERS_ABI_H

#include <linux/ioctl.h>
#include <stddef.h>
#include <stdint.h>

#include "drm_abi.h"

/* ---- drm.h: DRM_IOCTL_VERSION ------------------------------------------- */
struct drm_version {
  int version_major;
  int version_minor;
  int version_patchlevel;
  size_t name_len;
  char *name;
  size_t date_len;
  char *date;
  size_t desc_len;
  char *desc;
};
#define DRM_IOCTL_VERSION _IOWR(DRM_IOCTL_BASE, 0x00, struct drm_version)
#define DRM_IOW(nr, type) _IOW(DRM_IOCTL_BASE, nr, type)

/* ---- xe_drm.h ------------------------------------------------------------- */
struct drm_xe_sync {
  uint64_t extensions;
#define DRM_XE_SYNC_TYPE_SYNCOBJ 0x0
#define DRM_XE_SYNC_TYPE_TIMELINE_SYNCOBJ 0x1
#define DRM_XE_SYNC_TYPE_USER_FENCE 0x2
  uint32_t type;
#define DRM_XE_SYNC_FLAG_SIGNAL (1 << 0)
  uint32_t flags;
  union {
    uint32_t handle;
    uint64_t addr;
  };
  uint64_t timeline_value;
  uint64_t reserved[2];
};

struct drm_xe_exec {
  uint64_t extensions;
  uint32_t exec_queue_id;
  uint32_t num_syncs;
  uint64_t syncs;
  uint64_t address;
  uint16_t num_batch_buffer;
  uint16_t pad[3];
  uint64_t reserved[2];
};
#define DRM_IOCTL_XE_EXEC DRM_IOW(DRM_COMMAND_BASE + 0x09, struct drm_xe_exec)

struct drm_xe_wait_user_fence {
  uint64_t extensions;
  uint64_t addr;
#define DRM_XE_UFENCE_WAIT_OP_EQ 0x0
#define DRM_XE_UFENCE_WAIT_OP_NEQ 0x1
#define DRM_XE_UFENCE_WAIT_OP_GT 0x2
#define DRM_XE_UFENCE_WAIT_OP_GTE 0x3
#define DRM_XE_UFENCE_WAIT_OP_LT 0x4
#define DRM_XE_UFENCE_WAIT_OP_LTE 0x5
  uint16_t op;
#define DRM_XE_UFENCE_WAIT_FLAG_ABSTIME (1 << 0)
  uint16_t flags;
  uint32_t pad;
  uint64_t value;
  uint64_t mask;
  int64_t timeout;
  uint32_t exec_queue_id;
  uint32_t pad2;
  uint64_t reserved[2];
};
#define DRM_IOCTL_XE_WAIT_USER_FENCE \
  DRM_IOWR(DRM_COMMAND_BASE + 0x0a, struct drm_xe_wait_user_fence)

/* ---- amdgpu_drm.h --------------------------------------------------------- */
#define AMDGPU_CHUNK_ID_IB 0x01
#define AMDGPU_CHUNK_ID_FENCE 0x02
#define AMDGPU_CHUNK_ID_DEPENDENCIES 0x03
#define AMDGPU_CHUNK_ID_SYNCOBJ_IN 0x04
#define AMDGPU_CHUNK_ID_SYNCOBJ_OUT 0x05
#define AMDGPU_CHUNK_ID_BO_HANDLES 0x06
#define AMDGPU_CHUNK_ID_SCHEDULED_DEPENDENCIES 0x07
#define AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_WAIT 0x08
#define AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_SIGNAL 0x09

struct drm_amdgpu_cs_chunk {
  uint32_t chunk_id;
  uint32_t length_dw;
  uint64_t chunk_data;
};

struct drm_amdgpu_cs_in {
  uint32_t ctx_id;
  uint32_t bo_list_handle;
  uint32_t num_chunks;
  uint32_t flags;
  uint64_t chunks; /* uint64_t[num_chunks], each a struct drm_amdgpu_cs_chunk * */
};

struct drm_amdgpu_cs_out {
  uint64_t handle;
};

union drm_amdgpu_cs {
  struct drm_amdgpu_cs_in in;
  struct drm_amdgpu_cs_out out;
};

struct drm_amdgpu_cs_chunk_ib {
  uint32_t _pad;
  uint32_t flags;
  uint64_t va_start;
  uint32_t ib_bytes;
  uint32_t ip_type;
  uint32_t ip_instance;
  uint32_t ring;
};

struct drm_amdgpu_cs_chunk_dep {
  uint32_t ip_type;
  uint32_t ip_instance;
  uint32_t ring;
  uint32_t ctx_id;
  uint64_t handle;
};

struct drm_amdgpu_cs_chunk_sem {
  uint32_t handle;
};

struct drm_amdgpu_cs_chunk_syncobj {
  uint32_t handle;
  uint32_t flags;
  uint64_t point;
};

struct drm_amdgpu_wait_cs_in {
  uint64_t handle;
  uint64_t timeout;
  uint32_t ip_type;
  uint32_t ip_instance;
  uint32_t ring;
  uint32_t ctx_id;
};

struct drm_amdgpu_wait_cs_out {
  uint64_t status;
};

union drm_amdgpu_wait_cs {
  struct drm_amdgpu_wait_cs_in in;
  struct drm_amdgpu_wait_cs_out out;
};

struct drm_amdgpu_ctx_in {
  uint32_t op;
  uint32_t flags;
  uint32_t ctx_id;
  int32_t priority;
};

union drm_amdgpu_ctx_out {
  struct {
    uint32_t ctx_id;
    uint32_t _pad;
  } alloc;
  struct {
    uint64_t flags;
    uint32_t hangs;
    uint32_t reset_status;
  } state;
  struct {
    uint32_t flags;
    uint32_t _pad;
  } pstate;
};

union drm_amdgpu_ctx {
  struct drm_amdgpu_ctx_in in;
  union drm_amdgpu_ctx_out out;
};
#define AMDGPU_CTX_OP_ALLOC_CTX 1
#define AMDGPU_CTX_OP_FREE_CTX 2

#define AMDGPU_HW_IP_GFX 0
#define AMDGPU_HW_IP_COMPUTE 1

#define DRM_IOCTL_AMDGPU_CTX DRM_IOWR(DRM_COMMAND_BASE + 0x02, union drm_amdgpu_ctx)
#define DRM_IOCTL_AMDGPU_CS DRM_IOWR(DRM_COMMAND_BASE + 0x04, union drm_amdgpu_cs)
#define DRM_IOCTL_AMDGPU_WAIT_CS DRM_IOWR(DRM_COMMAND_BASE + 0x09, union drm_amdgpu_wait_cs)

/* ---- i915_drm.h ----------------------------------------------------------- */
struct drm_i915_gem_exec_fence {
  uint32_t handle;
#define I915_EXEC_FENCE_WAIT (1 << 0)
#define I915_EXEC_FENCE_SIGNAL (1 << 1)
  uint32_t flags;
};

struct i915_user_extension {
  uint64_t next_extension;
  uint32_t name;
  uint32_t flags;
  uint32_t rsvd[4];
};

struct drm_i915_gem_execbuffer_ext_timeline_fences {
#define DRM_I915_GEM_EXECBUFFER_EXT_TIMELINE_FENCES 0
  struct i915_user_extension base;
  uint64_t fence_count;
  uint64_t handles_ptr;
  uint64_t values_ptr;
};

struct drm_i915_gem_execbuffer2 {
  uint64_t buffers_ptr;
  uint32_t buffer_count;
  uint32_t batch_start_offset;
  uint32_t batch_len;
  uint32_t DR1;
  uint32_t DR4;
  uint32_t num_cliprects;
  uint64_t cliprects_ptr;
  uint64_t flags;
  uint64_t rsvd1;
  uint64_t rsvd2;
};
#define I915_EXEC_RING_MASK (0x3f)
#define I915_EXEC_RENDER (1 << 0)
#define I915_EXEC_BLT (3 << 0)
#define I915_EXEC_FENCE_IN (1 << 16)
#define I915_EXEC_FENCE_OUT (1 << 17)
#define I915_EXEC_FENCE_ARRAY (1 << 19)
#define I915_EXEC_FENCE_SUBMIT (1 << 20)
#define I915_EXEC_USE_EXTENSIONS (1 << 21)
#define DRM_IOCTL_I915_GEM_EXECBUFFER2_WR                                       \
  DRM_IOWR(DRM_COMMAND_BASE + 0x29, struct drm_i915_gem_execbuffer2)

/* ---- msm_drm.h ------------------------------------------------------------ */
struct drm_msm_timespec {
  int64_t tv_sec;
  int64_t tv_nsec;
};

struct drm_msm_gem_submit_syncobj {
  uint32_t handle;
  uint32_t flags;
  uint64_t point;
};

struct drm_msm_gem_submit {
  uint32_t flags;
  uint32_t fence;
  uint32_t nr_bos;
  uint32_t nr_cmds;
  uint64_t bos;
  uint64_t cmds;
  int32_t fence_fd;
  uint32_t queueid;
  uint64_t in_syncobjs;
  uint64_t out_syncobjs;
  uint32_t nr_in_syncobjs;
  uint32_t nr_out_syncobjs;
  uint32_t syncobj_stride;
  uint32_t pad;
};
#define MSM_PIPE_3D0 0x10
#define MSM_SUBMIT_FENCE_FD_IN 0x40000000
#define MSM_SUBMIT_FENCE_FD_OUT 0x20000000
#define MSM_SUBMIT_SYNCOBJ_IN 0x08000000
#define MSM_SUBMIT_SYNCOBJ_OUT 0x04000000

struct drm_msm_wait_fence {
  uint32_t fence;
  uint32_t flags;
  struct drm_msm_timespec timeout;
  uint32_t queueid;
};
#define DRM_IOCTL_MSM_GEM_SUBMIT DRM_IOWR(DRM_COMMAND_BASE + 0x06, struct drm_msm_gem_submit)
#define DRM_IOCTL_MSM_WAIT_FENCE DRM_IOW(DRM_COMMAND_BASE + 0x07, struct drm_msm_wait_fence)

/* ---- panthor_drm.h -------------------------------------------------------- */
struct drm_panthor_obj_array {
  uint32_t stride;
  uint32_t count;
  uint64_t array;
};

#define DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_MASK 0xff
#define DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_SYNCOBJ 0
#define DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ 1
#define DRM_PANTHOR_SYNC_OP_WAIT 0u
#define DRM_PANTHOR_SYNC_OP_SIGNAL (1u << 31)
struct drm_panthor_sync_op {
  uint32_t flags;
  uint32_t handle;
  uint64_t timeline_value;
};

struct drm_panthor_queue_submit {
  uint32_t queue_index;
  uint32_t stream_size;
  uint64_t stream_addr;
  uint32_t latest_flush;
  uint32_t pad;
  struct drm_panthor_obj_array syncs;
};

struct drm_panthor_group_submit {
  uint32_t group_handle;
  uint32_t pad;
  struct drm_panthor_obj_array queue_submits;
};
#define DRM_IOCTL_PANTHOR_GROUP_SUBMIT                                          \
  DRM_IOWR(DRM_COMMAND_BASE + 0x09, struct drm_panthor_group_submit)

/* ---- v3d_drm.h ------------------------------------------------------------ */
struct drm_v3d_extension {
  uint64_t next;
  uint32_t id;
#define DRM_V3D_EXT_ID_MULTI_SYNC 0x01
  uint32_t flags;
};

struct drm_v3d_sem {
  uint32_t handle;
  uint32_t flags;
  uint64_t point;
  uint64_t mbz[2];
};

enum v3d_queue { V3D_BIN, V3D_RENDER, V3D_TFU, V3D_CSD, V3D_CACHE_CLEAN, V3D_CPU };

struct drm_v3d_multi_sync {
  struct drm_v3d_extension base;
  uint64_t in_syncs;
  uint64_t out_syncs;
  uint32_t in_sync_count;
  uint32_t out_sync_count;
  uint32_t wait_stage;
  uint32_t pad;
};

#define DRM_V3D_SUBMIT_EXTENSION 0x02
struct drm_v3d_submit_cl {
  uint32_t bcl_start;
  uint32_t bcl_end;
  uint32_t rcl_start;
  uint32_t rcl_end;
  uint32_t in_sync_bcl;
  uint32_t in_sync_rcl;
  uint32_t out_sync;
  uint32_t qma;
  uint32_t qms;
  uint32_t qts;
  uint64_t bo_handles;
  uint32_t bo_handle_count;
  uint32_t flags;
  uint32_t perfmon_id;
  uint32_t pad;
  uint64_t extensions;
};

struct drm_v3d_submit_csd {
  uint32_t cfg[7];
  uint32_t coef[4];
  uint64_t bo_handles;
  uint32_t bo_handle_count;
  uint32_t in_sync;
  uint32_t out_sync;
  uint32_t perfmon_id;
  uint64_t extensions;
  uint32_t flags;
  uint32_t pad;
};
#define DRM_IOCTL_V3D_SUBMIT_CL DRM_IOWR(DRM_COMMAND_BASE + 0x00, struct drm_v3d_submit_cl)
#define DRM_IOCTL_V3D_SUBMIT_CSD DRM_IOW(DRM_COMMAND_BASE + 0x07, struct drm_v3d_submit_csd)

/* ---- virtgpu_drm.h -------------------------------------------------------- */
#define VIRTGPU_EXECBUF_FENCE_FD_IN 0x01
#define VIRTGPU_EXECBUF_FENCE_FD_OUT 0x02
#define VIRTGPU_EXECBUF_RING_IDX 0x04

struct drm_virtgpu_execbuffer_syncobj {
  uint32_t handle;
  uint32_t flags;
  uint64_t point;
};

struct drm_virtgpu_execbuffer {
  uint32_t flags;
  uint32_t size;
  uint64_t command;
  uint64_t bo_handles;
  uint32_t num_bo_handles;
  int32_t fence_fd;
  uint32_t ring_idx;
  uint32_t syncobj_stride;
  uint32_t num_in_syncobjs;
  uint32_t num_out_syncobjs;
  uint64_t in_syncobjs;
  uint64_t out_syncobjs;
};
#define DRM_IOCTL_VIRTGPU_EXECBUFFER                                            \
  DRM_IOWR(DRM_COMMAND_BASE + 0x02, struct drm_virtgpu_execbuffer)

/* Sizes and offsets, Linux 6.12 (checked against the kernel's own headers
 * by check_uapi_layouts.sh). */
_Static_assert(sizeof(struct drm_version) == 64, "drm_version");
_Static_assert(sizeof(struct drm_xe_sync) == 48, "drm_xe_sync");
_Static_assert(sizeof(struct drm_xe_exec) == 56, "drm_xe_exec");
_Static_assert(sizeof(union drm_amdgpu_cs) == 24, "drm_amdgpu_cs");
_Static_assert(sizeof(struct drm_amdgpu_cs_chunk_ib) == 32, "drm_amdgpu_cs_chunk_ib");
_Static_assert(sizeof(struct drm_amdgpu_cs_chunk_dep) == 24, "drm_amdgpu_cs_chunk_dep");
_Static_assert(sizeof(union drm_amdgpu_wait_cs) == 32, "drm_amdgpu_wait_cs");
_Static_assert(sizeof(union drm_amdgpu_ctx) == 16, "drm_amdgpu_ctx");
_Static_assert(sizeof(struct drm_i915_gem_execbuffer2) == 64, "drm_i915_gem_execbuffer2");
_Static_assert(sizeof(struct drm_i915_gem_execbuffer_ext_timeline_fences) == 56,
               "drm_i915_gem_execbuffer_ext_timeline_fences");
_Static_assert(sizeof(struct drm_msm_gem_submit) == 72, "drm_msm_gem_submit");
_Static_assert(sizeof(struct drm_msm_wait_fence) == 32, "drm_msm_wait_fence");
_Static_assert(sizeof(struct drm_panthor_queue_submit) == 40, "drm_panthor_queue_submit");
_Static_assert(sizeof(struct drm_panthor_group_submit) == 24, "drm_panthor_group_submit");
_Static_assert(sizeof(struct drm_v3d_multi_sync) == 48, "drm_v3d_multi_sync");
_Static_assert(sizeof(struct drm_v3d_submit_cl) == 72, "drm_v3d_submit_cl");
_Static_assert(sizeof(struct drm_v3d_submit_csd) == 88, "drm_v3d_submit_csd");
_Static_assert(sizeof(struct drm_virtgpu_execbuffer) == 64, "drm_virtgpu_execbuffer");

#endif /* FENCEDEP_TESTDATA_DRM_DRIVERS_ABI_H */
