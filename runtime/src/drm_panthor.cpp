// panthor submissions (include/uapi/drm/panthor_drm.h, Linux 6.12).
// DRM_IOCTL_PANTHOR_GROUP_SUBMIT queues jobs to queues of a scheduling
// group: an array (struct drm_panthor_obj_array: stride, count, pointer) of
// struct drm_panthor_queue_submit, each with its own array of struct
// drm_panthor_sync_op: a syncobj or timeline syncobj point to WAIT on or,
// with DRM_PANTHOR_SYNC_OP_SIGNAL, to signal. The jobs of one call are
// taken in order, and a job may wait on what an earlier one of the same
// call signals: they are modelled one after the other.
#include <cstddef>

#include "drm_model.h"
#include "drm_submit.h"
#include "drm_uapi.h"
#include "safe_copy.h"

namespace fencedep::runtime::drm {
namespace {

struct ObjArray {
  uint32_t stride;
  uint32_t count;
  uint64_t array;
};
static_assert(sizeof(ObjArray) == 16, "struct drm_panthor_obj_array, Linux 6.12");

struct SyncOp {
  uint32_t flags;
  uint32_t handle;
  uint64_t timeline_value;
};
static_assert(sizeof(SyncOp) == 16, "struct drm_panthor_sync_op, Linux 6.12");

struct QueueSubmit {
  uint32_t queue_index;
  uint32_t stream_size;
  uint64_t stream_addr;
  uint32_t latest_flush;
  uint32_t pad;
  ObjArray syncs;
};
static_assert(sizeof(QueueSubmit) == 40 && offsetof(QueueSubmit, syncs) == 24,
              "struct drm_panthor_queue_submit, Linux 6.12");

struct GroupSubmit {
  uint32_t group_handle;
  uint32_t pad;
  ObjArray queue_submits;
};
static_assert(sizeof(GroupSubmit) == 24, "struct drm_panthor_group_submit, Linux 6.12");

constexpr unsigned kNrGroupSubmit = fencedep::drm::kDrmCommandBase + 0x09;

constexpr uint32_t kHandleTypeMask = 0xff;
enum : uint32_t { kTypeSyncobj = 0, kTypeTimeline = 1 };
constexpr uint32_t kOpSignal = 1u << 31;
constexpr uint32_t kMaxJobs = 16;

bool decode_job(Submission &s, uint32_t group, const QueueSubmit &q) {
  s.on_queue(uint64_t(group) << 32 | q.queue_index);
  SyncOp ops[Submission::kMaxFences];
  uint32_t n = q.syncs.count < Submission::kMaxFences ? q.syncs.count : Submission::kMaxFences;
  s.lose(q.syncs.count - n);
  if (!read_entries(ops, q.syncs.array, n, q.syncs.stride, sizeof(SyncOp)))
    return false;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t type = ops[i].flags & kHandleTypeMask;
    if (type != kTypeSyncobj && type != kTypeTimeline) {
      bump(submit_stats.unknown_parts);
      continue;
    }
    uint64_t point = type == kTypeTimeline ? ops[i].timeline_value : 0;
    if (ops[i].flags & kOpSignal)
      s.out_syncobj(ops[i].handle, point);
    else
      s.in_syncobj(ops[i].handle, point);
  }
  return true;
}

int group_submit(HookScope &h, int fd, unsigned long req, void *arg, uint64_t pc) {
  GroupSubmit g;
  bool known = read_args(&g, arg, req, sizeof g);
  QueueSubmit jobs[kMaxJobs];
  uint32_t n = g.queue_submits.count < kMaxJobs ? g.queue_submits.count : kMaxJobs;
  known = known && read_entries(jobs, g.queue_submits.array, n, g.queue_submits.stride,
                                sizeof(QueueSubmit));
  int r = REAL(ioctl)(fd, req, arg);
  ErrnoKeeper keep;
  if (!known) {
    bump(submit_stats.unreadable);
    return r;
  }
  if (r != 0)
    return r;
  if (g.queue_submits.count > n)
    bump(submit_stats.unknown_parts, g.queue_submits.count - n);
  for (uint32_t i = 0; i < n; ++i) {
    Submission s;
    if (!decode_job(s, g.group_handle, jobs[i])) {
      bump(submit_stats.unreadable);
      continue;
    }
    SubmitModel(h, fd, DrmDriver::Panthor, pc).after(s, true);
  }
  return r;
}

} // namespace

int panthor_ioctl(HookScope &h, int fd, unsigned nr, unsigned long req, void *arg, uint64_t pc) {
  if (nr == kNrGroupSubmit)
    return group_submit(h, fd, req, arg, pc);
  return REAL(ioctl)(fd, req, arg);
}

} // namespace fencedep::runtime::drm
