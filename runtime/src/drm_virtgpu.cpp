// virtio-gpu submissions (include/uapi/drm/virtgpu_drm.h, Linux 6.12).
// DRM_IOCTL_VIRTGPU_EXECBUFFER sends a command buffer to the host, on ring
// ring_idx of the context with VIRTGPU_EXECBUF_RING_IDX (else ring 0):
//   VIRTGPU_EXECBUF_FENCE_FD_IN   fence_fd: a sync_file waited on
//   VIRTGPU_EXECBUF_FENCE_FD_OUT  fence_fd, written back: a sync_file of the job
//   in_syncobjs / out_syncobjs    arrays of struct
//                                 drm_virtgpu_execbuffer_syncobj (handle,
//                                 point), syncobj_stride apart
#include <cstddef>

#include "drm_model.h"
#include "drm_submit.h"
#include "drm_uapi.h"
#include "safe_copy.h"

namespace fencedep::runtime::drm {
namespace {

struct Execbuffer {
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
static_assert(sizeof(Execbuffer) == 64 && offsetof(Execbuffer, fence_fd) == 28 &&
                  offsetof(Execbuffer, in_syncobjs) == 48,
              "struct drm_virtgpu_execbuffer, Linux 6.12");

constexpr unsigned kNrExecbuffer = fencedep::drm::kDrmCommandBase + 0x02;

constexpr uint32_t kFenceFdIn = 0x01;
constexpr uint32_t kFenceFdOut = 0x02;
constexpr uint32_t kRingIdx = 0x04;

bool decode(Submission &s, const Execbuffer &e) {
  s.on_queue((e.flags & kRingIdx) ? e.ring_idx : 0);
  if (e.flags & kFenceFdIn)
    s.in_sync_file(e.fence_fd);
  if (e.flags & kFenceFdOut)
    s.job_fence_visible();
  return decode_syncobj_arrays(s, e.in_syncobjs, e.num_in_syncobjs, e.out_syncobjs,
                               e.num_out_syncobjs, e.syncobj_stride);
}

int execbuffer(HookScope &h, int fd, unsigned long req, void *arg, uint64_t pc) {
  Execbuffer e;
  Submission s;
  // Read before the call: fence_fd is overwritten by the out fence.
  bool known = read_args(&e, arg, req, sizeof e) && decode(s, e);
  int r = REAL(ioctl)(fd, req, arg);
  ErrnoKeeper keep;
  if (!known) {
    bump(submit_stats.unreadable);
    return r;
  }
  int32_t out_fd = -1;
  if (r == 0 && (e.flags & kFenceFdOut) &&
      !read_user(&out_fd, static_cast<char *>(arg) + offsetof(Execbuffer, fence_fd),
                 sizeof out_fd))
    out_fd = -1;
  SubmitModel(h, fd, DrmDriver::Virtgpu, pc).after(s, r == 0, 0, out_fd);
  return r;
}

} // namespace

int virtgpu_ioctl(HookScope &h, int fd, unsigned nr, unsigned long req, void *arg, uint64_t pc) {
  if (nr == kNrExecbuffer)
    return execbuffer(h, fd, req, arg, pc);
  return REAL(ioctl)(fd, req, arg);
}

} // namespace fencedep::runtime::drm
