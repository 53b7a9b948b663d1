/*
 * What the two halves of the fake render node share (tests only): the
 * syncobj state machine and its tables (fake_render_node.c), and the GPU,
 * driver identity and drivers' submit ioctls (fake_gpu.c). Everything here
 * is hidden in the library: only the libc entry points are exported.
 */
#ifndef FENCEDEP_TESTDATA_FAKE_RENDER_NODE_H
#define FENCEDEP_TESTDATA_FAKE_RENDER_NODE_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "drm_abi.h"

#define EXPORT __attribute__((visibility("default")))

/* ---- one syncobj: a page of a memfd, shared by whoever maps it ---------- */

#define SYNCOBJ_MAGIC 0x6a626f636e797366ull /* "fsyncobj" */
#define MAX_PENDING 128

struct syncobj {
  uint64_t magic;
  atomic_uint lock;
  atomic_uint changes; /* futex word for waiters in other processes */
  /* the binary fence */
  uint32_t has_fence;
  uint32_t fence_pending;
  uint64_t fence_id; /* bumped whenever a fence is attached */
  /* the timeline */
  uint64_t last_point; /* highest submitted point */
  uint32_t npending;
  uint32_t pad;
  uint64_t pending[MAX_PENDING]; /* submitted, not yet signalled */
};

/* A fence: a timeline point, or a binary syncobj's fence by id. */
struct fref {
  struct syncobj *s;
  uint64_t point; /* 0: binary fence `id` */
  uint64_t id;
};

/* ---- process-local tables, under one spin lock ------------------------- */

#define MAX_DEVICES 8
#define MAX_HANDLES 1024
#define MAX_MAPPINGS 1024
#define MAX_SYNC_FILES 256
#define MAX_WATCHERS 512
#define MAX_DEPS 16

struct device {
  int used, fd;
  struct syncobj *handles[MAX_HANDLES]; /* handle = index, 0 unused */
};

struct mapping {
  struct syncobj *s;
  int memfd;
  dev_t dev;
  ino_t ino;
};

struct sync_file {
  int used, fd;
  int ndeps;
  struct fref deps[MAX_DEPS];
};

enum watch_kind { W_SYNC_FILE, W_EVENTFD, W_FENCE, W_USER_FENCE };

/* Fires once every dependency is signalled (or, `available`, submitted). */
struct watcher {
  int used;
  enum watch_kind kind;
  int fd;             /* eventfd to make readable */
  int available;
  struct fref target; /* W_FENCE: completes then */
  int64_t due;        /* not before this CLOCK_MONOTONIC time (a job runs), 0: at once */
  int ndeps;
  struct fref deps[MAX_DEPS];
  uint64_t addr, value; /* W_USER_FENCE: the GPU writes `value` (8 bytes) at `addr` */
};

/* ---- shared by fake_render_node.c and fake_gpu.c ------------------------ */

extern atomic_uint local_changes; /* futex word for waiters in this process */

void lock_tables(void);
void unlock_tables(void);
void lock_obj(struct syncobj *s);
void unlock_obj(struct syncobj *s);
long sys_close(int fd);
int64_t now_ns(void);
int copy_in(void *dst, const void *user, size_t n);
int copy_out(void *user, const void *src, size_t n);
int copy_arg_in(void *dst, size_t ours, const void *user, unsigned long req);
int copy_arg_out(void *user, const void *src, size_t ours, unsigned long req);
void notify(struct syncobj *s);
struct fref resolve(struct syncobj *s, uint64_t point);
int submitted(const struct fref *f);
int signalled(const struct fref *f);
int ready(const struct fref *f, int available);
struct fref attach(struct syncobj *s, uint64_t point, int pending);
/* Fires every satisfied watcher; returns the earliest time a job still
 * waiting for its time to run could complete (0: none). Table lock held. */
int64_t run_watchers(void);
int add_watcher(enum watch_kind kind, int fd, int available, struct fref target,
                const struct fref *deps, int ndeps, int64_t due);
/* An xe user fence: `value` written at `addr` once `done` has signalled. */
int add_user_fence(struct fref done, uint64_t addr, uint64_t value);
struct syncobj *new_syncobj(void);
struct syncobj *handle_obj(struct device *d, uint32_t h);
int new_sync_file(const struct fref *deps, int ndeps);
struct sync_file *sync_file_of(int fd);
int wait_fences(struct syncobj **objs, const uint64_t *points, uint32_t n, uint32_t flags,
                int64_t timeout, uint32_t *first);

/* fake_gpu.c */
/* The driver DRM_IOCTL_VERSION names: FAKE_DRM_DRIVER, else "fake" (whose
 * driver ioctls are FAKE_IOCTL_SUBMIT and FAKE_IOCTL_COMPLETE). */
int fake_driver_is_fake(void);
int fake_version_ioctl(void *arg, unsigned long req);
/* A driver ioctl (DRM_COMMAND_BASE and up) of the chosen driver. */
int fake_driver_ioctl(struct device *d, unsigned long req, void *arg);
/* A descriptor is closed: its queues end. */
void fake_forget_device(int fd);

#endif /* FENCEDEP_TESTDATA_FAKE_RENDER_NODE_H */
