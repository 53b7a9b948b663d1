// msm submissions (include/uapi/drm/msm_drm.h, Linux 6.12).
// DRM_IOCTL_MSM_GEM_SUBMIT runs command streams on a submit queue; it
// returns the job's fence number (`fence`), and:
//   MSM_SUBMIT_FENCE_FD_IN    fence_fd: a sync_file waited on
//   MSM_SUBMIT_FENCE_FD_OUT   fence_fd, written back: a sync_file of the job
//   MSM_SUBMIT_SYNCOBJ_IN/OUT in_syncobjs / out_syncobjs: arrays of struct
//                             drm_msm_gem_submit_syncobj (handle, point),
//                             syncobj_stride apart
// DRM_IOCTL_MSM_WAIT_FENCE waits on a job by (queue, fence number).
#include <cstddef>

#include "drm_model.h"
#include "drm_submit.h"
#include "drm_uapi.h"
#include "safe_copy.h"

namespace fencedep::runtime::drm {
namespace {

struct GemSubmit {
  uint32_t flags;
  uint32_t fence; // out: the job's fence number
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
static_assert(sizeof(GemSubmit) == 72 && offsetof(GemSubmit, fence_fd) == 32 &&
                  offsetof(GemSubmit, in_syncobjs) == 40 &&
                  offsetof(GemSubmit, syncobj_stride) == 64,
              "struct drm_msm_gem_submit, Linux 6.12");

struct WaitFence {
  uint32_t fence;
  uint32_t flags;
  int64_t tv_sec; // struct drm_msm_timespec: absolute CLOCK_MONOTONIC
  int64_t tv_nsec;
  uint32_t queueid;
  uint32_t pad;
};
static_assert(sizeof(WaitFence) == 32 && offsetof(WaitFence, queueid) == 24,
              "struct drm_msm_wait_fence, Linux 6.12");

constexpr unsigned kNrGemSubmit = fencedep::drm::kDrmCommandBase + 0x06;
constexpr unsigned kNrWaitFence = fencedep::drm::kDrmCommandBase + 0x07;

constexpr uint32_t kFenceFdIn = 0x40000000;
constexpr uint32_t kFenceFdOut = 0x20000000;
constexpr uint32_t kSyncobjIn = 0x08000000;
constexpr uint32_t kSyncobjOut = 0x04000000;

bool decode(Submission &s, const GemSubmit &g) {
  s.on_queue(g.queueid);
  s.job_fence_visible(); // its fence number, for WAIT_FENCE
  if (g.flags & kFenceFdIn)
    s.in_sync_file(g.fence_fd);
  return decode_syncobj_arrays(s, g.in_syncobjs, (g.flags & kSyncobjIn) ? g.nr_in_syncobjs : 0,
                               g.out_syncobjs, (g.flags & kSyncobjOut) ? g.nr_out_syncobjs : 0,
                               g.syncobj_stride);
}

int gem_submit(HookScope &h, int fd, unsigned long req, void *arg, uint64_t pc) {
  GemSubmit g;
  Submission s;
  // Read before the call: fence_fd is overwritten by the out fence.
  bool known = read_args(&g, arg, req, sizeof g) && decode(s, g);
  int r = REAL(ioctl)(fd, req, arg);
  ErrnoKeeper keep;
  if (!known) {
    bump(submit_stats.unreadable);
    return r;
  }
  GemSubmit back;
  int out_fd = -1;
  uint64_t seq = 0;
  if (r == 0 && read_user(&back, arg, offsetof(GemSubmit, queueid))) {
    seq = back.fence;
    if (g.flags & kFenceFdOut)
      out_fd = back.fence_fd;
  }
  SubmitModel(h, fd, DrmDriver::Msm, pc).after(s, r == 0, seq, out_fd);
  return r;
}

int wait_fence(HookScope &h, int fd, unsigned long req, void *arg, uint64_t pc) {
  WaitFence w;
  if (!read_args(&w, arg, req, sizeof w))
    return REAL(ioctl)(fd, req, arg);
  JobWait jw(h, fd, w.queueid, w.fence, w.tv_sec * 1000000000 + w.tv_nsec, pc);
  int r = REAL(ioctl)(fd, req, arg);
  ErrnoKeeper keep;
  jw.end(r == 0);
  return r;
}

} // namespace

int msm_ioctl(HookScope &h, int fd, unsigned nr, unsigned long req, void *arg, uint64_t pc) {
  switch (nr) {
  case kNrGemSubmit:
    return gem_submit(h, fd, req, arg, pc);
  case kNrWaitFence:
    return wait_fence(h, fd, req, arg, pc);
  default:
    return REAL(ioctl)(fd, req, arg);
  }
}

} // namespace fencedep::runtime::drm
