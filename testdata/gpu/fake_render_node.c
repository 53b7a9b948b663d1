/*
 * A fake DRM render node for the GPU scenarios (tests only; not part of
 * the runtime). Preloaded after the runtime --
 *   LD_PRELOAD=libfencedep.so:libfake_render_node.so
 * -- the way Mesa's drm-shim stands in for a GPU: open("/dev/dri/renderD128")
 * succeeds, and the DRM syncobj and sync_file ioctls on what it returns are
 * answered here with working semantics, so that programs exercise the real
 * ioctl paths through the runtime's hooks:
 *
 * - binary and timeline syncobjs; WAIT / TIMELINE_WAIT block for real
 *   (futex) until signalled, submitted (WAIT_FOR_SUBMIT, WAIT_AVAILABLE) or
 *   the absolute timeout (-ETIME); a missing fence without WAIT_FOR_SUBMIT
 *   is -EINVAL, as in the kernel;
 * - SIGNAL, TIMELINE_SIGNAL, RESET, TRANSFER (which may wait for submit),
 *   QUERY, EVENTFD;
 * - HANDLE_TO_FD / FD_TO_HANDLE: a syncobj fd is a memfd holding the
 *   syncobj's state, so it can be passed to another process (SCM_RIGHTS)
 *   and used there; sync_file export and import;
 * - sync_files are eventfds that become readable when their fences
 *   signal, so poll/select/epoll readiness is the kernel's own;
 *   SYNC_IOC_MERGE and SYNC_IOC_FILE_INFO work on them;
 * - two driver ioctls play the GPU: FAKE_IOCTL_SUBMIT attaches an
 *   unsignalled fence to a point, FAKE_IOCTL_COMPLETE signals it;
 * - argument pointers are copied with process_vm_readv/writev: a bad one is
 *   -EFAULT, as from the kernel.
 *
 * Simplifications: a binary fence replaced while unsignalled counts as
 * signalled; fences that depend on other fences (transfers, imports,
 * merges, exported sync_files) complete when the process that made them
 * sees the dependency complete; state shared between processes is the
 * syncobj page itself.
 *
 * Everything here uses raw syscalls and C11 atomics: the runtime
 * intercepts libc's read, write, poll, close, ioctl and the pthread locks,
 * and the fake GPU must not appear in the program's lock graph.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "fake_render_node.h"

static atomic_flag table_lock = ATOMIC_FLAG_INIT;
static struct device devices[MAX_DEVICES];
static struct mapping mappings[MAX_MAPPINGS];
static int nmappings;
static struct sync_file sync_files[MAX_SYNC_FILES];
static struct watcher watchers[MAX_WATCHERS];
atomic_uint local_changes; /* futex word for waiters in this process */

void lock_tables(void) {
  while (atomic_flag_test_and_set_explicit(&table_lock, memory_order_acquire))
    sched_yield();
}
void unlock_tables(void) { atomic_flag_clear_explicit(&table_lock, memory_order_release); }

void lock_obj(struct syncobj *s) {
  unsigned expected = 0;
  while (!atomic_compare_exchange_weak(&s->lock, &expected, 1)) {
    expected = 0;
    sched_yield();
  }
}
void unlock_obj(struct syncobj *s) { atomic_store(&s->lock, 0); }

/* ---- raw syscalls and user copies -------------------------------------- */
/* syscall() is variadic: integer arguments are passed as long, or the
 * kernel sees whatever the upper half of the register held. */

long sys_close(int fd) { return syscall(SYS_close, (long)fd); }
static void sys_signal_eventfd(int fd) {
  uint64_t one = 1;
  syscall(SYS_write, (long)fd, &one, sizeof one);
}
int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int copy_in(void *dst, const void *user, size_t n) {
  struct iovec l = {dst, n}, r = {(void *)user, n};
  return n == 0 || syscall(SYS_process_vm_readv, (long)getpid(), &l, 1UL, &r, 1UL, 0UL) == (long)n
             ? 0
             : -EFAULT;
}
int copy_out(void *user, const void *src, size_t n) {
  struct iovec l = {(void *)src, n}, r = {user, n};
  return n == 0 || syscall(SYS_process_vm_writev, (long)getpid(), &l, 1UL, &r, 1UL, 0UL) == (long)n
             ? 0
             : -EFAULT;
}
/* The kernel's way with sizes: copy what both sides have, zero the rest. */
int copy_arg_in(void *dst, size_t ours, const void *user, unsigned long req) {
  size_t theirs = _IOC_SIZE(req);
  memset(dst, 0, ours);
  return copy_in(dst, user, theirs < ours ? theirs : ours);
}
int copy_arg_out(void *user, const void *src, size_t ours, unsigned long req) {
  size_t theirs = _IOC_SIZE(req);
  return copy_out(user, src, theirs < ours ? theirs : ours);
}

