/*
 * The fake render node's GPU (tests only): which driver it says it is, the
 * drivers' submit ioctls, and a GPU that runs their jobs.
 *
 * FAKE_DRM_DRIVER names the driver DRM_IOCTL_VERSION answers with: xe,
 * amdgpu, i915, msm, panthor, v3d, virtio_gpu, or (the default) "fake",
 * whose driver ioctls are FAKE_IOCTL_SUBMIT / FAKE_IOCTL_COMPLETE
 * (fake_render_node.c). For a real driver's name, its submit ioctls are
 * decoded from the driver's UAPI structs (drm_drivers_abi.h, Linux 6.12)
 * and run the way the kernel runs them:
 *
 * - in-fences must be there (a syncobj with a fence, a submitted timeline
 *   point): EINVAL otherwise, except amdgpu's timeline wait chunks with
 *   DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, for which the call waits for
 *   the point's submission (FAKE_WFS_TIMEOUT_MS, default the kernel's 5 s,
 *   then ETIME);
 * - a job runs on its queue (an amdgpu context's ring, an xe exec queue, an
 *   msm submit queue, ...) in order: its fence signals once its in-fences
 *   and the queue's previous job have, FAKE_GPU_LATENCY_US (default 200)
 *   after it was submitted. A GPU thread completes jobs as their time
 *   comes;
 * - out-fences: syncobjs (a new binary fence or a timeline point) signal
 *   with the job; out sync_files (i915, msm, virtio-gpu) are sync_files of
 *   the job; amdgpu and msm return the job's number, which amdgpu's
 *   DEPENDENCIES chunks, DRM_IOCTL_AMDGPU_WAIT_CS and DRM_IOCTL_MSM_WAIT_FENCE
 *   name it by.
 *
 * Command buffers, buffer objects and memory are not modelled: a job is
 * its fences. The GPU thread is started with glibc's own pthread_create
 * and uses raw system calls only, so that the runtime never sees it.
 */
#include "fake_render_node.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "drm_drivers_abi.h"

/* ---- which driver ------------------------------------------------------ */

enum driver { DRV_FAKE, DRV_XE, DRV_AMDGPU, DRV_I915, DRV_MSM, DRV_PANTHOR, DRV_V3D, DRV_VIRTGPU };

static const char *const driver_names[] = {"fake", "xe",  "amdgpu", "i915",
                                           "msm",  "panthor", "v3d", "virtio_gpu"};

static enum driver the_driver(void) {
  static _Atomic int cached = -1;
  int d = atomic_load(&cached);
  if (d >= 0)
    return (enum driver)d;
  const char *name = getenv("FAKE_DRM_DRIVER");
  d = DRV_FAKE;
  for (int i = 0; name && i < (int)(sizeof driver_names / sizeof driver_names[0]); ++i)
    if (strcmp(name, driver_names[i]) == 0)
      d = i;
  atomic_store(&cached, d);
  return (enum driver)d;
}

static int64_t env_ns(const char *name, int64_t dflt, int64_t unit) {
  const char *v = getenv(name);
  if (!v || !*v)
    return dflt;
  return strtoll(v, NULL, 10) * unit;
}

int fake_driver_is_fake(void) { return the_driver() == DRV_FAKE; }

static int copy_field(size_t *len, char *user, const char *value) {
  size_t n = strlen(value);
  int r = *len && user ? copy_out(user, value, n < *len ? n : *len) : 0;
  *len = n;
  return r;
}

int fake_version_ioctl(void *arg, unsigned long req) {
  struct drm_version v;
  int r = copy_arg_in(&v, sizeof v, arg, req);
  if (r)
    return r;
  /* As the kernel's drm_copy_field: as much as fits, the full length back. */
  if ((r = copy_field(&v.name_len, v.name, driver_names[the_driver()])) ||
      (r = copy_field(&v.date_len, v.date, "20241201")) ||
      (r = copy_field(&v.desc_len, v.desc, "fake render node")))
    return r;
  v.version_major = the_driver() == DRV_AMDGPU ? 3 : 1;
  v.version_minor = the_driver() == DRV_AMDGPU ? 59 : 0;
  v.version_patchlevel = 0;
  return copy_arg_out(arg, &v, sizeof v, req);
}

/* ---- the GPU thread ------------------------------------------------------ */

static _Atomic pid_t gpu_pid; /* the process whose GPU thread runs (fork starts another) */

static void *gpu_main(void *arg) {
  for (;;) {
    unsigned seen = atomic_load(&local_changes);
    lock_tables();
    int64_t due = run_watchers();
    unlock_tables();
    int64_t left = due ? due - now_ns() : 20000000;
    if (left <= 0)
      continue;
    if (left > 20000000)
      left = 20000000;
    struct timespec ts = {0, (long)left};
    syscall(SYS_futex, &local_changes, (long)FUTEX_WAIT_PRIVATE, (long)seen, &ts, NULL, 0L);
  }
  return arg;
}

