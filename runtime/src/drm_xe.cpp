// xe submissions (include/uapi/drm/xe_drm.h, Linux 6.12). DRM_IOCTL_XE_EXEC
// runs a batch on an exec queue, DRM_IOCTL_XE_VM_BIND runs bind operations
// on a bind queue; both take an array of struct drm_xe_sync: a syncobj, a
// timeline syncobj point or a user fence, waited on (in) or, with
// DRM_XE_SYNC_FLAG_SIGNAL, signalled by the job (out). The kernel takes
// in-fences as they are (no wait for submission: a missing one is EINVAL).
//
// A user fence (DRM_XE_SYNC_TYPE_USER_FENCE, out only) is a value the job
// writes at an address when it completes: a point (the value) of the
// address's object (drm_model.h), submitted by this call and awaiting the
// job's in-fences like any out-fence. DRM_IOCTL_XE_WAIT_USER_FENCE waits
// until the value at an address compares as asked: a wait on that point,
// recorded before the call may block. The kernel does not ask whether the
// value was submitted: a wait that starts before the exec writing it is a
// wait for its submission (what the submitter held then is what the waiter
// waits for); one that starts after waits for the GPU alone.
#include <errno.h>

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

struct XeWaitUserFence {
  uint64_t extensions;
  uint64_t addr;
  uint16_t op;
  uint16_t flags;
  uint32_t pad;
  uint64_t value;
  uint64_t mask;
  int64_t timeout;
  uint32_t exec_queue_id;
  uint32_t pad2;
  uint64_t reserved[2];
};
static_assert(sizeof(XeWaitUserFence) == 72 && offsetof(XeWaitUserFence, op) == 16 &&
                  offsetof(XeWaitUserFence, value) == 24 &&
                  offsetof(XeWaitUserFence, timeout) == 40 &&
                  offsetof(XeWaitUserFence, exec_queue_id) == 48,
              "struct drm_xe_wait_user_fence, Linux 6.12");
enum : uint16_t { kOpEq = 0, kOpNeq = 1, kOpGt = 2, kOpGte = 3, kOpLt = 4, kOpLte = 5 };
constexpr uint16_t kWaitAbsTime = 1u << 0;

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
      // The kernel takes them as out-fences only (EOPNOTSUPP otherwise).
      if (out)
        s.out_user_fence(y.addr, y.timeline_value);
      else
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

// The value a wait is for, as a point of the address's timeline of values:
// a wait until it is equal, at least, or above. 0 when the wait is not one
// for a value to come (NEQ, LT, LTE: a value going away), or names none
// (the mask leaves nothing).
uint64_t awaited_point(const XeWaitUserFence &w) {
  uint64_t v = w.value & w.mask;
  switch (w.op) {
  case kOpEq:
  case kOpGte:
    return v;
  case kOpGt:
    return v + 1 < v ? 0 : v + 1;
  default:
    return 0;
  }
}

int wait_user_fence(HookScope &h, int fd, unsigned long req, void *arg, uint64_t pc) {
  XeWaitUserFence w;
  if (!read_args(&w, arg, req, sizeof w)) {
    bump(submit_stats.unreadable);
    return REAL(ioctl)(fd, req, arg);
  }
  uint64_t point = awaited_point(w);
  if (!point) {
    // A wait for a value to go away, or for nothing: no point to name.
    bump(submit_stats.user_fences);
    return REAL(ioctl)(fd, req, arg);
  }
  // A zero or past timeout only polls: nothing blocks, nothing to record.
  if (w.timeout == 0 || ((w.flags & kWaitAbsTime) && w.timeout >= 0 &&
                         w.timeout <= monotonic_now_ns()))
    return REAL(ioctl)(fd, req, arg);
  // A wait may come before any submission writing there: then it makes
  // the address's object.
  uint32_t object = user_fence_object(w.addr, pc);
  if (!object)
    return REAL(ioctl)(fd, req, arg);
  bump(submit_stats.shard(h).waits);
  FenceRef ref{object, point};
  ClassId c = fence_objects.cls(object);
  EdgeKind kind = fence_objects.submitted(ref) ? EdgeKind::Wait : EdgeKind::WaitForSubmit;
  wait_before(h, c, as_obj(fence_objects.instance(ref)), nullptr, pc, kind,
              fence_objects.object_key(object));
  int r = REAL(ioctl)(fd, req, arg);
  ErrnoKeeper keep;
  if (r != 0 && errno != ETIME) {
    // Refused (bad address, ...): nothing was waited for.
    if (h.ctx().block_open)
      block_end(h.ctx());
    return r;
  }
  wait_after(h, c, as_obj(fence_objects.instance(ref)), r == 0, pc);
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
    return wait_user_fence(h, fd, req, arg, pc);
  default:
    return REAL(ioctl)(fd, req, arg);
  }
}

} // namespace fencedep::runtime::drm