void notify(struct syncobj *s) {
  atomic_fetch_add(&local_changes, 1);
  syscall(SYS_futex, &local_changes, (long)FUTEX_WAKE_PRIVATE, (long)INT_MAX, NULL, NULL, 0L);
  if (s) {
    atomic_fetch_add(&s->changes, 1);
    syscall(SYS_futex, &s->changes, (long)FUTEX_WAKE, (long)INT_MAX, NULL, NULL, 0L);
  }
}

/* ---- fence state (callers hold the object's lock or the table lock) ---- */

struct fref resolve(struct syncobj *s, uint64_t point) {
  struct fref r = {s, point, 0};
  if (point == 0 && s->last_point)
    r.point = s->last_point; /* a timeline's current fence: its latest point */
  else if (point == 0)
    r.id = s->has_fence ? s->fence_id : s->fence_id + 1;
  return r;
}

int submitted(const struct fref *f) {
  const struct syncobj *s = f->s;
  if (f->point)
    return f->point <= s->last_point;
  return s->fence_id > f->id || (s->fence_id == f->id && s->has_fence);
}

int signalled(const struct fref *f) {
  const struct syncobj *s = f->s;
  if (!submitted(f))
    return 0;
  if (!f->point)
    return s->fence_id > f->id || !s->fence_pending;
  for (uint32_t i = 0; i < s->npending; ++i)
    if (s->pending[i] <= f->point)
      return 0;
  return 1;
}

int ready(const struct fref *f, int available) {
  lock_obj(f->s);
  int r = available ? submitted(f) : signalled(f);
  unlock_obj(f->s);
  return r;
}

/* Attaches a fence to `s` at `point`: signalled, or pending (completed
 * later by FAKE_COMPLETE or a W_FENCE watcher). Returns it. */
struct fref attach(struct syncobj *s, uint64_t point, int pending) {
  struct fref f = {s, point, 0};
  lock_obj(s);
  if (point == 0) {
    s->fence_id++;
    s->has_fence = 1;
    s->fence_pending = pending;
    f.id = s->fence_id;
  } else {
    if (point > s->last_point)
      s->last_point = point;
    if (pending && s->npending < MAX_PENDING)
      s->pending[s->npending++] = point;
  }
  unlock_obj(s);
  return f;
}

static void complete(const struct fref *f) {
  struct syncobj *s = f->s;
  lock_obj(s);
  if (f->point == 0) {
    if (s->fence_id == f->id)
      s->fence_pending = 0;
  } else {
    for (uint32_t i = 0; i < s->npending; ++i)
      if (s->pending[i] == f->point) {
        s->pending[i] = s->pending[--s->npending];
        break;
      }
  }
  unlock_obj(s);
}

static int nwatchers; /* watchers[] in use lie below this */

/* Fires every satisfied watcher, until nothing changes. Table lock held. */
int64_t run_watchers(void) {
  int64_t next_due = 0, now = 0;
  for (int changed = 1; changed;) {
    changed = 0;
    next_due = 0;
    for (int i = 0; i < nwatchers; ++i) {
      struct watcher *w = &watchers[i];
      if (!w->used)
        continue;
      if (w->due) {
        if (!now || changed)
          now = now_ns();
        if (w->due > now) {
          if (!next_due || w->due < next_due)
            next_due = w->due;
          continue;
        }
      }
      int all = 1;
      for (int k = 0; k < w->ndeps && all; ++k)
        all = ready(&w->deps[k], w->available);
      if (!all)
        continue;
      w->used = 0;
      if (w->kind == W_FENCE) {
        complete(&w->target);
        notify(w->target.s);
        changed = 1;
      } else if (w->kind == W_USER_FENCE) {
        /* As the GPU's store: a bad address is the program's problem. */
        copy_out((void *)(uintptr_t)w->addr, &w->value, sizeof w->value);
        notify(NULL);
      } else {
        sys_signal_eventfd(w->fd);
        if (w->kind == W_EVENTFD)
          sys_close(w->fd);
      }
    }
  }
  while (nwatchers && !watchers[nwatchers - 1].used)
    --nwatchers;
  return next_due;
}