static void start_gpu(void) {
  pid_t me = (pid_t)syscall(SYS_getpid);
  if (atomic_load(&gpu_pid) == me)
    return;
  atomic_store(&gpu_pid, me);
  /* glibc's own: the runtime must not see this thread. */
  int (*create)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *) =
      (int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *))dlsym(
          RTLD_NEXT, "pthread_create");
  pthread_t t;
  if (!create || create(&t, NULL, gpu_main, NULL) != 0)
    atomic_store(&gpu_pid, 0);
}

/* ---- queues and jobs ------------------------------------------------------- */

#define MAX_QUEUES 64
#define MAX_OUT 16

struct queue {
  int used, dev_fd;
  uint64_t key;
  struct syncobj *timeline; /* point n: the queue's job n */
  uint64_t seq;
};
static struct queue queues[MAX_QUEUES];

/* Table lock held. */
static struct queue *queue_of(struct device *d, uint64_t key, int create) {
  struct queue *free_slot = NULL;
  for (int i = 0; i < MAX_QUEUES; ++i) {
    struct queue *q = &queues[i];
    if (q->used && q->dev_fd == d->fd && q->key == key)
      return q;
    if (!q->used && !free_slot)
      free_slot = q;
  }
  if (!create || !free_slot)
    return NULL;
  struct syncobj *s = new_syncobj();
  if (!s)
    return NULL;
  *free_slot = (struct queue){1, d->fd, key, s, 0};
  return free_slot;
}

/* Table lock held. */
void fake_forget_device(int fd) {
  for (int i = 0; i < MAX_QUEUES; ++i)
    if (queues[i].used && queues[i].dev_fd == fd)
      queues[i].used = 0;
}

struct job {
  uint64_t queue;
  int nin;
  struct fref in[MAX_DEPS - 1]; /* the queue's previous job is one more */
  int nout;
  struct {
    struct syncobj *s;
    uint64_t point;
  } out[MAX_OUT];
  int want_out_fd;
  /* amdgpu: timeline points to wait for the submission of, inside the call */
  int nwfs;
  struct syncobj *wfs_obj[MAX_DEPS];
  uint64_t wfs_point[MAX_DEPS];
  /* xe: a user fence, `ufence_value` written at `ufence_addr` by the job */
  int has_ufence;
  uint64_t ufence_addr, ufence_value;
  /* results */
  uint64_t seq;
  int out_fd;
};

/* The fence a syncobj in-fence stands for now: EINVAL when it has none
 * (the kernel's drm_syncobj_find_fence without WAIT_FOR_SUBMIT). Table
 * lock held. */
static int job_in_syncobj(struct device *d, struct job *j, uint32_t handle, uint64_t point) {
  struct syncobj *s = handle_obj(d, handle);
  if (!s)
    return -ENOENT;
  lock_obj(s);
  struct fref f = resolve(s, point);
  int sub = submitted(&f);
  unlock_obj(s);
  if (!sub)
    return -EINVAL;
  if (j->nin == MAX_DEPS - 1)
    return -EINVAL;
  j->in[j->nin++] = f;
  return 0;
}

static int job_in_sync_file(struct job *j, int fd) {
  struct sync_file *sf = sync_file_of(fd);
  if (!sf)
    return -EINVAL;
  for (int k = 0; k < sf->ndeps; ++k) {
    if (j->nin == MAX_DEPS - 1)
      return -EINVAL;
    j->in[j->nin++] = sf->deps[k];
  }
  return 0;
}

static int job_in_job(struct device *d, struct job *j, uint64_t key, uint64_t seq) {
  struct queue *q = queue_of(d, key, 0);
  if (!q || seq > q->seq)
    return -EINVAL;
  if (j->nin == MAX_DEPS - 1)
    return -EINVAL;
  j->in[j->nin++] = (struct fref){q->timeline, seq, 0};
  return 0;
}

static int job_out_syncobj(struct device *d, struct job *j, uint32_t handle, uint64_t point) {
  struct syncobj *s = handle_obj(d, handle);
  if (!s)
    return -ENOENT;
  if (j->nout == MAX_OUT)
    return -EINVAL;
  j->out[j->nout].s = s;
  j->out[j->nout++].point = point;
  return 0;
}

/* Waits (the table lock not held) for the submission of the points an
 * amdgpu job waits for inside the call. */
static int job_wait_for_submit(struct job *j) {
  if (!j->nwfs)
    return 0;
  uint32_t first;
  int64_t timeout = now_ns() + env_ns("FAKE_WFS_TIMEOUT_MS", 5000000000ll, 1000000);
  return wait_fences(j->wfs_obj, j->wfs_point, (uint32_t)j->nwfs,
                     DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE,
                     timeout, &first);
}

