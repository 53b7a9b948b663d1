// DRM syncobj and sync_file ioctls. Requests are recognised by _IOC_TYPE and
// _IOC_NR alone (drm_uapi.h says why); everything else, and every DRM ioctl
// not listed here, goes to the real ioctl untouched, after one compare.
//
// Arguments are the host's memory: they are copied with safe_read, never
// dereferenced. A wait's arguments are read before the call (its edges must
// exist before it may block, as for locks); everything else is modelled
// after the real call succeeded, from what it wrote back, so a malformed
// argument is answered by the kernel (or the driver) and not by us.
//
// The model:
// - SYNCOBJ_WAIT / TIMELINE_WAIT: a wait on each handle's (object, point);
//   WAIT_FOR_SUBMIT and WAIT_AVAILABLE wait for a future submission
//   (EdgeKind::WaitForSubmit). With WAIT_ALL every object completed on
//   return, else only `first_signaled`.
// - SIGNAL, TIMELINE_SIGNAL: the thread puts in and completes a fence: a
//   signal, depending on what the thread holds and took since its last
//   completed wait.
// - TRANSFER into, sync_file import into: the thread submits a fence that
//   completes with its source: a submission (waits for submission depend
//   on the thread, Engine::submit) that awaits the source.
// - Driver ioctls (DRM_COMMAND_BASE and up) go to drm_submit.h: the
//   drivers' submit ioctls.
// - HANDLE_TO_FD exports (an LR use when the class is long-running);
//   SYNC_IOC_MERGE makes a sync_file (class: the merge site) that awaits
//   both inputs.
#include <errno.h>
#include <stdarg.h>

#include <cstddef>
#include <cstring>

#include "drm_model.h"
#include "drm_submit.h"
#include "drm_uapi.h"
#include "fence_objects.h"
#include "hooks_common.h"
#include "safe_copy.h"

using namespace fencedep;
using namespace fencedep::runtime;
using namespace fencedep::runtime::drm;
namespace uapi = fencedep::drm;