int add_watcher(enum watch_kind kind, int fd, int available, struct fref target,
                const struct fref *deps, int ndeps, int64_t due) {
  if (ndeps > MAX_DEPS)
    return -EINVAL;
  for (int i = 0; i < MAX_WATCHERS; ++i) {
    struct watcher *w = &watchers[i];
    if (w->used)
      continue;
    *w = (struct watcher){1, kind, fd, available, target, due, ndeps, {{0}}, 0, 0};
    memcpy(w->deps, deps, (size_t)ndeps * sizeof *deps);
    if (i >= nwatchers)
      nwatchers = i + 1;
    return 0;
  }
  return -ENOMEM;
}

int add_user_fence(struct fref done, uint64_t addr, uint64_t value) {
  for (int i = 0; i < MAX_WATCHERS; ++i) {
    struct watcher *w = &watchers[i];
    if (w->used)
      continue;
    *w = (struct watcher){1, W_USER_FENCE, -1, 0, {0}, 0, 1, {done}, addr, value};
    if (i >= nwatchers)
      nwatchers = i + 1;
    return 0;
  }
  return -ENOMEM;
}

/* A fence on `s` at `point` that completes with `deps`. */
static int attach_dependent(struct syncobj *s, uint64_t point, const struct fref *deps,
                            int ndeps) {
  int pending = 0;
  for (int k = 0; k < ndeps; ++k)
    pending |= !ready(&deps[k], 0);
  struct fref f = attach(s, point, pending);
  int r = pending ? add_watcher(W_FENCE, -1, 0, f, deps, ndeps, 0) : 0;
  notify(s);
  run_watchers();
  return r;
}

/* ---- objects, handles, files ------------------------------------------- */

/* Descriptors duplicated from a device's (fcntl F_DUPFD, dup): the same
 * DRM file, the same handles. */
#define MAX_ALIASES 16
static struct {
  int used, fd;
  struct device *dev;
} aliases[MAX_ALIASES];

static struct device *device_of(int fd) {
  for (int i = 0; i < MAX_DEVICES; ++i)
    if (devices[i].used && devices[i].fd == fd)
      return &devices[i];
  for (int i = 0; i < MAX_ALIASES; ++i)
    if (aliases[i].used && aliases[i].fd == fd && aliases[i].dev->used)
      return aliases[i].dev;
  return NULL;
}

struct sync_file *sync_file_of(int fd) {
  for (int i = 0; i < MAX_SYNC_FILES; ++i)
    if (sync_files[i].used && sync_files[i].fd == fd)
      return &sync_files[i];
  return NULL;
}

static struct mapping *mapping_of(struct syncobj *s) {
  for (int i = 0; i < nmappings; ++i)
    if (mappings[i].s == s)
      return &mappings[i];
  return NULL;
}

/* Maps a syncobj memfd (ours or received); NULL if it is not one. */
static struct syncobj *map_syncobj(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size != 4096)
    return NULL;
  for (int i = 0; i < nmappings; ++i)
    if (mappings[i].dev == st.st_dev && mappings[i].ino == st.st_ino)
      return mappings[i].s;
  if (nmappings == MAX_MAPPINGS)
    return NULL;
  struct syncobj *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (s == MAP_FAILED)
    return NULL;
  if (s->magic != SYNCOBJ_MAGIC) {
    munmap(s, 4096);
    return NULL;
  }
  int own = (int)syscall(SYS_fcntl, (long)fd, (long)F_DUPFD_CLOEXEC, 0L);
  mappings[nmappings++] = (struct mapping){s, own, st.st_dev, st.st_ino};
  return s;
}