/* Queues the job on its queue. Table lock held. */
static int job_run(struct device *d, struct job *j) {
  struct queue *q = queue_of(d, j->queue, 1);
  if (!q)
    return -ENOMEM;
  j->seq = ++q->seq;
  struct fref deps[MAX_DEPS];
  memcpy(deps, j->in, (size_t)j->nin * sizeof deps[0]);
  int ndeps = j->nin;
  if (j->seq > 1)
    deps[ndeps++] = (struct fref){q->timeline, j->seq - 1, 0};
  struct fref done = attach(q->timeline, j->seq, 1);
  static int64_t latency = -1;
  if (latency < 0)
    latency = env_ns("FAKE_GPU_LATENCY_US", 200000, 1000);
  int r = add_watcher(W_FENCE, -1, 0, done, deps, ndeps, now_ns() + (latency > 0 ? latency : 1));
  if (r)
    return r;
  if (j->has_ufence && (r = add_user_fence(done, j->ufence_addr, j->ufence_value)))
    return r;
  for (int k = 0; k < j->nout; ++k) {
    struct fref f = attach(j->out[k].s, j->out[k].point, 1);
    if ((r = add_watcher(W_FENCE, -1, 0, f, &done, 1, 0)))
      return r;
    notify(j->out[k].s);
  }
  j->out_fd = -1;
  if (j->want_out_fd && (j->out_fd = new_sync_file(&done, 1)) < 0)
    return j->out_fd;
  notify(q->timeline);
  run_watchers();
  start_gpu();
  return 0;
}

/* Reads `count` entries `stride` apart into `out` (`elem` bytes each; a
 * shorter stride leaves the rest zero, a longer one is read in part, as
 * the kernel's copy_struct_from_user). */
static int read_entries(void *out, uint64_t user, uint32_t count, uint32_t stride, size_t elem) {
  char *dst = out;
  memset(dst, 0, count * elem);
  for (uint32_t i = 0; i < count; ++i) {
    size_t n = stride < elem ? stride : elem;
    if (copy_in(dst + i * elem, (const void *)(uintptr_t)(user + (uint64_t)i * stride), n))
      return -EFAULT;
  }
  return 0;
}

/* ---- xe ------------------------------------------------------------------- */

static int xe_exec(struct device *d, void *arg, unsigned long req) {
  struct drm_xe_exec e;
  int r = copy_arg_in(&e, sizeof e, arg, req);
  if (r)
    return r;
  if (e.num_syncs > MAX_DEPS + MAX_OUT)
    return -EINVAL;
  struct drm_xe_sync syncs[MAX_DEPS + MAX_OUT];
  if ((r = read_entries(syncs, e.syncs, e.num_syncs, sizeof syncs[0], sizeof syncs[0])))
    return r;
  struct job j = {.queue = e.exec_queue_id};
  lock_tables();
  for (uint32_t i = 0; i < e.num_syncs && !r; ++i) {
    const struct drm_xe_sync *y = &syncs[i];
    if (y->type > DRM_XE_SYNC_TYPE_USER_FENCE || (y->flags & ~DRM_XE_SYNC_FLAG_SIGNAL)) {
      r = -EINVAL;
      break;
    }
    if (y->type == DRM_XE_SYNC_TYPE_USER_FENCE) {
      /* As xe_sync_entry_parse: out only, qword aligned; one per exec. The
       * address is a GPU address in the VM: the fake GPU's VM maps the
       * process at the same addresses (a userptr bind at its own address). */
      if (!(y->flags & DRM_XE_SYNC_FLAG_SIGNAL))
        r = -EOPNOTSUPP;
      else if ((y->addr & 7) || j.has_ufence)
        r = -EINVAL;
      else
        j.has_ufence = 1, j.ufence_addr = y->addr, j.ufence_value = y->timeline_value;
      continue;
    }
    uint64_t point = y->type == DRM_XE_SYNC_TYPE_TIMELINE_SYNCOBJ ? y->timeline_value : 0;
    if (y->type == DRM_XE_SYNC_TYPE_TIMELINE_SYNCOBJ && point == 0)
      r = -EINVAL;
    else if (y->flags & DRM_XE_SYNC_FLAG_SIGNAL)
      r = job_out_syncobj(d, &j, y->handle, point);
    else
      r = job_in_syncobj(d, &j, y->handle, point);
  }
  if (!r)
    r = job_run(d, &j);
  unlock_tables();
  return r;
}

/* (*addr & mask) OP (value & mask), as xe's do_compare: 0 when it holds,
 * 1 when not, -EFAULT when the address cannot be read. */
static int xe_ufence_compare(uint64_t addr, uint64_t value, uint64_t mask, uint16_t op) {
  uint64_t v;
  if (copy_in(&v, (const void *)(uintptr_t)addr, sizeof v))
    return -EFAULT;
  v &= mask;
  value &= mask;
  int passed = op == DRM_XE_UFENCE_WAIT_OP_EQ    ? v == value
               : op == DRM_XE_UFENCE_WAIT_OP_NEQ ? v != value
               : op == DRM_XE_UFENCE_WAIT_OP_GT  ? v > value
               : op == DRM_XE_UFENCE_WAIT_OP_GTE ? v >= value
               : op == DRM_XE_UFENCE_WAIT_OP_LT  ? v < value
                                                 : v <= value;
  return passed ? 0 : 1;
}

/* DRM_IOCTL_XE_WAIT_USER_FENCE, as xe_wait_user_fence_ioctl: blocks until
 * the condition holds (woken by the fake GPU's stores), or ETIME. Called
 * without the table lock. */
