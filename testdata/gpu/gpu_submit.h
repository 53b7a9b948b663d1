/*
 * GPU submissions for the scenarios, through the submit ioctl of the driver
 * the fake render node plays (FAKE_DRM_DRIVER), encoded the way each
 * driver's userspace encodes them (drm_drivers_abi.h):
 *
 *   xe       DRM_IOCTL_XE_EXEC, a struct drm_xe_sync per fence
 *   amdgpu   DRM_IOCTL_AMDGPU_CS: an IB chunk for the ring, SYNCOBJ_IN/OUT
 *            for binary syncobjs, SYNCOBJ_TIMELINE_WAIT/SIGNAL for points
 *   i915     DRM_IOCTL_I915_GEM_EXECBUFFER2_WR: FENCE_ARRAY for binary
 *            syncobjs, the timeline fences extension for points, FENCE_IN
 *            and FENCE_OUT for sync_files
 *   msm      DRM_IOCTL_MSM_GEM_SUBMIT with syncobj arrays and fence fds
 *   panthor  DRM_IOCTL_PANTHOR_GROUP_SUBMIT, one queue submit of sync ops
 *   v3d      DRM_IOCTL_V3D_SUBMIT_CL (queue 0) or _CSD (queue 1) with the
 *            multisync extension; v3d has no timeline points
 *   virtio_gpu DRM_IOCTL_VIRTGPU_EXECBUFFER with syncobj arrays and fence fds
 *
 * Every helper exits with status 2 on failure (scenario.h).
 */
#ifndef FENCEDEP_TESTDATA_GPU_SUBMIT_H
#define FENCEDEP_TESTDATA_GPU_SUBMIT_H

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "drm_drivers_abi.h"
#include "gpu_scenario.h"

enum gpu_driver { GPU_XE, GPU_AMDGPU, GPU_I915, GPU_MSM, GPU_PANTHOR, GPU_V3D, GPU_VIRTGPU };

static inline enum gpu_driver gpu_driver(void) {
  static const char *const names[] = {"xe",  "amdgpu",  "i915", "msm",
                                      "panthor", "v3d", "virtio_gpu"};
  /* Looked up once: a driver does not read its environment per submission,
   * and bench/submit_heavy.c's native figure should not either. */
  static _Atomic int cached = -1;
  int c = atomic_load_explicit(&cached, memory_order_relaxed);
  if (c >= 0)
    return (enum gpu_driver)c;
  const char *d = getenv("FAKE_DRM_DRIVER");
  for (int i = 0; d && i < (int)(sizeof names / sizeof names[0]); ++i)
    if (strcmp(d, names[i]) == 0) {
      atomic_store_explicit(&cached, i, memory_order_relaxed);
      return (enum gpu_driver)i;
    }
  scenario_fail("FAKE_DRM_DRIVER names no driver the scenario knows", EINVAL);
  return GPU_XE;
}

/* v3d takes syncobjs as binary ones: points are for the others. */
static inline int gpu_has_timelines(void) { return gpu_driver() != GPU_V3D; }

struct gpu_sync {
  uint32_t handle;
  uint64_t point; /* 0: a binary syncobj (its fence) */
};

#define GPU_MAX_SYNCS 4

struct gpu_job {
  uint32_t queue; /* 0 or 1: two queues of one context (v3d: CL, CSD) */
  int nin, nout;
  struct gpu_sync in[GPU_MAX_SYNCS];
  struct gpu_sync out[GPU_MAX_SYNCS];
  /* amdgpu: the kernel waits inside the call for the in-points' submission
   * (DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT in the timeline wait chunk). */
  int wait_for_submit;
  int in_fd;       /* a sync_file to wait on (i915, msm, virtio-gpu), or -1 */
  int want_out_fd; /* a sync_file of the job back (i915, msm, virtio-gpu) */
  /* xe: a user fence the job writes, `ufence_value` at `ufence` (NULL: none) */
  volatile uint64_t *ufence;
  uint64_t ufence_value;
  /* results */
  uint64_t seq; /* amdgpu: the job's sequence number; msm: its fence */
  int out_fd;
};