struct syncobj *new_syncobj(void) {
  if (nmappings == MAX_MAPPINGS)
    return NULL;
  int fd = (int)syscall(SYS_memfd_create, "fake-syncobj", (long)MFD_CLOEXEC);
  if (fd < 0)
    return NULL;
  struct stat st;
  struct syncobj *s;
  if (syscall(SYS_ftruncate, (long)fd, 4096L) != 0 || fstat(fd, &st) != 0 ||
      (s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED) {
    sys_close(fd);
    return NULL;
  }
  s->magic = SYNCOBJ_MAGIC;
  mappings[nmappings++] = (struct mapping){s, fd, st.st_dev, st.st_ino};
  return s;
}

static uint32_t new_handle(struct device *d, struct syncobj *s) {
  for (uint32_t h = 1; h < MAX_HANDLES; ++h)
    if (!d->handles[h]) {
      d->handles[h] = s;
      return h;
    }
  return 0;
}

struct syncobj *handle_obj(struct device *d, uint32_t h) {
  return h && h < MAX_HANDLES ? d->handles[h] : NULL;
}

int new_sync_file(const struct fref *deps, int ndeps) {
  struct sync_file *sf = NULL;
  for (int i = 0; i < MAX_SYNC_FILES && !sf; ++i)
    if (!sync_files[i].used)
      sf = &sync_files[i];
  if (!sf)
    return -ENOMEM;
  int fd = (int)syscall(SYS_eventfd2, 0L, (long)EFD_CLOEXEC);
  if (fd < 0)
    return -errno;
  sf->used = 1;
  sf->fd = fd;
  sf->ndeps = ndeps;
  memcpy(sf->deps, deps, (size_t)ndeps * sizeof *deps);
  if (add_watcher(W_SYNC_FILE, fd, 0, (struct fref){0}, deps, ndeps, 0) != 0) {
    sf->used = 0;
    sys_close(fd);
    return -ENOMEM;
  }
  run_watchers();
  return fd;
}

/* ---- waiting ------------------------------------------------------------ */

/* Blocks until the fences are signalled (or submitted, `available`): all
 * of them, or any (its index in *first). Called without the table lock. */
int wait_fences(struct syncobj **objs, const uint64_t *points, uint32_t n, uint32_t flags,
                       int64_t timeout, uint32_t *first) {
  int for_submit = flags & (DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT |
                            DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE);
  int available = flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE;
  for (;;) {
    unsigned seen = atomic_load(&local_changes);
    int all = 1, any = -1;
    for (uint32_t i = 0; i < n; ++i) {
      lock_obj(objs[i]);
      struct fref f = resolve(objs[i], points[i]);
      int sub = submitted(&f);
      int done = available ? sub : signalled(&f);
      unlock_obj(objs[i]);
      if (!sub && !for_submit)
        return -EINVAL;
      if (done && any < 0)
        any = (int)i;
      all &= done;
    }
    if ((flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL) ? all : any >= 0) {
      *first = any < 0 ? 0 : (uint32_t)any;
      return 0;
    }
    int64_t now = now_ns();
    if (now >= timeout)
      return -ETIME;
    /* Local changes wake us at once; another process's, within 5 ms. */
    int64_t left = timeout - now < 5000000 ? timeout - now : 5000000;
    struct timespec ts = {0, (long)left};
    syscall(SYS_futex, &local_changes, (long)FUTEX_WAIT_PRIVATE, (long)seen, &ts, NULL, 0L);
  }
}

#define MAX_WAIT 64

static int ioctl_wait(struct device *d, void *arg, unsigned long req, int timeline) {
  struct drm_syncobj_timeline_wait w;
  int r;
  if (timeline) {
    r = copy_arg_in(&w, sizeof w, arg, req);
  } else {
    struct drm_syncobj_wait b;
    r = copy_arg_in(&b, sizeof b, arg, req);
    w = (struct drm_syncobj_timeline_wait){b.handles,       0,       b.timeout_nsec,
                                           b.count_handles, b.flags, 0,
                                           0,               0};
  }
  if (r)
    return r;
  if (w.count_handles == 0 || w.count_handles > MAX_WAIT)
    return -EINVAL;
  uint32_t handles[MAX_WAIT];
  uint64_t points[MAX_WAIT] = {0};
  if (copy_in(handles, (void *)(uintptr_t)w.handles, w.count_handles * sizeof *handles) ||
      (timeline &&
       copy_in(points, (void *)(uintptr_t)w.points, w.count_handles * sizeof *points)))
    return -EFAULT;
  struct syncobj *objs[MAX_WAIT];
  lock_tables();
  for (uint32_t i = 0; i < w.count_handles; ++i)
    if (!(objs[i] = handle_obj(d, handles[i]))) {
      unlock_tables();
      return -ENOENT;
    }
  unlock_tables();
  uint32_t first = 0;
  r = wait_fences(objs, points, w.count_handles, w.flags, w.timeout_nsec, &first);
  if (r == 0 && !(w.flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL)) {
    size_t at = timeline ? offsetof(struct drm_syncobj_timeline_wait, first_signaled)
                         : offsetof(struct drm_syncobj_wait, first_signaled);
    r = copy_out((char *)arg + at, &first, sizeof first);
  }
  return r;
}

/* ---- the other ioctls (table lock held) --------------------------------- */

static int ioctl_create(struct device *d, void *arg, unsigned long req) {
  struct drm_syncobj_create c;
  int r = copy_arg_in(&c, sizeof c, arg, req);
  if (r)
    return r;
  struct syncobj *s = new_syncobj();
  if (!s)
    return -ENOMEM;
  if (c.flags & DRM_SYNCOBJ_CREATE_SIGNALED)
    attach(s, 0, 0);
  if (!(c.handle = new_handle(d, s)))
    return -ENOMEM;
  return copy_arg_out(arg, &c, sizeof c, req);
}

static int ioctl_destroy(struct device *d, void *arg, unsigned long req) {
  struct drm_syncobj_destroy x;
  int r = copy_arg_in(&x, sizeof x, arg, req);
  if (r)
    return r;
  if (!handle_obj(d, x.handle))
    return -EINVAL;
  d->handles[x.handle] = NULL;
  return 0;
}

static int ioctl_handle_to_fd(struct device *d, void *arg, unsigned long req) {
  struct drm_syncobj_handle a;
  int r = copy_arg_in(&a, sizeof a, arg, req);
  if (r)
    return r;
  struct syncobj *s = handle_obj(d, a.handle);
  if (!s)
    return -ENOENT;
  if (a.flags & DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE) {
    lock_obj(s);
    struct fref f = resolve(s, a.point);
    int sub = submitted(&f);
    unlock_obj(s);
    if (!sub)
      return -EINVAL;
    a.fd = new_sync_file(&f, 1);
  } else {
    struct mapping *m = mapping_of(s);
    a.fd = m ? (int)syscall(SYS_fcntl, (long)m->memfd, (long)F_DUPFD_CLOEXEC, 0L) : -1;
    if (a.fd < 0)
      a.fd = -EINVAL;
  }
  if (a.fd < 0)
    return a.fd;
  return copy_arg_out(arg, &a, sizeof a, req);
}

static int ioctl_fd_to_handle(struct device *d, void *arg, unsigned long req) {
  struct drm_syncobj_handle a;
  int r = copy_arg_in(&a, sizeof a, arg, req);
  if (r)
    return r;
  if (a.flags & DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE) {
    struct syncobj *s = handle_obj(d, a.handle);
    struct sync_file *sf = sync_file_of(a.fd);
    if (!s || !sf)
      return -EINVAL;
    return attach_dependent(s, a.point, sf->deps, sf->ndeps);
  }
  struct syncobj *s = map_syncobj(a.fd);
  if (!s)
    return -EINVAL;
  if (!(a.handle = new_handle(d, s)))
    return -ENOMEM;
  return copy_arg_out(arg, &a, sizeof a, req);
}

static int read_array(struct device *d, uint64_t handles_ptr, uint64_t points_ptr,
                      uint32_t count, struct syncobj **objs, uint64_t *points) {
  uint32_t handles[MAX_WAIT];
  if (count == 0 || count > MAX_WAIT)
    return -EINVAL;
  if (copy_in(handles, (void *)(uintptr_t)handles_ptr, count * sizeof *handles))
    return -EFAULT;
  memset(points, 0, count * sizeof *points);
  if (points_ptr && copy_in(points, (void *)(uintptr_t)points_ptr, count * sizeof *points))
    return -EFAULT;
  for (uint32_t i = 0; i < count; ++i)
    if (!(objs[i] = handle_obj(d, handles[i])))
      return -ENOENT;
  return 0;
}

static int ioctl_signal(struct device *d, void *arg, unsigned long req, int timeline, int reset) {
  struct drm_syncobj_timeline_array a;
  int r;
  if (timeline) {
    r = copy_arg_in(&a, sizeof a, arg, req);
  } else {
    struct drm_syncobj_array b;
    r = copy_arg_in(&b, sizeof b, arg, req);
    a = (struct drm_syncobj_timeline_array){b.handles, 0, b.count_handles, 0};
  }
  if (r)
    return r;
  struct syncobj *objs[MAX_WAIT];
  uint64_t points[MAX_WAIT];
  if ((r = read_array(d, a.handles, a.points, a.count_handles, objs, points)))
    return r;
  for (uint32_t i = 0; i < a.count_handles; ++i) {
    if (reset) {
      lock_obj(objs[i]);
      objs[i]->has_fence = 0;
      unlock_obj(objs[i]);
    } else {
      attach(objs[i], points[i], 0);
    }
    notify(objs[i]);
  }
  run_watchers();
  return 0;
}

static int ioctl_query(struct device *d, void *arg, unsigned long req) {
  struct drm_syncobj_timeline_array a;
  int r = copy_arg_in(&a, sizeof a, arg, req);
  if (r)
    return r;
  struct syncobj *objs[MAX_WAIT];
  uint64_t points[MAX_WAIT];
  if ((r = read_array(d, a.handles, 0, a.count_handles, objs, points)))
    return r;
  for (uint32_t i = 0; i < a.count_handles; ++i) {
    struct syncobj *s = objs[i];
    lock_obj(s);
    uint64_t p = s->last_point;
    if (!(a.flags & DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED))
      for (uint32_t k = 0; k < s->npending; ++k)
        if (s->pending[k] <= p)
          p = s->pending[k] - 1;
    unlock_obj(s);
    points[i] = p;
  }
  return copy_out((void *)(uintptr_t)a.points, points, a.count_handles * sizeof *points);
}

static int ioctl_eventfd(struct device *d, void *arg, unsigned long req) {
  struct drm_syncobj_eventfd e;
  int r = copy_arg_in(&e, sizeof e, arg, req);
  if (r)
    return r;
  struct syncobj *s = handle_obj(d, e.handle);
  if (!s || (e.flags & ~DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE))
    return -EINVAL;
  int fd = (int)syscall(SYS_fcntl, (long)e.fd, (long)F_DUPFD_CLOEXEC, 0L);
  if (fd < 0)
    return -EBADF;
  lock_obj(s);
  struct fref f = resolve(s, e.point);
  unlock_obj(s);
  r = add_watcher(W_EVENTFD, fd, e.flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE, f, &f, 1, 0);
  if (r)
    sys_close(fd);
  run_watchers();
  return r;
}

static int ioctl_fake_job(struct device *d, void *arg, unsigned long req, int complete_it) {
  struct fake_job j;
  int r = copy_arg_in(&j, sizeof j, arg, req);
  if (r)
    return r;
  struct syncobj *s = handle_obj(d, j.handle);
  if (!s)
    return -ENOENT;
  if (complete_it) {
    lock_obj(s);
    struct fref f = {s, j.point, s->fence_id};
    unlock_obj(s);
    complete(&f);
  } else {
    attach(s, j.point, 1);
  }
  notify(s);
  run_watchers();
  return 0;
}

static int ioctl_merge(struct sync_file *a, void *arg, unsigned long req) {
  struct sync_merge_data m;
  int r = copy_arg_in(&m, sizeof m, arg, req);
  if (r)
    return r;
  struct sync_file *b = sync_file_of(m.fd2);
  if (!b || a->ndeps + b->ndeps > MAX_DEPS)
    return -EINVAL;
  struct fref deps[MAX_DEPS];
  memcpy(deps, a->deps, (size_t)a->ndeps * sizeof *deps);
  memcpy(deps + a->ndeps, b->deps, (size_t)b->ndeps * sizeof *deps);
  m.fence = new_sync_file(deps, a->ndeps + b->ndeps);
  if (m.fence < 0)
    return m.fence;
  return copy_arg_out(arg, &m, sizeof m, req);
}

static int ioctl_info(struct sync_file *sf, void *arg, unsigned long req) {
  struct sync_file_info info;
  int r = copy_arg_in(&info, sizeof info, arg, req);
  if (r)
    return r;
  int all = 1;
  struct sync_fence_info fi[MAX_DEPS];
  memset(fi, 0, sizeof fi);
  for (int k = 0; k < sf->ndeps; ++k) {
    fi[k].status = ready(&sf->deps[k], 0);
    all &= fi[k].status;
    strcpy(fi[k].obj_name, "fake-syncobj");
    strcpy(fi[k].driver_name, "fake-render-node");
  }
  if (info.num_fences && info.num_fences < (uint32_t)sf->ndeps)
    return -EINVAL;
  if (info.num_fences && (r = copy_out((void *)(uintptr_t)info.sync_fence_info, fi,
                                       (size_t)sf->ndeps * sizeof *fi)))
    return r;
  strcpy(info.name, "fake-sync-file");
  info.status = all;
  info.num_fences = (uint32_t)sf->ndeps;
  return copy_arg_out(arg, &info, sizeof info, req);
}

struct drm_get_cap {
  uint64_t capability;
  uint64_t value;
};

static int device_ioctl(struct device *d, unsigned long req, void *arg) {
  unsigned nr = _IOC_NR(req);
  if (_IOC_TYPE(req) != DRM_IOCTL_BASE)
    return -ENOTTY;
  if (nr == 0x00)
    return fake_version_ioctl(arg, req);
  if (nr >= DRM_COMMAND_BASE && nr < 0xA0 && !fake_driver_is_fake()) /* DRM_COMMAND_END */
    return fake_driver_ioctl(d, req, arg);
  /* Waits block: they run without the table lock. */
  if (nr == _IOC_NR(DRM_IOCTL_SYNCOBJ_WAIT) || nr == _IOC_NR(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT))
    return ioctl_wait(d, arg, req, nr == _IOC_NR(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT));
  if (nr == _IOC_NR(DRM_IOCTL_SYNCOBJ_TRANSFER)) {
    struct drm_syncobj_transfer t;
    int r = copy_arg_in(&t, sizeof t, arg, req);
    if (r)
      return r;
    lock_tables();
    struct syncobj *src = handle_obj(d, t.src_handle), *dst = handle_obj(d, t.dst_handle);
    unlock_tables();
    if (!src || !dst)
      return -ENOENT;
    /* The source must exist (be submitted), or with WAIT_FOR_SUBMIT be
     * waited for; it need not have signalled. */
    uint32_t first;
    uint32_t wflags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE |
                      (t.flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT);
    lock_obj(src);
    struct fref probe = resolve(src, t.src_point);
    int sub = submitted(&probe);
    unlock_obj(src);
    if (!sub && !(t.flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT))
      return -EINVAL;
    if (!sub && (r = wait_fences(&src, &t.src_point, 1, wflags, INT64_MAX, &first)))
      return r;
    lock_tables();
    lock_obj(src);
    struct fref dep = resolve(src, t.src_point);
    unlock_obj(src);
    r = attach_dependent(dst, t.dst_point, &dep, 1);
    unlock_tables();
    return r;
  }
  int r;
  lock_tables();
  switch (nr) {
  case 0x05: { /* GET_CLIENT: authenticated, as a primary node's client */
    struct drm_client {
      int idx, auth;
      unsigned long pid, uid, magic, iocs;
    } c;
    if (!(r = copy_arg_in(&c, sizeof c, arg, req))) {
      c.auth = 1;
      r = c.idx == 0 ? copy_arg_out(arg, &c, sizeof c, req) : -EINVAL;
    }
    break;
  }
  case 0x0c: { /* GET_CAP: SYNCOBJ and SYNCOBJ_TIMELINE */
    struct drm_get_cap c;
    if (!(r = copy_arg_in(&c, sizeof c, arg, req))) {
      c.value = c.capability == 0x13 || c.capability == 0x14;
      r = copy_arg_out(arg, &c, sizeof c, req);
    }
    break;
  }
  case 0xBF:
    r = ioctl_create(d, arg, req);
    break;
  case 0xC0:
    r = ioctl_destroy(d, arg, req);
    break;
  case 0xC1:
    r = ioctl_handle_to_fd(d, arg, req);
    break;
  case 0xC2:
    r = ioctl_fd_to_handle(d, arg, req);
    break;
  case 0xC4:
    r = ioctl_signal(d, arg, req, 0, 1);
    break;
  case 0xC5:
    r = ioctl_signal(d, arg, req, 0, 0);
    break;
  case 0xCB:
    r = ioctl_query(d, arg, req);
    break;
  case 0xCD:
    r = ioctl_signal(d, arg, req, 1, 0);
    break;
  case 0xCF:
    r = ioctl_eventfd(d, arg, req);
    break;
  case DRM_COMMAND_BASE + 0x00:
    r = ioctl_fake_job(d, arg, req, 0);
    break;
  case DRM_COMMAND_BASE + 0x01:
    r = ioctl_fake_job(d, arg, req, 1);
    break;
  default:
    r = -EINVAL;
  }
  unlock_tables();
  return r;
}

static int sync_file_ioctl(struct sync_file *sf, unsigned long req, void *arg) {
  if (_IOC_TYPE(req) != SYNC_IOC_MAGIC)
    return -ENOTTY;
  if (_IOC_NR(req) == _IOC_NR(SYNC_IOC_MERGE))
    return ioctl_merge(sf, arg, req);
  if (_IOC_NR(req) == _IOC_NR(SYNC_IOC_FILE_INFO))
    return ioctl_info(sf, arg, req);
  return -ENOTTY;
}

/* ---- interposed libc entry points --------------------------------------- */

static int open_node(int flags) {
  int fd = (int)syscall(SYS_memfd_create, "fake-renderD128",
                        (flags & O_CLOEXEC) ? (long)MFD_CLOEXEC : 0L);
  if (fd < 0)
    return -1;
  lock_tables();
  for (int i = 0; i < MAX_DEVICES; ++i) {
    if (!devices[i].used) {
      memset(&devices[i], 0, sizeof devices[i]);
      devices[i].used = 1;
      devices[i].fd = fd;
      unlock_tables();
      return fd;
    }
  }
  unlock_tables();
  sys_close(fd);
  errno = ENFILE;
  return -1;
}

static int is_node(const char *path) {
  return path && strcmp(path, FAKE_RENDER_NODE) == 0;
}

static mode_t mode_arg(int flags, va_list ap) {
  return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

/* Every open variant: the render node is ours, anything else goes to the kernel. */
static int open_at(int dirfd, const char *path, int flags, mode_t mode) {
  if (is_node(path))
    return open_node(flags);
  return (int)syscall(SYS_openat, (long)dirfd, path, (long)flags, (long)mode);
}

EXPORT int open(const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  return open_at(AT_FDCWD, path, flags, mode);
}

EXPORT int open64(const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  return open_at(AT_FDCWD, path, flags, mode);
}

EXPORT int openat(int dirfd, const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  return open_at(dirfd, path, flags, mode);
}

EXPORT int openat64(int dirfd, const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  return open_at(dirfd, path, flags, mode);
}

/* _FORTIFY_SOURCE builds. */
EXPORT int __open_2(const char *path, int flags) { return open(path, flags); }
EXPORT int __open64_2(const char *path, int flags) { return open(path, flags); }
EXPORT int __openat_2(int dirfd, const char *path, int flags) {
  return openat(dirfd, path, flags);
}
EXPORT int __openat64_2(int dirfd, const char *path, int flags) {
  return openat(dirfd, path, flags);
}

EXPORT int ioctl(int fd, unsigned long req, ...) {
  va_list ap;
  va_start(ap, req);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  lock_tables();
  struct device *d = device_of(fd);
  struct sync_file *sf = d ? NULL : sync_file_of(fd);
  unlock_tables();
  int r;
  if (d) {
    r = device_ioctl(d, req, arg);
  } else if (sf) {
    lock_tables();
    r = sync_file_ioctl(sf, req, arg);
    unlock_tables();
  } else {
    return (int)syscall(SYS_ioctl, (long)fd, req, arg);
  }
  if (r < 0) {
    errno = -r;
    return -1;
  }
  return 0;
}

/* A copy of a device's descriptor names the same device. */
static int dup_of(int fd, int copy) {
  if (copy < 0)
    return copy;
  lock_tables();
  struct device *d = device_of(fd);
  for (int i = 0; d && i < MAX_ALIASES; ++i) {
    if (!aliases[i].used || aliases[i].fd == copy) {
      aliases[i].used = 1;
      aliases[i].fd = copy;
      aliases[i].dev = d;
      break;
    }
  }
  unlock_tables();
  return copy;
}

EXPORT int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  long arg = va_arg(ap, long);
  va_end(ap);
  long r = syscall(SYS_fcntl, (long)fd, (long)cmd, arg);
  if (r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC))
    return dup_of(fd, (int)r);
  return (int)r;
}

EXPORT int fcntl64(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  long arg = va_arg(ap, long);
  va_end(ap);
  return fcntl(fd, cmd, arg);
}

EXPORT int dup(int fd) { return dup_of(fd, (int)syscall(SYS_dup, (long)fd)); }

EXPORT int close(int fd) {
  lock_tables();
  for (int i = 0; i < MAX_ALIASES; ++i)
    if (aliases[i].used && aliases[i].fd == fd)
      aliases[i].used = 0;
  struct device *d = device_of(fd);
  if (d && d->fd == fd) {
    d->used = 0;
    fake_forget_device(fd);
  }
  struct sync_file *sf = sync_file_of(fd);
  if (sf) {
    sf->used = 0;
    for (int i = 0; i < MAX_WATCHERS; ++i)
      if (watchers[i].used && watchers[i].kind == W_SYNC_FILE && watchers[i].fd == fd)
        watchers[i].used = 0;
  }
  unlock_tables();
  return (int)sys_close(fd);
}