static int xe_wait_user_fence(void *arg, unsigned long req) {
  struct drm_xe_wait_user_fence w;
  int r = copy_arg_in(&w, sizeof w, arg, req);
  if (r)
    return r;
  if (w.extensions || w.pad || w.pad2 || w.reserved[0] || w.reserved[1] ||
      (w.flags & ~DRM_XE_UFENCE_WAIT_FLAG_ABSTIME) || w.op > DRM_XE_UFENCE_WAIT_OP_LTE ||
      (w.addr & 7))
    return -EINVAL;
  int64_t start = now_ns();
  int64_t deadline = w.timeout < 0                                 ? INT64_MAX
                     : (w.flags & DRM_XE_UFENCE_WAIT_FLAG_ABSTIME) ? w.timeout
                     : start + w.timeout;
  for (;;) {
    unsigned seen = atomic_load(&local_changes);
    if ((r = xe_ufence_compare(w.addr, w.value, w.mask, w.op)) <= 0)
      break;
    int64_t now = now_ns();
    if (now >= deadline) {
      r = -ETIME;
      break;
    }
    /* Stores of this process's GPU wake us at once; others within 5 ms. */
    int64_t left = deadline - now < 5000000 ? deadline - now : 5000000;
    struct timespec ts = {0, (long)left};
    syscall(SYS_futex, &local_changes, (long)FUTEX_WAIT_PRIVATE, (long)seen, &ts, NULL, 0L);
  }
  if (!(w.flags & DRM_XE_UFENCE_WAIT_FLAG_ABSTIME)) {
    /* The time left, for a restarted call (a negative one too: 0 then). */
    w.timeout -= now_ns() - start;
    if (w.timeout < 0)
      w.timeout = 0;
    int c = copy_out((char *)arg + offsetof(struct drm_xe_wait_user_fence, timeout), &w.timeout,
                     sizeof w.timeout);
    if (c)
      return c;
  }
  return r;
}

/* ---- amdgpu ---------------------------------------------------------------- */

static uint64_t amdgpu_ring(uint32_t ctx, uint32_t ip_type, uint32_t ip_instance, uint32_t ring) {
  return (uint64_t)ctx << 32 | (uint64_t)(ip_type & 0xff) << 16 | (ip_instance & 0xff) << 8 |
         (ring & 0xff);
}

static _Atomic uint32_t amdgpu_next_ctx = 1;

static int amdgpu_ctx(void *arg, unsigned long req) {
  union drm_amdgpu_ctx c;
  int r = copy_arg_in(&c, sizeof c, arg, req);
  if (r)
    return r;
  if (c.in.op == AMDGPU_CTX_OP_ALLOC_CTX) {
    uint32_t id = atomic_fetch_add(&amdgpu_next_ctx, 1);
    memset(&c, 0, sizeof c);
    c.out.alloc.ctx_id = id;
    return copy_arg_out(arg, &c, sizeof c, req);
  }
  return c.in.op == AMDGPU_CTX_OP_FREE_CTX ? 0 : -EINVAL;
}

/* DRM_IOCTL_AMDGPU_INFO, for libdrm_amdgpu's device set-up: every query
 * answers zeros, except that acceleration works and the device's virtual
 * address range (struct drm_amdgpu_info_device, Linux 6.12). */
struct drm_amdgpu_info_head {
  uint64_t return_pointer;
  uint32_t return_size;
  uint32_t query;
  uint64_t rest[2];
};

static int amdgpu_info(void *arg, unsigned long req) {
  struct drm_amdgpu_info_head q;
  int r = copy_arg_in(&q, sizeof q, arg, req);
  if (r)
    return r;
  char buf[1024];
  memset(buf, 0, sizeof buf);
  if (q.return_size > sizeof buf)
    q.return_size = sizeof buf;
  if (q.query == 0x00 && q.return_size >= 4) /* AMDGPU_INFO_ACCEL_WORKING */
    buf[0] = 1;
  if (q.query == 0x16 && q.return_size >= 160) { /* AMDGPU_INFO_DEV_INFO */
    uint64_t va_start = 1ull << 20, va_end = 1ull << 40;
    memcpy(buf + 144, &va_start, 8); /* virtual_address_offset */
    memcpy(buf + 152, &va_end, 8);   /* virtual_address_max */
  }
  return copy_out((void *)(uintptr_t)q.return_pointer, buf, q.return_size);
}

#define AMDGPU_MAX_CHUNKS 16