static inline struct gpu_job gpu_job_on(uint32_t queue) {
  struct gpu_job j;
  memset(&j, 0, sizeof j);
  j.queue = queue;
  j.in_fd = -1;
  j.out_fd = -1;
  return j;
}
static inline void gpu_wait_on(struct gpu_job *j, uint32_t handle, uint64_t point) {
  j->in[j->nin].handle = handle;
  j->in[j->nin++].point = point;
}
static inline void gpu_signal(struct gpu_job *j, uint32_t handle, uint64_t point) {
  j->out[j->nout].handle = handle;
  j->out[j->nout++].point = point;
}

static inline uint32_t gpu_amdgpu_ctx(int fd) {
  static uint32_t ctx;
  if (!ctx) {
    union drm_amdgpu_ctx c;
    memset(&c, 0, sizeof c);
    c.in.op = AMDGPU_CTX_OP_ALLOC_CTX;
    if (drm_ioctl(fd, DRM_IOCTL_AMDGPU_CTX, &c) != 0)
      scenario_fail("DRM_IOCTL_AMDGPU_CTX", errno);
    ctx = c.out.alloc.ctx_id;
  }
  return ctx;
}

static inline int gpu_submit_xe(int fd, struct gpu_job *j) {
  struct drm_xe_sync syncs[2 * GPU_MAX_SYNCS + 1];
  memset(syncs, 0, sizeof syncs);
  int n = 0;
  for (int i = 0; i < j->nin + j->nout; ++i, ++n) {
    const struct gpu_sync *s = i < j->nin ? &j->in[i] : &j->out[i - j->nin];
    syncs[n].type = s->point ? DRM_XE_SYNC_TYPE_TIMELINE_SYNCOBJ : DRM_XE_SYNC_TYPE_SYNCOBJ;
    syncs[n].flags = i < j->nin ? 0 : DRM_XE_SYNC_FLAG_SIGNAL;
    syncs[n].handle = s->handle;
    syncs[n].timeline_value = s->point;
  }
  if (j->ufence) {
    /* A GPU address: the fake GPU's VM maps the process at its own addresses. */
    syncs[n].type = DRM_XE_SYNC_TYPE_USER_FENCE;
    syncs[n].flags = DRM_XE_SYNC_FLAG_SIGNAL;
    syncs[n].addr = (uint64_t)(uintptr_t)j->ufence;
    syncs[n++].timeline_value = j->ufence_value;
  }
  struct drm_xe_exec e;
  memset(&e, 0, sizeof e);
  e.exec_queue_id = j->queue + 1;
  e.num_syncs = (uint32_t)n;
  e.syncs = (uint64_t)(uintptr_t)syncs;
  e.address = 0x100000;
  e.num_batch_buffer = 1;
  return drm_ioctl(fd, DRM_IOCTL_XE_EXEC, &e);
}

