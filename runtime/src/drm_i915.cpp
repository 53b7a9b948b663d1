// i915 submissions (include/uapi/drm/i915_drm.h, Linux 6.12).
// DRM_IOCTL_I915_GEM_EXECBUFFER2 (and _WR, the same number) runs a batch on
// an engine of a context (rsvd1, and the ring bits of flags). Its fences:
//   I915_EXEC_FENCE_IN      lower half of rsvd2: a sync_file waited on
//   I915_EXEC_FENCE_SUBMIT  the same, waited for only until its request is
//                           submitted: modelled as an await (coarser)
//   I915_EXEC_FENCE_OUT     upper half of rsvd2, written back: a sync_file
//                           of the job's fence
//   I915_EXEC_FENCE_ARRAY   cliprects_ptr: struct drm_i915_gem_exec_fence
//                           [num_cliprects], binary syncobjs to WAIT on or
//                           SIGNAL
//   I915_EXEC_USE_EXTENSIONS cliprects_ptr: a chain of extensions, of which
//                           DRM_I915_GEM_EXECBUFFER_EXT_TIMELINE_FENCES
//                           names syncobj points (other names are counted)
#include <cstddef>

#include "drm_model.h"
#include "drm_submit.h"
#include "drm_uapi.h"
#include "safe_copy.h"

namespace fencedep::runtime::drm {
namespace {

struct Execbuffer2 {
  uint64_t buffers_ptr;
  uint32_t buffer_count;
  uint32_t batch_start_offset;
  uint32_t batch_len;
  uint32_t DR1;
  uint32_t DR4;
  uint32_t num_cliprects;
  uint64_t cliprects_ptr;
  uint64_t flags;
  uint64_t rsvd1; // context id
  uint64_t rsvd2; // in (low) and out (high) sync_file fds
};
static_assert(sizeof(Execbuffer2) == 64 && offsetof(Execbuffer2, cliprects_ptr) == 32 &&
                  offsetof(Execbuffer2, rsvd2) == 56,
              "struct drm_i915_gem_execbuffer2, Linux 6.12");

struct ExecFence {
  uint32_t handle;
  uint32_t flags;
};
static_assert(sizeof(ExecFence) == 8, "struct drm_i915_gem_exec_fence, Linux 6.12");

struct UserExtension {
  uint64_t next_extension;
  uint32_t name;
  uint32_t flags;
  uint32_t rsvd[4];
};
static_assert(sizeof(UserExtension) == 32, "struct i915_user_extension, Linux 6.12");

struct TimelineFences {
  UserExtension base;
  uint64_t fence_count;
  uint64_t handles_ptr; // struct drm_i915_gem_exec_fence[fence_count]
  uint64_t values_ptr;  // uint64_t[fence_count]
};
static_assert(sizeof(TimelineFences) == 56 && offsetof(TimelineFences, values_ptr) == 48,
              "struct drm_i915_gem_execbuffer_ext_timeline_fences, Linux 6.12");

constexpr unsigned kNrExecbuffer2 = fencedep::drm::kDrmCommandBase + 0x29;

constexpr uint64_t kRingMask = 0x3f;
constexpr uint64_t kBsdMask = 3ull << 13;
constexpr uint64_t kFenceIn = 1ull << 16;
constexpr uint64_t kFenceOut = 1ull << 17;
constexpr uint64_t kFenceArray = 1ull << 19;
constexpr uint64_t kFenceSubmit = 1ull << 20;
constexpr uint64_t kUseExtensions = 1ull << 21;
constexpr uint32_t kExecFenceWait = 1u << 0;
constexpr uint32_t kExecFenceSignal = 1u << 1;
constexpr uint32_t kExtTimelineFences = 0;

void add_fences(Submission &s, const ExecFence *f, const uint64_t *points, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t point = points ? points[i] : 0;
    if (f[i].flags & kExecFenceWait)
      s.in_syncobj(f[i].handle, point);
    if (f[i].flags & kExecFenceSignal)
      s.out_syncobj(f[i].handle, point);
  }
}

bool decode(Submission &s, const Execbuffer2 &eb) {
  s.on_queue((eb.rsvd1 & 0xffffffffull) << 32 | (eb.flags & (kRingMask | kBsdMask)));
  if (eb.flags & (kFenceIn | kFenceSubmit))
    s.in_sync_file(int(uint32_t(eb.rsvd2)));
  if (eb.flags & kFenceOut)
    s.job_fence_visible();
  ExecFence fences[Submission::kMaxFences];
  if (eb.flags & kUseExtensions) {
    uint64_t next = eb.cliprects_ptr;
    for (uint32_t depth = 0; next; ++depth) {
      // The whole extension in one read; its header alone when that fails
      // (another, shorter extension at the end of a mapping).
      TimelineFences ext;
      if (depth == 16)
        return false;
      if (!read_user(&ext, reinterpret_cast<const void *>(next), sizeof ext) &&
          (!read_user(&ext.base, reinterpret_cast<const void *>(next), sizeof ext.base) ||
           ext.base.name == kExtTimelineFences))
        return false;
      next = ext.base.next_extension;
      if (ext.base.name != kExtTimelineFences) {
        bump(submit_stats.unknown_parts);
        continue;
      }
      uint32_t n = ext.fence_count < Submission::kMaxFences ? uint32_t(ext.fence_count)
                                                            : Submission::kMaxFences;
      s.lose(uint32_t(ext.fence_count - n));
      uint64_t points[Submission::kMaxFences];
      ReadPiece arrays[2] = {{fences, ext.handles_ptr, uint64_t(n) * sizeof(ExecFence)},
                             {points, ext.values_ptr, uint64_t(n) * sizeof(uint64_t)}};
      if (!safe_read_pieces(arrays, 2))
        return false;
      add_fences(s, fences, points, n);
    }
  } else if (eb.flags & kFenceArray) {
    uint32_t n = eb.num_cliprects < Submission::kMaxFences ? eb.num_cliprects
                                                            : Submission::kMaxFences;
    s.lose(eb.num_cliprects - n);
    ReadPiece p{fences, eb.cliprects_ptr, uint64_t(n) * sizeof(ExecFence)};
    if (!safe_read_pieces(&p, 1))
      return false;
    add_fences(s, fences, nullptr, n);
  }
  return true;
}

int execbuffer2(HookScope &h, int fd, unsigned long req, void *arg, uint64_t pc) {
  Execbuffer2 eb;
  Submission s;
  bool known = read_args(&eb, arg, req, sizeof eb) && decode(s, eb);
  int r = REAL(ioctl)(fd, req, arg);
  ErrnoKeeper keep;
  if (!known) {
    bump(submit_stats.unreadable);
    return r;
  }
  int out_fd = -1;
  uint64_t rsvd2;
  if (r == 0 && (eb.flags & kFenceOut) &&
      read_user(&rsvd2, static_cast<char *>(arg) + offsetof(Execbuffer2, rsvd2), sizeof rsvd2))
    out_fd = int(uint32_t(rsvd2 >> 32));
  SubmitModel(h, fd, DrmDriver::I915, pc).after(s, r == 0, 0, out_fd);
  return r;
}

} // namespace

int i915_ioctl(HookScope &h, int fd, unsigned nr, unsigned long req, void *arg, uint64_t pc) {
  if (nr == kNrExecbuffer2)
    return execbuffer2(h, fd, req, arg, pc);
  return REAL(ioctl)(fd, req, arg);
}

} // namespace fencedep::runtime::drm