static int amdgpu_cs(struct device *d, void *arg, unsigned long req) {
  union drm_amdgpu_cs cs;
  int r = copy_arg_in(&cs, sizeof cs, arg, req);
  if (r)
    return r;
  uint32_t n = cs.in.num_chunks;
  if (n == 0 || n > AMDGPU_MAX_CHUNKS)
    return -EINVAL;
  uint64_t ptrs[AMDGPU_MAX_CHUNKS];
  struct drm_amdgpu_cs_chunk chunks[AMDGPU_MAX_CHUNKS];
  if (copy_in(ptrs, (void *)(uintptr_t)cs.in.chunks, n * sizeof ptrs[0]))
    return -EFAULT;
  for (uint32_t i = 0; i < n; ++i)
    if (copy_in(&chunks[i], (void *)(uintptr_t)ptrs[i], sizeof chunks[i]))
      return -EFAULT;
  struct job j = {.queue = amdgpu_ring(cs.in.ctx_id, 0xff, 0xff, 0xff)};
  int have_ring = 0;
  /* Points to wait for inside the call come first: the kernel looks them
   * up (waiting for their submission) before it takes the job. */
  for (uint32_t i = 0; i < n; ++i) {
    const struct drm_amdgpu_cs_chunk *c = &chunks[i];
    if (c->chunk_id != AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_WAIT)
      continue;
    uint32_t m = c->length_dw * 4 / sizeof(struct drm_amdgpu_cs_chunk_syncobj);
    struct drm_amdgpu_cs_chunk_syncobj w[MAX_DEPS];
    if (m > MAX_DEPS)
      return -EINVAL;
    if (copy_in(w, (void *)(uintptr_t)c->chunk_data, m * sizeof w[0]))
      return -EFAULT;
    for (uint32_t k = 0; k < m; ++k) {
      if (!(w[k].flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT))
        continue;
      lock_tables();
      struct syncobj *s = handle_obj(d, w[k].handle);
      unlock_tables();
      if (!s)
        return -ENOENT;
      if (j.nwfs == MAX_DEPS)
        return -EINVAL;
      j.wfs_obj[j.nwfs] = s;
      j.wfs_point[j.nwfs++] = w[k].point;
    }
  }
  if ((r = job_wait_for_submit(&j)))
    return r;
  lock_tables();
  for (uint32_t i = 0; i < n && !r; ++i) {
    const struct drm_amdgpu_cs_chunk *c = &chunks[i];
    const void *data = (const void *)(uintptr_t)c->chunk_data;
    size_t bytes = (size_t)c->length_dw * 4;
    switch (c->chunk_id) {
    case AMDGPU_CHUNK_ID_IB: {
      struct drm_amdgpu_cs_chunk_ib ib;
      if (bytes < sizeof ib || copy_in(&ib, data, sizeof ib)) {
        r = -EINVAL;
        break;
      }
      if (!have_ring++)
        j.queue = amdgpu_ring(cs.in.ctx_id, ib.ip_type, ib.ip_instance, ib.ring);
      break;
    }
    case AMDGPU_CHUNK_ID_DEPENDENCIES:
    case AMDGPU_CHUNK_ID_SCHEDULED_DEPENDENCIES: {
      struct drm_amdgpu_cs_chunk_dep deps[MAX_DEPS];
      uint32_t m = (uint32_t)(bytes / sizeof deps[0]);
      if (m > MAX_DEPS || copy_in(deps, data, m * sizeof deps[0])) {
        r = -EINVAL;
        break;
      }
      for (uint32_t k = 0; k < m && !r; ++k)
        r = job_in_job(d, &j,
                       amdgpu_ring(deps[k].ctx_id, deps[k].ip_type, deps[k].ip_instance,
                                   deps[k].ring),
                       deps[k].handle);
      break;
    }
    case AMDGPU_CHUNK_ID_SYNCOBJ_IN:
    case AMDGPU_CHUNK_ID_SYNCOBJ_OUT: {
      struct drm_amdgpu_cs_chunk_sem sems[MAX_OUT];
      uint32_t m = (uint32_t)(bytes / sizeof sems[0]);
      if (m > MAX_OUT || copy_in(sems, data, m * sizeof sems[0])) {
        r = -EINVAL;
        break;
      }
      for (uint32_t k = 0; k < m && !r; ++k)
        r = c->chunk_id == AMDGPU_CHUNK_ID_SYNCOBJ_IN
                ? job_in_syncobj(d, &j, sems[k].handle, 0)
                : job_out_syncobj(d, &j, sems[k].handle, 0);
      break;
    }
    case AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_WAIT:
    case AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_SIGNAL: {
      struct drm_amdgpu_cs_chunk_syncobj syncs[MAX_OUT];
      uint32_t m = (uint32_t)(bytes / sizeof syncs[0]);
      if (m > MAX_OUT || copy_in(syncs, data, m * sizeof syncs[0])) {
        r = -EINVAL;
        break;
      }
      for (uint32_t k = 0; k < m && !r; ++k)
        r = c->chunk_id == AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_WAIT
                ? job_in_syncobj(d, &j, syncs[k].handle, syncs[k].point)
                : job_out_syncobj(d, &j, syncs[k].handle, syncs[k].point);
      break;
    }
    case AMDGPU_CHUNK_ID_FENCE:
    case AMDGPU_CHUNK_ID_BO_HANDLES:
      break;
    default:
      r = -EINVAL;
    }
  }
  if (!r)
    r = job_run(d, &j);
  unlock_tables();
  if (r)
    return r;
  memset(&cs, 0, sizeof cs);
  cs.out.handle = j.seq;
  return copy_arg_out(arg, &cs, sizeof cs, req);
}