static inline int gpu_submit_amdgpu(int fd, struct gpu_job *j) {
  struct drm_amdgpu_cs_chunk chunks[5];
  uint64_t ptrs[5];
  struct drm_amdgpu_cs_chunk_ib ib;
  struct drm_amdgpu_cs_chunk_sem sem_in[GPU_MAX_SYNCS], sem_out[GPU_MAX_SYNCS];
  struct drm_amdgpu_cs_chunk_syncobj tl_in[GPU_MAX_SYNCS], tl_out[GPU_MAX_SYNCS];
  int nsi = 0, nso = 0, nti = 0, nto = 0, n = 0;
  memset(&ib, 0, sizeof ib);
  ib.ip_type = AMDGPU_HW_IP_GFX;
  ib.ring = j->queue;
  ib.ib_bytes = 16;
  ib.va_start = 0x100000;
  for (int i = 0; i < j->nin; ++i) {
    if (j->in[i].point) {
      tl_in[nti] = (struct drm_amdgpu_cs_chunk_syncobj){
          j->in[i].handle, j->wait_for_submit ? DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT : 0,
          j->in[i].point};
      ++nti;
    } else {
      sem_in[nsi++].handle = j->in[i].handle;
    }
  }
  for (int i = 0; i < j->nout; ++i) {
    if (j->out[i].point)
      tl_out[nto++] = (struct drm_amdgpu_cs_chunk_syncobj){j->out[i].handle, 0, j->out[i].point};
    else
      sem_out[nso++].handle = j->out[i].handle;
  }
#define GPU_CHUNK(id, data, bytes)                                                           \
  do {                                                                                       \
    chunks[n] = (struct drm_amdgpu_cs_chunk){(id), (uint32_t)((bytes) / 4),                   \
                                             (uint64_t)(uintptr_t)(data)};                   \
    ptrs[n] = (uint64_t)(uintptr_t)&chunks[n];                                               \
    ++n;                                                                                     \
  } while (0)
  GPU_CHUNK(AMDGPU_CHUNK_ID_IB, &ib, sizeof ib);
  if (nsi)
    GPU_CHUNK(AMDGPU_CHUNK_ID_SYNCOBJ_IN, sem_in, nsi * sizeof sem_in[0]);
  if (nti)
    GPU_CHUNK(AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_WAIT, tl_in, nti * sizeof tl_in[0]);
  if (nso)
    GPU_CHUNK(AMDGPU_CHUNK_ID_SYNCOBJ_OUT, sem_out, nso * sizeof sem_out[0]);
  if (nto)
    GPU_CHUNK(AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_SIGNAL, tl_out, nto * sizeof tl_out[0]);
#undef GPU_CHUNK
  union drm_amdgpu_cs cs;
  memset(&cs, 0, sizeof cs);
  cs.in.ctx_id = gpu_amdgpu_ctx(fd);
  cs.in.num_chunks = (uint32_t)n;
  cs.in.chunks = (uint64_t)(uintptr_t)ptrs;
  int r = drm_ioctl(fd, DRM_IOCTL_AMDGPU_CS, &cs);
  if (r == 0)
    j->seq = cs.out.handle;
  return r;
}

static inline int gpu_submit_i915(int fd, struct gpu_job *j) {
  struct drm_i915_gem_exec_fence f[2 * GPU_MAX_SYNCS];
  uint64_t points[2 * GPU_MAX_SYNCS];
  int n = 0, timeline = 0;
  for (int i = 0; i < j->nin + j->nout; ++i, ++n) {
    const struct gpu_sync *s = i < j->nin ? &j->in[i] : &j->out[i - j->nin];
    f[n].handle = s->handle;
    f[n].flags = i < j->nin ? I915_EXEC_FENCE_WAIT : I915_EXEC_FENCE_SIGNAL;
    points[n] = s->point;
    timeline |= s->point != 0;
  }
  struct drm_i915_gem_execbuffer_ext_timeline_fences ext;
  memset(&ext, 0, sizeof ext);
  ext.base.name = DRM_I915_GEM_EXECBUFFER_EXT_TIMELINE_FENCES;
  ext.fence_count = (uint64_t)n;
  ext.handles_ptr = (uint64_t)(uintptr_t)f;
  ext.values_ptr = (uint64_t)(uintptr_t)points;
  struct drm_i915_gem_execbuffer2 eb;
  memset(&eb, 0, sizeof eb);
  eb.batch_len = 16;
  eb.rsvd1 = j->queue + 1; /* a context per queue */
  eb.flags = I915_EXEC_RENDER;
  if (timeline) {
    eb.flags |= I915_EXEC_USE_EXTENSIONS;
    eb.cliprects_ptr = (uint64_t)(uintptr_t)&ext;
  } else if (n) {
    eb.flags |= I915_EXEC_FENCE_ARRAY;
    eb.cliprects_ptr = (uint64_t)(uintptr_t)f;
    eb.num_cliprects = (uint32_t)n;
  }
  if (j->in_fd >= 0) {
    eb.flags |= I915_EXEC_FENCE_IN;
    eb.rsvd2 = (uint32_t)j->in_fd;
  }
  if (j->want_out_fd)
    eb.flags |= I915_EXEC_FENCE_OUT;
  int r = drm_ioctl(fd, DRM_IOCTL_I915_GEM_EXECBUFFER2_WR, &eb);
  if (r == 0 && j->want_out_fd)
    j->out_fd = (int)(eb.rsvd2 >> 32);
  return r;
}

