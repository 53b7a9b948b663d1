// xe submissions (include/uapi/drm/xe_drm.h, Linux 6.12). DRM_IOCTL_XE_EXEC
// runs a batch on an exec queue, DRM_IOCTL_XE_VM_BIND runs bind operations
// on a bind queue; both take an array of struct drm_xe_sync: a syncobj, a
// timeline syncobj point or a user fence, waited on (in) or, with
// DRM_XE_SYNC_FLAG_SIGNAL, signalled by the job (out). The kernel takes
// in-fences as they are (no wait for submission: a missing one is EINVAL).
// User fences are values the GPU writes to a GPU address, waited on
// (DRM_IOCTL_XE_WAIT_USER_FENCE) through a CPU mapping the runtime does not
// see: counted, not modelled.
#include <cstddef>

#include "drm_model.h"
#include "drm_submit.h"
#include "drm_uapi.h"
#include "safe_copy.h"

namespace fencedep::runtime::drm {
namespace {

struct XeSync {
  uint64_t extensions;
  uint32_t type;
  uint32_t flags;
  union {
    uint32_t handle;
    uint64_t addr;
  };
  uint64_t timeline_value;
  uint64_t reserved[2];
};
static_assert(sizeof(XeSync) == 48 && offsetof(XeSync, handle) == 16 &&
                  offsetof(XeSync, timeline_value) == 24,
              "struct drm_xe_sync, Linux 6.12");

struct XeExec {
  uint64_t extensions;
  uint32_t exec_queue_id;
  uint32_t num_syncs;
  uint64_t syncs;
  uint64_t address;
  uint16_t num_batch_buffer;
  uint16_t pad[3];
  uint64_t reserved[2];
};
static_assert(sizeof(XeExec) == 56 && offsetof(XeExec, syncs) == 16,
              "struct drm_xe_exec, Linux 6.12");

// struct drm_xe_vm_bind: what a submission needs of it.
struct XeVmBind {
  uint64_t extensions;
  uint32_t vm_id;
  uint32_t exec_queue_id;
  uint32_t pad;
  uint32_t num_binds;
  uint8_t bind_or_vector[80]; // struct drm_xe_vm_bind_op, or a pointer to an array of them
  uint32_t pad2;
  uint32_t num_syncs;
  uint64_t syncs;
  uint64_t reserved[2];
};
static_assert(sizeof(XeVmBind) == 136 && offsetof(XeVmBind, exec_queue_id) == 12 &&
                  offsetof(XeVmBind, num_syncs) == 108 && offsetof(XeVmBind, syncs) == 112,
              "struct drm_xe_vm_bind, Linux 6.12");

constexpr unsigned kNrVmBind = fencedep::drm::kDrmCommandBase + 0x05;
constexpr unsigned kNrExec = fencedep::drm::kDrmCommandBase + 0x09;
constexpr unsigned kNrWaitUserFence = fencedep::drm::kDrmCommandBase + 0x0a;

enum : uint32_t { kSyncSyncobj = 0, kSyncTimeline = 1, kSyncUserFence = 2 };
constexpr uint32_t kSyncSignal = 1u << 0;
// Bind queues and exec queues share the ids; the default bind queue (0)
// is one per VM.
constexpr uint64_t kDefaultBindQueue = 1ull << 32;

// The syncs of one job into `s`; false when they cannot be read.
bool decode_syncs(Submission &s, uint64_t user, uint32_t count) {
  XeSync syncs[Submission::kMaxFences];
  uint32_t n = count < Submission::kMaxFences ? count : Submission::kMaxFences;
  s.lose(count - n);
  if (!read_entries(syncs, user, n, sizeof(XeSync), sizeof(XeSync)))
    return false;
  for (uint32_t i = 0; i < n; ++i) {
    const XeSync &y = syncs[i];
    bool out = y.flags & kSyncSignal;
    if (y.extensions)
      bump(submit_stats.unknown_parts);
    switch (y.type) {
    case kSyncSyncobj:
    case kSyncTimeline: {
      uint64_t point = y.type == kSyncTimeline ? y.timeline_value : 0;
      if (out)
        s.out_syncobj(y.handle, point);
      else
        s.in_syncobj(y.handle, point);
      break;
    }
    case kSyncUserFence:
      bump(submit_stats.user_fences);
      break;
    default:
      bump(submit_stats.unknown_parts);
    }
  }
  return true;
}

template <typename Args>
int submit(HookScope &h, int fd, unsigned long req, void *arg, uint64_t pc) {
  Args a;
  Submission s;
  bool known = read_args(&a, arg, req, sizeof a) &&
               decode_syncs(s, a.syncs, a.num_syncs);
  int r = REAL(ioctl)(fd, req, arg);
  ErrnoKeeper keep;
  if (!known) {
    bump(submit_stats.unreadable);
    return r;
  }
  if constexpr (sizeof(Args) == sizeof(XeVmBind))
    s.on_queue(a.exec_queue_id ? a.exec_queue_id : kDefaultBindQueue | a.vm_id);
  else
    s.on_queue(a.exec_queue_id);
  SubmitModel(h, fd, DrmDriver::Xe, pc).after(s, r == 0);
  return r;
}

} // namespace

int xe_ioctl(HookScope &h, int fd, unsigned nr, unsigned long req, void *arg, uint64_t pc) {
  switch (nr) {
  case kNrExec:
    return submit<XeExec>(h, fd, req, arg, pc);
  case kNrVmBind:
    return submit<XeVmBind>(h, fd, req, arg, pc);
  case kNrWaitUserFence:
    bump(submit_stats.user_fences);
    return REAL(ioctl)(fd, req, arg);
  default:
    return REAL(ioctl)(fd, req, arg);
  }
}

} // namespace fencedep::runtime::drm