/* Waits for job `seq` of a queue: 0 when it completed, -ETIME at `deadline`. */
static int wait_job(struct device *d, uint64_t key, uint64_t seq, int64_t deadline) {
  lock_tables();
  struct queue *q = queue_of(d, key, 0);
  struct syncobj *s = q && seq <= q->seq ? q->timeline : NULL;
  unlock_tables();
  if (!s)
    return -EINVAL;
  uint32_t first;
  return wait_fences(&s, &seq, 1, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL, deadline, &first);
}

static int amdgpu_wait_cs(struct device *d, void *arg, unsigned long req) {
  union drm_amdgpu_wait_cs w;
  int r = copy_arg_in(&w, sizeof w, arg, req);
  if (r)
    return r;
  int64_t deadline = (int64_t)w.in.timeout < 0 ? INT64_MAX : (int64_t)w.in.timeout;
  r = wait_job(d, amdgpu_ring(w.in.ctx_id, w.in.ip_type, w.in.ip_instance, w.in.ring),
               w.in.handle, deadline);
  if (r && r != -ETIME)
    return r;
  memset(&w, 0, sizeof w);
  w.out.status = r == -ETIME; /* 1: still busy at the timeout */
  return copy_arg_out(arg, &w, sizeof w, req);
}

/* ---- i915 ------------------------------------------------------------------- */

static int i915_fences(struct device *d, struct job *j, uint64_t handles_ptr,
                       uint64_t points_ptr, uint64_t count) {
  struct drm_i915_gem_exec_fence f[MAX_DEPS + MAX_OUT];
  uint64_t points[MAX_DEPS + MAX_OUT] = {0};
  if (count > MAX_DEPS + MAX_OUT)
    return -EINVAL;
  if (copy_in(f, (void *)(uintptr_t)handles_ptr, count * sizeof f[0]) ||
      (points_ptr && copy_in(points, (void *)(uintptr_t)points_ptr, count * sizeof points[0])))
    return -EFAULT;
  int r = 0;
  for (uint64_t i = 0; i < count && !r; ++i) {
    if (f[i].flags & I915_EXEC_FENCE_WAIT)
      r = job_in_syncobj(d, j, f[i].handle, points[i]);
    if (!r && (f[i].flags & I915_EXEC_FENCE_SIGNAL))
      r = job_out_syncobj(d, j, f[i].handle, points[i]);
  }
  return r;
}

static int i915_execbuffer2(struct device *d, void *arg, unsigned long req) {
  struct drm_i915_gem_execbuffer2 eb;
  int r = copy_arg_in(&eb, sizeof eb, arg, req);
  if (r)
    return r;
  struct job j = {.queue = (eb.rsvd1 & 0xffffffffull) << 32 | (eb.flags & I915_EXEC_RING_MASK),
                  .want_out_fd = (eb.flags & I915_EXEC_FENCE_OUT) != 0};
  struct drm_i915_gem_execbuffer_ext_timeline_fences ext;
  memset(&ext, 0, sizeof ext);
  if ((eb.flags & I915_EXEC_USE_EXTENSIONS) && eb.cliprects_ptr &&
      copy_in(&ext, (void *)(uintptr_t)eb.cliprects_ptr, sizeof ext))
    return -EFAULT;
  lock_tables();
  if (eb.flags & (I915_EXEC_FENCE_IN | I915_EXEC_FENCE_SUBMIT))
    r = job_in_sync_file(&j, (int)(uint32_t)eb.rsvd2);
  if (!r && (eb.flags & I915_EXEC_USE_EXTENSIONS) && eb.cliprects_ptr) {
    if (ext.base.name != DRM_I915_GEM_EXECBUFFER_EXT_TIMELINE_FENCES || ext.base.next_extension)
      r = -EINVAL;
    else
      r = i915_fences(d, &j, ext.handles_ptr, ext.values_ptr, ext.fence_count);
  } else if (!r && (eb.flags & I915_EXEC_FENCE_ARRAY)) {
    r = i915_fences(d, &j, eb.cliprects_ptr, 0, eb.num_cliprects);
  }
  if (!r)
    r = job_run(d, &j);
  unlock_tables();
  if (r)
    return r;
  if (j.want_out_fd) {
    eb.rsvd2 = (eb.rsvd2 & 0xffffffffull) | (uint64_t)(uint32_t)j.out_fd << 32;
    return copy_out((char *)arg + offsetof(struct drm_i915_gem_execbuffer2, rsvd2), &eb.rsvd2,
                    sizeof eb.rsvd2);
  }
  return 0;
}

/* ---- msm ------------------------------------------------------------------------ */