static inline int gpu_submit_msm(int fd, struct gpu_job *j) {
  struct drm_msm_gem_submit_syncobj in[GPU_MAX_SYNCS], out[GPU_MAX_SYNCS];
  for (int i = 0; i < j->nin; ++i)
    in[i] = (struct drm_msm_gem_submit_syncobj){j->in[i].handle, 0, j->in[i].point};
  for (int i = 0; i < j->nout; ++i)
    out[i] = (struct drm_msm_gem_submit_syncobj){j->out[i].handle, 0, j->out[i].point};
  struct drm_msm_gem_submit g;
  memset(&g, 0, sizeof g);
  g.flags = MSM_PIPE_3D0 | (j->nin ? MSM_SUBMIT_SYNCOBJ_IN : 0) |
            (j->nout ? MSM_SUBMIT_SYNCOBJ_OUT : 0) |
            (j->in_fd >= 0 ? MSM_SUBMIT_FENCE_FD_IN : 0) |
            (j->want_out_fd ? MSM_SUBMIT_FENCE_FD_OUT : 0);
  g.fence_fd = j->in_fd;
  g.queueid = j->queue;
  g.in_syncobjs = (uint64_t)(uintptr_t)in;
  g.out_syncobjs = (uint64_t)(uintptr_t)out;
  g.nr_in_syncobjs = (uint32_t)j->nin;
  g.nr_out_syncobjs = (uint32_t)j->nout;
  g.syncobj_stride = sizeof in[0];
  int r = drm_ioctl(fd, DRM_IOCTL_MSM_GEM_SUBMIT, &g);
  if (r == 0) {
    j->seq = g.fence;
    if (j->want_out_fd)
      j->out_fd = g.fence_fd;
  }
  return r;
}

static inline int gpu_submit_panthor(int fd, struct gpu_job *j) {
  struct drm_panthor_sync_op ops[2 * GPU_MAX_SYNCS];
  int n = 0;
  for (int i = 0; i < j->nin + j->nout; ++i, ++n) {
    const struct gpu_sync *s = i < j->nin ? &j->in[i] : &j->out[i - j->nin];
    ops[n].flags = (s->point ? DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ
                             : DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_SYNCOBJ) |
                   (i < j->nin ? DRM_PANTHOR_SYNC_OP_WAIT : DRM_PANTHOR_SYNC_OP_SIGNAL);
    ops[n].handle = s->handle;
    ops[n].timeline_value = s->point;
  }
  struct drm_panthor_queue_submit q;
  memset(&q, 0, sizeof q);
  q.queue_index = j->queue;
  q.stream_size = 64;
  q.stream_addr = 0x100000;
  q.syncs = (struct drm_panthor_obj_array){sizeof ops[0], (uint32_t)n, (uint64_t)(uintptr_t)ops};
  struct drm_panthor_group_submit g;
  memset(&g, 0, sizeof g);
  g.group_handle = 1;
  g.queue_submits = (struct drm_panthor_obj_array){sizeof q, 1, (uint64_t)(uintptr_t)&q};
  return drm_ioctl(fd, DRM_IOCTL_PANTHOR_GROUP_SUBMIT, &g);
}

static inline int gpu_submit_v3d(int fd, struct gpu_job *j) {
  struct drm_v3d_sem in[GPU_MAX_SYNCS], out[GPU_MAX_SYNCS];
  memset(in, 0, sizeof in);
  memset(out, 0, sizeof out);
  for (int i = 0; i < j->nin; ++i)
    in[i].handle = j->in[i].handle;
  for (int i = 0; i < j->nout; ++i)
    out[i].handle = j->out[i].handle;
  struct drm_v3d_multi_sync ms;
  memset(&ms, 0, sizeof ms);
  ms.base.id = DRM_V3D_EXT_ID_MULTI_SYNC;
  ms.in_syncs = (uint64_t)(uintptr_t)in;
  ms.out_syncs = (uint64_t)(uintptr_t)out;
  ms.in_sync_count = (uint32_t)j->nin;
  ms.out_sync_count = (uint32_t)j->nout;
  if (j->queue == 0) {
    ms.wait_stage = V3D_RENDER;
    struct drm_v3d_submit_cl cl;
    memset(&cl, 0, sizeof cl);
    cl.flags = DRM_V3D_SUBMIT_EXTENSION;
    cl.extensions = (uint64_t)(uintptr_t)&ms;
    return drm_ioctl(fd, DRM_IOCTL_V3D_SUBMIT_CL, &cl);
  }
  ms.wait_stage = V3D_CSD;
  struct drm_v3d_submit_csd csd;
  memset(&csd, 0, sizeof csd);
  csd.flags = DRM_V3D_SUBMIT_EXTENSION;
  csd.extensions = (uint64_t)(uintptr_t)&ms;
  return drm_ioctl(fd, DRM_IOCTL_V3D_SUBMIT_CSD, &csd);
}