namespace {

constexpr uint32_t kMaxModelled = 64; // handles per call modelled; more are counted
std::atomic<uint64_t> handles_unmodelled{0};

// A call's handles and (timelines) points, in one system call.
bool read_handles(uint32_t *handles, uint64_t handles_ptr, uint64_t *points, uint64_t points_ptr,
                  uint32_t count) {
  ReadPiece p[2] = {{handles, handles_ptr, count * sizeof(uint32_t)},
                    {points, points_ptr, count * sizeof(uint64_t)}};
  return count == 0 || safe_read_pieces(p, points ? 2 : 1);
}

uint32_t modelled(uint32_t count) {
  if (count > kMaxModelled) {
    handles_unmodelled.fetch_add(count - kMaxModelled, std::memory_order_relaxed);
    return kMaxModelled;
  }
  return count;
}

// Both syncobj waits, binary and timeline.
int syncobj_wait(HookScope &h, int fd, unsigned long req, void *arg, bool timeline,
                 uint64_t pc) {
  uint64_t handles_ptr, points_ptr = 0;
  int64_t timeout;
  uint32_t count, flags;
  if (timeline) {
    uapi::SyncobjTimelineWait w;
    if (!read_args(&w, arg, req, offsetof(uapi::SyncobjTimelineWait, deadline_nsec)))
      return REAL(ioctl)(fd, req, arg);
    handles_ptr = w.handles, points_ptr = w.points, timeout = w.timeout_nsec;
    count = w.count_handles, flags = w.flags;
  } else {
    uapi::SyncobjWait w;
    if (!read_args(&w, arg, req, offsetof(uapi::SyncobjWait, deadline_nsec)))
      return REAL(ioctl)(fd, req, arg);
    handles_ptr = w.handles, timeout = w.timeout_nsec;
    count = w.count_handles, flags = w.flags;
  }
  uint32_t n = modelled(count);
  uint32_t handles[kMaxModelled];
  uint64_t points[kMaxModelled];
  // A zero or past timeout only polls: nothing blocks, nothing to record.
  if (n == 0 || timeout <= monotonic_now_ns() ||
      !read_handles(handles, handles_ptr, timeline ? points : nullptr, points_ptr, n))
    return REAL(ioctl)(fd, req, arg);
  if (!timeline)
    memset(points, 0, n * sizeof points[0]);

  bool wait_all = (flags & uapi::kWaitAll) || n == 1;
  bool for_submit = flags & (uapi::kWaitForSubmit | (timeline ? uapi::kWaitAvailable : 0));
  EdgeKind kind = for_submit ? EdgeKind::WaitForSubmit : EdgeKind::Wait;
  // Past kMaxModelled the count may not match the array (the driver will
  // say): only handles already known are waited on then.
  bool trusted = count <= kMaxModelled;
  FenceRefs<kMaxModelled> refs;
  for (uint32_t i = 0; i < n; ++i) {
    refs[i] = FenceRef{trusted ? object_for(fd, handles[i], pc)
                               : fence_objects.handle_object(fd, handles[i]),
                       points[i]};
    ClassId c = fence_objects.cls(refs[i].object);
    if (c != kNoClass)
      wait_before(h, c, as_obj(fence_objects.instance(refs[i])), nullptr, pc, kind,
                  fence_objects.object_key(refs[i].object), wait_all);
  }
  int r = REAL(ioctl)(fd, req, arg);
  ErrnoKeeper keep;
  int err = errno;
  if (r != 0 && err != ETIME) {
    // Refused (no such handle, no fence without WAIT_FOR_SUBMIT, bad
    // pointer): nothing was waited for.
    if (h.ctx().block_open)
      block_end(h.ctx());
    return r;
  }
  uint32_t first = 0;
  if (r == 0 && !wait_all) {
    size_t at = timeline ? offsetof(uapi::SyncobjTimelineWait, first_signaled)
                         : offsetof(uapi::SyncobjWait, first_signaled);
    if (!read_user(&first, static_cast<char *>(arg) + at, sizeof first) || first >= n)
      first = 0;
  }
  FenceRef done = refs[first];
  wait_after(h, fence_objects.cls(done.object), as_obj(fence_objects.instance(done)), r == 0,
             pc);
  if (r == 0 && wait_all)
    for (uint32_t i = 0; i < n; ++i)
      if (i != first && fence_objects.cls(refs[i].object) != kNoClass)
        wait_after_more(h, fence_objects.cls(refs[i].object),
                        as_obj(fence_objects.instance(refs[i])), true, pc);
  return r;
}

int syncobj_create(int fd, unsigned long req, void *arg, uint64_t pc) {
  int r = REAL(ioctl)(fd, req, arg);
  ErrnoKeeper keep;
  uapi::SyncobjCreate c;
  if (r != 0 || !read_args(&c, arg, req, sizeof c))
    return r;
  ClassId cls = rt.resolver.site_class(ClassKind::Syncobj, creation_site(pc));
  fence_objects.bind_handle(fd, c.handle, fence_objects.create(cls));
  return r;
}

int syncobj_destroy(int fd, unsigned long req, void *arg) {
  int r = REAL(ioctl)(fd, req, arg);
  ErrnoKeeper keep;
  uapi::SyncobjDestroy d;
  if (r == 0 && read_args(&d, arg, req, sizeof d))
    fence_objects.forget_handle(fd, d.handle);
  return r;
}

int syncobj_handle_to_fd(HookScope &h, int fd, unsigned long req, void *arg, uint64_t pc) {
  int r = REAL(ioctl)(fd, req, arg);
  ErrnoKeeper keep;
  uapi::SyncobjHandle a;
  if (r != 0 || !read_args(&a, arg, req, offsetof(uapi::SyncobjHandle, point)))
    return r;
  FenceRef ref = fence_objects.current(object_for(fd, a.handle, pc), a.point);
  if (!(a.flags & uapi::kExportSyncFile)) {
    bind_fence_fd(a.fd, FenceFdKind::Syncobj, FenceRef{ref.object, 0});
    return r;
  }
  bind_fence_fd(a.fd, FenceFdKind::SyncFile, ref);
  ClassId c = fence_objects.cls(ref.object);
  if (c != kNoClass) {
    UnwindStack st(rt.engine.stacks());
    uint64_t inst = fence_objects.instance(ref);
    rt.engine.fence_export(h.state(), c, inst, pc, st);
    trace(TraceOp::Export, h.state(), c, as_obj(inst), 0, pc);
  }
  return r;
}

int syncobj_fd_to_handle(HookScope &h, int fd, unsigned long req, void *arg, uint64_t pc) {
  int r = REAL(ioctl)(fd, req, arg);
  ErrnoKeeper keep;
  uapi::SyncobjHandle a;
  if (r != 0 || !read_args(&a, arg, req, offsetof(uapi::SyncobjHandle, point)))
    return r;
  FenceRef from = fd_ref(a.fd);
  if (a.flags & uapi::kImportSyncFile) {
    // The syncobj's fence is now the sync_file's: submitted here, complete
    // when the sync_file's fence is.
    FenceRef into = fence_objects.next(object_for(fd, a.handle, pc), a.point);
    reset_fence(h, into);
    submit_fence(h, into, pc);
    if (from.object)
      fence_await(h, into, from, pc);
    return r;
  }
  FenceFd f = fence_objects.fd(a.fd);
  if (f.kind == FenceFdKind::Syncobj)
    fence_objects.bind_handle(fd, a.handle, f.ref.object);
  else
    object_for(fd, a.handle, pc);
  return r;
}

int syncobj_signal(HookScope &h, int fd, unsigned long req, void *arg, bool timeline,
                   uint64_t pc) {
  int r = REAL(ioctl)(fd, req, arg);
  ErrnoKeeper keep;
  if (r != 0)
    return r;
  uint64_t handles_ptr, points_ptr = 0;
  uint32_t count;
  if (timeline) {
    uapi::SyncobjTimelineArray a;
    if (!read_args(&a, arg, req, sizeof a))
      return r;
    handles_ptr = a.handles, points_ptr = a.points, count = a.count_handles;
  } else {
    uapi::SyncobjArray a;
    if (!read_args(&a, arg, req, sizeof a))
      return r;
    handles_ptr = a.handles, count = a.count_handles;
  }
  uint32_t n = modelled(count);
  uint32_t handles[kMaxModelled];
  uint64_t points[kMaxModelled];
  if (!read_handles(handles, handles_ptr, timeline ? points : nullptr, points_ptr, n))
    return r;
  if (!timeline)
    memset(points, 0, n * sizeof points[0]);
  for (uint32_t i = 0; i < n; ++i)
    signal_fence(h, fence_objects.next(object_for(fd, handles[i], pc), points[i]), pc);
  return r;
}

int syncobj_transfer(HookScope &h, int fd, unsigned long req, void *arg, uint64_t pc) {
  uapi::SyncobjTransfer t;
  if (!read_args(&t, arg, req, sizeof t))
    return REAL(ioctl)(fd, req, arg);
  FenceRef src{object_for(fd, t.src_handle, pc), t.src_point};
  FenceRef dst{object_for(fd, t.dst_handle, pc), t.dst_point};
  // With WAIT_FOR_SUBMIT the kernel blocks until the source is submitted.
  bool waits = t.flags & uapi::kWaitForSubmit;
  ClassId sc = fence_objects.cls(src.object);
  if (waits && sc != kNoClass)
    wait_before(h, sc, as_obj(fence_objects.instance(src)), nullptr, pc,
                EdgeKind::WaitForSubmit, fence_objects.object_key(src.object));
  int r = REAL(ioctl)(fd, req, arg);
  ErrnoKeeper keep;
  if (waits && sc != kNoClass) {
    if (r == 0)
      wait_after(h, sc, as_obj(fence_objects.instance(src)), true, pc);
    else if (h.ctx().block_open)
      block_end(h.ctx());
  }
  if (r != 0)
    return r;
  // The destination's new fence is the source's: submitted here, complete
  // when the source is.
  FenceRef into = fence_objects.next(dst.object, dst.point);
  reset_fence(h, into);
  submit_fence(h, into, pc);
  fence_await(h, into, fence_objects.current(src.object, src.point), pc);
  return r;
}

int syncobj_eventfd(int fd, unsigned long req, void *arg, uint64_t pc) {
  int r = REAL(ioctl)(fd, req, arg);
  ErrnoKeeper keep;
  uapi::SyncobjEventfd e;
  if (r != 0 || !read_args(&e, arg, req, sizeof e))
    return r;
  FenceRef ref{object_for(fd, e.handle, pc), e.point};
  bind_fence_fd(e.fd, FenceFdKind::SyncobjEventfd, ref, e.flags & uapi::kWaitAvailable);
  return r;
}

int sync_merge(HookScope &h, int fd, unsigned long req, void *arg, uint64_t pc) {
  int r = REAL(ioctl)(fd, req, arg);
  ErrnoKeeper keep;
  uapi::SyncMergeData m;
  if (r != 0 || !read_args(&m, arg, req, sizeof m))
    return r;
  FenceRef a = fd_ref(fd), b = fd_ref(m.fd2);
  // Merges of fences the runtime does not know say nothing about them.
  if (!a.object && !b.object)
    return r;
  FenceRef merged{fence_objects.create(rt.resolver.site_class(ClassKind::SyncFile, pc)), 0};
  bind_fence_fd(m.fence, FenceFdKind::SyncFile, merged);
  if (a.object)
    fence_await(h, merged, a, pc);
  if (b.object)
    fence_await(h, merged, b, pc);
  return r;
}

__attribute__((noinline)) int fence_ioctl(int fd, unsigned long req, void *arg, uint64_t pc) {
  HookScope h;
  if (!h.active())
    return REAL(ioctl)(fd, req, arg);
  unsigned nr = uapi::ioc_nr(req);
  if (nr >= uapi::kDrmCommandBase && nr < uapi::kDrmCommandEnd &&
      uapi::ioc_type(req) == uapi::kDrmType)
    return driver_ioctl(h, fd, req, arg, pc);
  if (uapi::ioc_type(req) == uapi::kSyncFileType) {
    if (nr == uapi::kNrSyncFileMerge)
      return sync_merge(h, fd, req, arg, pc);
    return REAL(ioctl)(fd, req, arg);
  }
  switch (nr) {
  case uapi::kNrSyncobjCreate:
    return syncobj_create(fd, req, arg, pc);
  case uapi::kNrSyncobjDestroy:
    return syncobj_destroy(fd, req, arg);
  case uapi::kNrSyncobjHandleToFd:
    return syncobj_handle_to_fd(h, fd, req, arg, pc);
  case uapi::kNrSyncobjFdToHandle:
    return syncobj_fd_to_handle(h, fd, req, arg, pc);
  case uapi::kNrSyncobjWait:
    return syncobj_wait(h, fd, req, arg, false, pc);
  case uapi::kNrSyncobjTimelineWait:
    return syncobj_wait(h, fd, req, arg, true, pc);
  case uapi::kNrSyncobjSignal:
    return syncobj_signal(h, fd, req, arg, false, pc);
  case uapi::kNrSyncobjTimelineSignal:
    return syncobj_signal(h, fd, req, arg, true, pc);
  case uapi::kNrSyncobjTransfer:
    return syncobj_transfer(h, fd, req, arg, pc);
  case uapi::kNrSyncobjEventfd:
    return syncobj_eventfd(fd, req, arg, pc);
  default:
    // RESET, QUERY and every other DRM request: nothing to model.
    return REAL(ioctl)(fd, req, arg);
  }
}

} // namespace

namespace fencedep::runtime {
uint64_t drm_handles_unmodelled() { return handles_unmodelled.load(std::memory_order_relaxed); }
} // namespace fencedep::runtime

extern "C" int ioctl(int fd, unsigned long req, ...) {
  va_list ap;
  va_start(ap, req);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  unsigned type = uapi::ioc_type(req);
  if (__builtin_expect(type != uapi::kDrmType && type != uapi::kSyncFileType, 1) ||
      !rt.ready.load(std::memory_order_relaxed))
    return REAL(ioctl)(fd, req, arg);
  return fence_ioctl(fd, req, arg, FENCEDEP_CALLER_PC());
}