static int msm_gem_submit(struct device *d, void *arg, unsigned long req) {
  struct drm_msm_gem_submit g;
  int r = copy_arg_in(&g, sizeof g, arg, req);
  if (r)
    return r;
  struct drm_msm_gem_submit_syncobj in[MAX_DEPS], out[MAX_OUT];
  uint32_t nin = (g.flags & MSM_SUBMIT_SYNCOBJ_IN) ? g.nr_in_syncobjs : 0;
  uint32_t nout = (g.flags & MSM_SUBMIT_SYNCOBJ_OUT) ? g.nr_out_syncobjs : 0;
  if (nin > MAX_DEPS || nout > MAX_OUT || ((nin || nout) && !g.syncobj_stride))
    return -EINVAL;
  if ((r = read_entries(in, g.in_syncobjs, nin, g.syncobj_stride, sizeof in[0])) ||
      (r = read_entries(out, g.out_syncobjs, nout, g.syncobj_stride, sizeof out[0])))
    return r;
  struct job j = {.queue = g.queueid, .want_out_fd = (g.flags & MSM_SUBMIT_FENCE_FD_OUT) != 0};
  lock_tables();
  if (g.flags & MSM_SUBMIT_FENCE_FD_IN)
    r = job_in_sync_file(&j, g.fence_fd);
  for (uint32_t i = 0; i < nin && !r; ++i)
    r = job_in_syncobj(d, &j, in[i].handle, in[i].point);
  for (uint32_t i = 0; i < nout && !r; ++i)
    r = job_out_syncobj(d, &j, out[i].handle, out[i].point);
  if (!r)
    r = job_run(d, &j);
  unlock_tables();
  if (r)
    return r;
  g.fence = (uint32_t)j.seq;
  if (j.want_out_fd)
    g.fence_fd = j.out_fd;
  return copy_arg_out(arg, &g, sizeof g, req);
}

static int msm_wait_fence(struct device *d, void *arg, unsigned long req) {
  struct drm_msm_wait_fence w;
  int r = copy_arg_in(&w, sizeof w, arg, req);
  if (r)
    return r;
  r = wait_job(d, w.queueid, w.fence, w.timeout.tv_sec * 1000000000 + w.timeout.tv_nsec);
  return r == -ETIME ? -ETIMEDOUT : r;
}

/* ---- panthor ----------------------------------------------------------------------- */

#define PANTHOR_MAX_JOBS 8

static int panthor_group_submit(struct device *d, void *arg, unsigned long req) {
  struct drm_panthor_group_submit g;
  int r = copy_arg_in(&g, sizeof g, arg, req);
  if (r)
    return r;
  struct drm_panthor_queue_submit qs[PANTHOR_MAX_JOBS];
  if (g.queue_submits.count > PANTHOR_MAX_JOBS ||
      (g.queue_submits.count && g.queue_submits.stride < sizeof(struct drm_panthor_queue_submit)))
    return -EINVAL;
  if ((r = read_entries(qs, g.queue_submits.array, g.queue_submits.count,
                        g.queue_submits.stride, sizeof qs[0])))
    return r;
  /* Each job may wait on what an earlier one signals, as the kernel
   * allows. (The kernel takes all or none; here a bad job leaves the
   * earlier ones queued.) */
  for (uint32_t i = 0; i < g.queue_submits.count; ++i) {
    struct drm_panthor_sync_op ops[MAX_DEPS + MAX_OUT];
    if (qs[i].syncs.count > MAX_DEPS + MAX_OUT ||
        (r = read_entries(ops, qs[i].syncs.array, qs[i].syncs.count, qs[i].syncs.stride,
                          sizeof ops[0])))
      return r ? r : -EINVAL;
    struct job j = {.queue = (uint64_t)g.group_handle << 32 | qs[i].queue_index};
    lock_tables();
    for (uint32_t k = 0; k < qs[i].syncs.count && !r; ++k) {
      uint32_t type = ops[k].flags & DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_MASK;
      uint64_t point = type == DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ
                           ? ops[k].timeline_value
                           : 0;
      if (type > DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ)
        r = -EINVAL;
      else if (ops[k].flags & DRM_PANTHOR_SYNC_OP_SIGNAL)
        r = job_out_syncobj(d, &j, ops[k].handle, point);
      else
        r = job_in_syncobj(d, &j, ops[k].handle, point);
    }
    if (!r)
      r = job_run(d, &j);
    unlock_tables();
    if (r)
      return r;
  }
  return 0;
}

/* ---- v3d --------------------------------------------------------------------------- */

static int v3d_multisync(struct device *d, struct job *j, uint64_t ext_ptr) {
  struct drm_v3d_multi_sync ms;
  if (copy_in(&ms, (void *)(uintptr_t)ext_ptr, sizeof ms))
    return -EFAULT;
  if (ms.base.id != DRM_V3D_EXT_ID_MULTI_SYNC || ms.base.next)
    return -EINVAL;
  struct drm_v3d_sem sems[MAX_DEPS + MAX_OUT];
  if (ms.in_sync_count > MAX_DEPS || ms.out_sync_count > MAX_OUT)
    return -EINVAL;
  int r = 0;
  if (copy_in(sems, (void *)(uintptr_t)ms.in_syncs, ms.in_sync_count * sizeof sems[0]))
    return -EFAULT;
  for (uint32_t i = 0; i < ms.in_sync_count && !r; ++i)
    r = job_in_syncobj(d, j, sems[i].handle, 0); /* v3d takes no points */
  if (r || copy_in(sems, (void *)(uintptr_t)ms.out_syncs, ms.out_sync_count * sizeof sems[0]))
    return r ? r : -EFAULT;
  for (uint32_t i = 0; i < ms.out_sync_count && !r; ++i)
    r = job_out_syncobj(d, j, sems[i].handle, 0);
  return r;
}