static inline int gpu_submit_virtgpu(int fd, struct gpu_job *j) {
  struct drm_virtgpu_execbuffer_syncobj in[GPU_MAX_SYNCS], out[GPU_MAX_SYNCS];
  for (int i = 0; i < j->nin; ++i)
    in[i] = (struct drm_virtgpu_execbuffer_syncobj){j->in[i].handle, 0, j->in[i].point};
  for (int i = 0; i < j->nout; ++i)
    out[i] = (struct drm_virtgpu_execbuffer_syncobj){j->out[i].handle, 0, j->out[i].point};
  static char command[64];
  struct drm_virtgpu_execbuffer e;
  memset(&e, 0, sizeof e);
  e.flags = VIRTGPU_EXECBUF_RING_IDX | (j->in_fd >= 0 ? VIRTGPU_EXECBUF_FENCE_FD_IN : 0) |
            (j->want_out_fd ? VIRTGPU_EXECBUF_FENCE_FD_OUT : 0);
  e.size = sizeof command;
  e.command = (uint64_t)(uintptr_t)command;
  e.fence_fd = j->in_fd;
  e.ring_idx = j->queue;
  e.syncobj_stride = sizeof in[0];
  e.num_in_syncobjs = (uint32_t)j->nin;
  e.num_out_syncobjs = (uint32_t)j->nout;
  e.in_syncobjs = (uint64_t)(uintptr_t)in;
  e.out_syncobjs = (uint64_t)(uintptr_t)out;
  int r = drm_ioctl(fd, DRM_IOCTL_VIRTGPU_EXECBUFFER, &e);
  if (r == 0 && j->want_out_fd)
    j->out_fd = e.fence_fd;
  return r;
}

/* Submits the job; -1 (errno set) when the driver refused it. */
static inline int gpu_try_submit(int fd, struct gpu_job *j) {
  switch (gpu_driver()) {
  case GPU_XE:
    return gpu_submit_xe(fd, j);
  case GPU_AMDGPU:
    return gpu_submit_amdgpu(fd, j);
  case GPU_I915:
    return gpu_submit_i915(fd, j);
  case GPU_MSM:
    return gpu_submit_msm(fd, j);
  case GPU_PANTHOR:
    return gpu_submit_panthor(fd, j);
  case GPU_V3D:
    return gpu_submit_v3d(fd, j);
  case GPU_VIRTGPU:
    return gpu_submit_virtgpu(fd, j);
  }
  errno = EINVAL;
  return -1;
}

static inline void gpu_submit(int fd, struct gpu_job *j) {
  if (gpu_try_submit(fd, j) != 0)
    scenario_fail("GPU submit ioctl", errno);
}

/* xe: waits until *addr >= value (DRM_IOCTL_XE_WAIT_USER_FENCE, all 64
 * bits), for at most `timeout_ns` (< 0: no limit). 0, or -1 with errno
 * ETIME when it timed out. */
static inline int xe_wait_ufence(int fd, volatile uint64_t *addr, uint64_t value,
                                 int64_t timeout_ns) {
  struct drm_xe_wait_user_fence w;
  memset(&w, 0, sizeof w);
  w.addr = (uint64_t)(uintptr_t)addr;
  w.op = DRM_XE_UFENCE_WAIT_OP_GTE;
  w.value = value;
  w.mask = ~0ull;
  w.timeout = timeout_ns;
  int r = drm_ioctl(fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &w);
  if (r != 0 && errno != ETIME)
    scenario_fail("DRM_IOCTL_XE_WAIT_USER_FENCE", errno);
  return r;
}

#endif /* FENCEDEP_TESTDATA_GPU_SUBMIT_H */
