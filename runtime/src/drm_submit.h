// GPU submissions: the drivers' submit ioctls, decoded from their UAPI
// structs (one file per driver, drm_<driver>.cpp, with its layouts from
// Linux 6.12's include/uapi/drm) into one model:
//
// - a submission runs on a queue (a context, ring, exec queue); its job's
//   fence is a point of the queue's object, numbered by the driver when it
//   says (amdgpu's sequence, msm's fence) and by the runtime otherwise. The
//   queue's class is the site of its first submission (through libdrm, as
//   for syncobjs): stable across runs;
// - each out-fence (a syncobj's new fence or timeline point, an out
//   sync_file) is *submitted* by this thread at this call: it satisfies
//   waits for its submission, which depend on what the thread holds and
//   took since its last completed wait (Engine::submit);
// - its completion is the GPU's: it awaits every in-fence (class edges and
//   the instance await DAG), and nothing the submitting thread held;
// - an in-fence the kernel waits for inside the call (amdgpu's
//   WAIT_FOR_SUBMIT on a timeline point) is a wait for submission by this
//   thread, recorded before the call; one that is this very submission's
//   output is a definite await-cycle.
//
// Descriptors are matched to drivers by DRM_IOCTL_VERSION, asked once per
// descriptor. Drivers not listed, and chunks, extensions and sync types a
// driver's decoder does not know, pass through untouched and are counted
// (print_stats).
#pragma once
#include <atomic>
#include <cstdint>

#include "drm_model.h"
#include "fence_objects.h"
#include "fencedep/core/writer.h"
#include "hooks_common.h"

// Used only inside the runtime: hidden, so that calls between its files
// bind directly instead of through the PLT (the submit path makes dozens).
#pragma GCC visibility push(hidden)

namespace fencedep::runtime::drm {

// One job's fences, as the driver's arguments name them.
class Submission {
public:
  static constexpr uint32_t kMaxFences = 64; // per side; more are counted

  // An in-fence: a syncobj (point 0: its current fence), a sync_file, a
  // job of a queue of this descriptor.
  void in_syncobj(uint32_t handle, uint64_t point, bool wait_for_submit = false) {
    add_in(In{InKind::Syncobj, wait_for_submit, handle, point, 0});
  }
  void in_sync_file(int fd) { add_in(In{InKind::SyncFile, false, uint32_t(fd), 0, 0}); }
  void in_job(uint64_t queue, uint64_t seq) { add_in(In{InKind::Job, false, 0, seq, queue}); }
  // An out-fence: a syncobj point (0: the syncobj's new fence).
  void out_syncobj(uint32_t handle, uint64_t point) { add_out(Out{handle, false, point, 0}); }
  // An out-fence: an xe user fence, `value` written at `addr` when the job
  // completes (a point of the address's object, drm_model.h).
  void out_user_fence(uint64_t addr, uint64_t value) { add_out(Out{0, true, value, addr}); }
  // `n` more fences than the arguments could be read for (counted).
  void lose(uint32_t n) { lost_ += n; }
  // The queue the job runs on (driver-specific key).
  void on_queue(uint64_t queue) { queue_ = queue; }
  // The job's own fence is visible (a sequence number or out sync_file the
  // program may wait on or depend on): it is modelled too.
  void job_fence_visible() { job_visible_ = true; }

  uint64_t queue() const { return queue_; }

private:
  friend class SubmitModel;
  enum class InKind : uint8_t { Syncobj, SyncFile, Job };
  struct In {
    InKind kind;
    bool wait_for_submit;
    uint32_t handle; // syncobj handle, or sync_file fd
    uint64_t point;  // timeline point, or job sequence
    uint64_t queue;
  };
  struct Out {
    uint32_t handle;  // syncobj handle, unless user_fence
    bool user_fence;  // an xe user fence at `addr`
    uint64_t point;   // timeline point, or the user fence's value
    uint64_t addr;
  };
  void add_in(const In &in) {
    if (nin_ == kMaxFences)
      ++lost_;
    else
      in_[nin_++] = in;
  }
  void add_out(const Out &out) {
    if (nout_ == kMaxFences)
      ++lost_;
    else
      out_[nout_++] = out;
  }
  In in_[kMaxFences];
  Out out_[kMaxFences];
  uint32_t nin_ = 0, nout_ = 0;
  uint32_t lost_ = 0; // past kMaxFences
  uint64_t queue_ = 0;
  bool job_visible_ = false;
};

// Models one submission around the real call.
class SubmitModel {
public:
  SubmitModel(HookScope &h, int fd, DrmDriver d, uint64_t pc) : h_(h), fd_(fd), d_(d), pc_(pc) {}
  // Before the call: the waits the kernel makes inside it, and the awaits
  // of the job's timeline points on what it waits for (a submission
  // awaiting its own output, or another's that awaits it, is an await
  // cycle before the call blocks).
  void before(Submission &s);
  // After the call. `ok`: it succeeded; `job_seq`: the driver's number for
  // the job (0: none given); `out_fd`: an out sync_file (-1: none).
  void after(Submission &s, bool ok, uint64_t job_seq = 0, int out_fd = -1);

private:
  FenceRef resolve(const Submission::In &in);
  uint32_t out_object(const Submission::Out &out);
  uint32_t queue_object(uint64_t queue);