static int v3d_submit(struct device *d, void *arg, unsigned long req, uint32_t queue) {
  uint32_t in_sync[2] = {0, 0}, out_sync = 0, flags;
  uint64_t extensions;
  int r;
  if (queue == V3D_RENDER) {
    struct drm_v3d_submit_cl cl;
    if ((r = copy_arg_in(&cl, sizeof cl, arg, req)))
      return r;
    in_sync[0] = cl.in_sync_bcl, in_sync[1] = cl.in_sync_rcl, out_sync = cl.out_sync;
    flags = cl.flags, extensions = cl.extensions;
  } else {
    struct drm_v3d_submit_csd csd;
    if ((r = copy_arg_in(&csd, sizeof csd, arg, req)))
      return r;
    in_sync[0] = csd.in_sync, out_sync = csd.out_sync;
    flags = csd.flags, extensions = csd.extensions;
  }
  struct job j = {.queue = queue};
  lock_tables();
  if ((flags & DRM_V3D_SUBMIT_EXTENSION) && extensions) {
    r = v3d_multisync(d, &j, extensions);
  } else {
    for (int i = 0; i < 2 && !r; ++i)
      if (in_sync[i])
        r = job_in_syncobj(d, &j, in_sync[i], 0);
    if (!r && out_sync)
      r = job_out_syncobj(d, &j, out_sync, 0);
  }
  if (!r)
    r = job_run(d, &j);
  unlock_tables();
  return r;
}

/* ---- virtio-gpu ---------------------------------------------------------------------- */

static int virtgpu_execbuffer(struct device *d, void *arg, unsigned long req) {
  struct drm_virtgpu_execbuffer e;
  int r = copy_arg_in(&e, sizeof e, arg, req);
  if (r)
    return r;
  struct drm_virtgpu_execbuffer_syncobj in[MAX_DEPS], out[MAX_OUT];
  if (e.num_in_syncobjs > MAX_DEPS || e.num_out_syncobjs > MAX_OUT ||
      ((e.num_in_syncobjs || e.num_out_syncobjs) && !e.syncobj_stride))
    return -EINVAL;
  if ((r = read_entries(in, e.in_syncobjs, e.num_in_syncobjs, e.syncobj_stride, sizeof in[0])) ||
      (r = read_entries(out, e.out_syncobjs, e.num_out_syncobjs, e.syncobj_stride,
                        sizeof out[0])))
    return r;
  struct job j = {.queue = (e.flags & VIRTGPU_EXECBUF_RING_IDX) ? e.ring_idx : 0,
                  .want_out_fd = (e.flags & VIRTGPU_EXECBUF_FENCE_FD_OUT) != 0};
  lock_tables();
  if (e.flags & VIRTGPU_EXECBUF_FENCE_FD_IN)
    r = job_in_sync_file(&j, e.fence_fd);
  for (uint32_t i = 0; i < e.num_in_syncobjs && !r; ++i)
    r = job_in_syncobj(d, &j, in[i].handle, in[i].point);
  for (uint32_t i = 0; i < e.num_out_syncobjs && !r; ++i)
    r = job_out_syncobj(d, &j, out[i].handle, out[i].point);
  if (!r)
    r = job_run(d, &j);
  unlock_tables();
  if (r)
    return r;
  if (j.want_out_fd)
    return copy_out((char *)arg + offsetof(struct drm_virtgpu_execbuffer, fence_fd), &j.out_fd,
                    sizeof j.out_fd);
  return 0;
}

/* ---- dispatch -------------------------------------------------------------------------- */

int fake_driver_ioctl(struct device *d, unsigned long req, void *arg) {
  unsigned nr = _IOC_NR(req) - DRM_COMMAND_BASE;
  switch (the_driver()) {
  case DRV_XE:
    if (nr == 0x0a)
      return xe_wait_user_fence(arg, req);
    return nr == 0x09 ? xe_exec(d, arg, req) : -EINVAL;
  case DRV_AMDGPU:
    if (nr == 0x02)
      return amdgpu_ctx(arg, req);
    if (nr == 0x05)
      return amdgpu_info(arg, req);
    if (nr == 0x04)
      return amdgpu_cs(d, arg, req);
    return nr == 0x09 ? amdgpu_wait_cs(d, arg, req) : -EINVAL;
  case DRV_I915:
    return nr == 0x29 ? i915_execbuffer2(d, arg, req) : -EINVAL;
  case DRV_MSM:
    if (nr == 0x06)
      return msm_gem_submit(d, arg, req);
    return nr == 0x07 ? msm_wait_fence(d, arg, req) : -EINVAL;
  case DRV_PANTHOR:
    return nr == 0x09 ? panthor_group_submit(d, arg, req) : -EINVAL;
  case DRV_V3D:
    if (nr == 0x00)
      return v3d_submit(d, arg, req, V3D_RENDER);
    return nr == 0x07 ? v3d_submit(d, arg, req, V3D_CSD) : -EINVAL;
  case DRV_VIRTGPU:
    return nr == 0x02 ? virtgpu_execbuffer(d, arg, req) : -EINVAL;
  case DRV_FAKE:
    break;
  }
  return -EINVAL;
}