  HookScope &h_;
  int fd_;
  DrmDriver d_;
  uint64_t pc_;
  bool waiting_ = false;
  bool resolved_ = false;
  uint64_t prelinked_ = 0; // bit k: out k's awaits recorded before the call
  FenceRefs<Submission::kMaxFences> in_refs_; // the first nin_, once resolved_
  static_assert(Submission::kMaxFences <= 64, "prelinked_ has a bit per out-fence");
};

// Reads `count` entries of `elem` bytes, `stride` apart, from `user` into
// `out` (entry i at out + i * elem; a stride shorter than `elem` leaves the
// rest of each entry zero, as the kernel reads them). False when unreadable.
bool read_entries(void *out, uint64_t user, uint32_t count, uint32_t stride, uint32_t elem);

// The in and out syncobj arrays of msm and virtio-gpu (struct
// drm_msm_gem_submit_syncobj and drm_virtgpu_execbuffer_syncobj have one
// layout: handle, flags, point), `stride` apart, into `s`; one system call
// when the arrays are packed. False when unreadable.
bool decode_syncobj_arrays(Submission &s, uint64_t in, uint32_t nin, uint64_t out, uint32_t nout,
                           uint32_t stride);

// Counters for print_stats. The two bumped on every submission or wait are
// sharded by thread, a cache line each: threads submitting on two cores
// must not pass one line back and forth per submission.
struct alignas(64) SubmitShard {
  std::atomic<uint64_t> submits[size_t(DrmDriver::Count_)];
  std::atomic<uint64_t> waits; // waits on job fences (amdgpu WAIT_CS, msm WAIT_FENCE, xe user fences)
};
struct SubmitStats {
  static constexpr uint32_t kShards = 16;
  SubmitShard shards[kShards];
  SubmitShard &shard(HookScope &h) { return shards[h.state().tid % kShards]; }
  std::atomic<uint64_t> other_driver_fds; // descriptors of drivers not modelled
  std::atomic<uint64_t> unknown_parts;    // chunks, extensions, sync types not known
  std::atomic<uint64_t> user_fences;      // xe user fences not modelled (waits with other ops, ...)
  std::atomic<uint64_t> fences_lost;      // past Submission::kMaxFences
  std::atomic<uint64_t> unreadable;       // arguments that could not be read
};
extern SubmitStats submit_stats;
inline void bump(std::atomic<uint64_t> &c, uint64_t n = 1) {
  c.fetch_add(n, std::memory_order_relaxed);
}

// A driver ioctl (DRM_COMMAND_BASE and up) on `fd`: the submit ioctls of
// the drivers below are modelled, everything else goes to the real ioctl.
int driver_ioctl(HookScope &h, int fd, unsigned long req, void *arg, uint64_t pc);

// One per driver (drm_<driver>.cpp): the ioctl numbered `nr` on a
// descriptor of that driver.
int xe_ioctl(HookScope &h, int fd, unsigned nr, unsigned long req, void *arg, uint64_t pc);
int amdgpu_ioctl(HookScope &h, int fd, unsigned nr, unsigned long req, void *arg, uint64_t pc);
int i915_ioctl(HookScope &h, int fd, unsigned nr, unsigned long req, void *arg, uint64_t pc);
int msm_ioctl(HookScope &h, int fd, unsigned nr, unsigned long req, void *arg, uint64_t pc);
int panthor_ioctl(HookScope &h, int fd, unsigned nr, unsigned long req, void *arg, uint64_t pc);
int v3d_ioctl(HookScope &h, int fd, unsigned nr, unsigned long req, void *arg, uint64_t pc);
int virtgpu_ioctl(HookScope &h, int fd, unsigned nr, unsigned long req, void *arg, uint64_t pc);

// A blocking wait of this thread on job `seq` of `queue` (amdgpu WAIT_CS,
// msm WAIT_FENCE); the caller makes the call between begin and end.
// `deadline_ns`: absolute CLOCK_MONOTONIC, < 0 for none; a deadline that
// has passed only polls and records nothing.
class JobWait {
public:
  JobWait(HookScope &h, int fd, uint64_t queue, uint64_t seq, int64_t deadline_ns, uint64_t pc);
  void end(bool completed);

private:
  HookScope &h_;
  FenceRef ref_;
  uint64_t pc_;
  bool open_ = false;
};

// The GPU submission line of print_stats.
void print_submit_stats(Writer &out, uint32_t pid);

} // namespace fencedep::runtime::drm

#pragma GCC visibility pop
