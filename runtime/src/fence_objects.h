// DRM syncobjs and sync_files as the runtime knows them. A syncobj lives in
// the kernel and is named by a handle per DRM file (and by fds once
// exported), so the runtime keeps its own object per syncobj: the class of
// its creation site and an instance id. Handles and descriptors map to
// objects; a timeline point is part of an instance's identity.
//
// Descriptors also feed the read/poll hooks: a fence fd is bound in the
// class resolver's fd table, whose one load is all a pipe or socket costs.
#pragma once
#include <atomic>
#include <cstdint>

#include "fencedep/core/address_map.h"
#include "fencedep/core/raw_memory.h"
#include "fencedep/core/types.h"

// Used only inside the runtime: hidden, so that calls between its files
// bind directly instead of through the PLT (the submit path makes dozens).
#pragma GCC visibility push(hidden)

namespace fencedep::runtime {

// An object and a point on its timeline (0: a binary syncobj's fence, or
// a timeline's latest). A binary syncobj's fences follow one another as
// generations: the fence a submission puts in is not the one it replaced,
// and the await DAG must not take one for the other.
struct FenceRef {
  uint32_t object = 0; // 0: unknown
  uint64_t point = 0;
  uint32_t gen = 0; // point 0: which fence of the object (0: any)
};

// The DRM driver behind a descriptor (DRM_IOCTL_VERSION), for its submit
// ioctls; Unknown until asked.
enum class DrmDriver : uint8_t {
  Unknown,
  Other, // a driver whose submissions are not modelled
  Xe,
  Amdgpu,
  I915,
  Msm,
  Panthor,
  V3d,
  Virtgpu,
  Count_
};

enum class FenceFdKind : uint8_t {
  None,
  Syncobj,        // HANDLE_TO_FD: the syncobj itself
  SyncFile,       // a fence snapshot (export, merge, or received)
  SyncobjEventfd, // an eventfd the kernel signals for a syncobj point
};

struct FenceFd {
  FenceFdKind kind = FenceFdKind::None;
  bool available = false; // eventfd fires on submission (WAIT_AVAILABLE)
  FenceRef ref;
};

// How a blocking read/poll on a descriptor waits, for the fd hooks.
struct FdWait {
  ClassId cls;
  uint64_t instance;
  uint64_t live_key;
  EdgeKind kind;
  bool one_shot;
};

// This thread's handle and queue lookups, in front of the shared table
// (FenceObjects::cached_find).
struct FenceLookupCache {
  static constexpr uint32_t kSize = 64;
  struct Entry {
    uint64_t key; // 0: empty (handle and queue keys are never 0)
    uint32_t object;
  };
  uint32_t epoch;
  Entry entries[kSize];
};
extern __thread FenceLookupCache fence_lookup_cache __attribute__((tls_model("initial-exec")));

class FenceObjects {
public:
  static constexpr uint32_t kMaxObjects = 1u << 20;
  static constexpr int kMaxFds = 1 << 16;

  bool init();
  void reset_locks_after_fork() { handles_.reset_lock(); }

  // A new object of class `c`; 0 when the table is full (counted).
  uint32_t create(ClassId c);
  ClassId cls(uint32_t object) const { return object ? objects_[object].cls : kNoClass; }
  // Engine / trace instance of an object at a point (or generation).
  uint64_t instance(FenceRef r) const {
    uint64_t base = object_key(r.object);
    // Points and generations go in the low bits the object key leaves
    // free, unhashed: consecutive ones never collide (a collision would
    // merge two fences in the await DAG).
    if (r.point)
      return base | 0x80000ull | (r.point & 0x7ffffull);
    if (r.gen)
      return base | 0x40000ull | (r.gen & 0x3ffffull);
    return base;
  }
  // The fence an object holds now at `point`, and the one a submission or
  // signal puts in (a new generation for a binary fence).
  FenceRef current(uint32_t object, uint64_t point) const {
    return FenceRef{object, point, point ? 0 : gen_of(object)};
  }
  FenceRef next(uint32_t object, uint64_t point) {
    if (point || !object)
      return FenceRef{object, point, 0};
    return FenceRef{object, 0, objects_[object].gen.fetch_add(1, std::memory_order_relaxed) + 1};
  }
  // Timeline points the runtime saw submitted (signalled from the host,
  // submitted by a driver, transferred): a point above them is awaited
  // before its submission (Vulkan's wait-before-signal), which is what an
  // await cycle of instances needs.
  void note_submitted(FenceRef r) {
    if (!r.point || !r.object)
      return;
    std::atomic<uint64_t> &last = objects_[r.object].last_point;
    uint64_t cur = last.load(std::memory_order_relaxed);
    while (cur < r.point && !last.compare_exchange_weak(cur, r.point, std::memory_order_relaxed))
      ;
  }
  bool submitted(FenceRef r) const {
    return !r.point || !r.object ||
           r.point <= objects_[r.object].last_point.load(std::memory_order_relaxed);
  }
  // Some point of the object was awaited before its submission: its
  // submissions' awaits go to the instance DAG.
  void mark_awaited_early(uint32_t object) {
    if (object)
      objects_[object].awaited_early.store(true, std::memory_order_relaxed);
  }
  bool awaited_early(uint32_t object) const {
    return object && objects_[object].awaited_early.load(std::memory_order_relaxed);
  }

  // A queue's next job number, for drivers that do not say.
  uint64_t next_seq(uint32_t object) {
    return object ? objects_[object].seq.fetch_add(1, std::memory_order_relaxed) + 1 : 0;
  }

  // GPU queues (a driver's context, ring, exec queue) per DRM file: the
  // object whose points are the queue's job fences; 0 when not seen yet.
  uint32_t queue_object(int drm_fd, uint64_t queue) const;
  void bind_queue(int drm_fd, uint64_t queue, uint32_t object);

  // xe user fences, by address (process-wide): the object whose points are
  // the values written there; 0 when not seen yet.
  uint32_t user_fence(uint64_t addr) const;
  void bind_user_fence(uint64_t addr, uint32_t object);

  // The driver of a DRM descriptor, as last recorded (Unknown after close).
  DrmDriver driver(int fd) const {
    return fd >= 0 && fd < kMaxFds ? DrmDriver(fd_info_[fd].driver) : DrmDriver::Unknown;
  }
  void set_driver(int fd, DrmDriver d) {
    if (fd >= 0 && fd < kMaxFds)
      fd_info_[fd].driver = uint8_t(d);
  }
  // The object itself, whatever the point: signals are noted under it.
  uint64_t object_key(uint32_t object) const { return kObjectTag | (uint64_t(object) << 20); }

  void bind_handle(int drm_fd, uint32_t handle, uint32_t object);
  uint32_t handle_object(int drm_fd, uint32_t handle) const {
    // Handles are small numbers handed out in order: slots from the handle
    // itself keep a program's few hot ones on a line or two of the cache.
    return cached_find(handle_key(drm_fd, handle), handle + uint32_t(drm_fd) * 7);
  }
  void forget_handle(int drm_fd, uint32_t handle);

  void bind_fd(int fd, const FenceFd &f);
  FenceFd fd(int fd) const;
  // The descriptor was closed: its bindings and its handles' DRM file end.
  void forget_fd(int fd);

  // The wait a blocking read/poll on `fd` makes, when the fd is tracked
  // (a fence fd, or an eventfd): false for everything else.
  bool fd_wait(int fd, FdWait *out) const;
  // Descriptors the fd hooks track, fence or eventfd: 0 lets poll, select
  // and socket hooks skip looking at their arguments at all.
  uint64_t tracked_fds() const { return tracked_.load(std::memory_order_relaxed); }
  void count_tracked() { tracked_.fetch_add(1, std::memory_order_relaxed); }
  // Fence descriptors ever bound (not plain eventfds): sendmsg looks at its
  // arguments only in processes that have had one.
  uint64_t fence_fds() const { return fence_fds_.load(std::memory_order_relaxed); }

  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

private:
  static constexpr uint64_t kObjectTag = 0xfd00000000000000ull;
  uint64_t handle_key(int drm_fd, uint32_t handle) const {
    uint64_t gen = drm_fd >= 0 && drm_fd < kMaxFds ? fd_info_[drm_fd].generation : 0;
    // mix64 is a bijection: distinct (fd, generation, handle) never share a key.
    return mix64((gen << 48) ^ (uint64_t(uint32_t(drm_fd)) << 32) ^ handle ^ (1ull << 63));
  }
  // handles_.find through this thread's lookup cache: a submit loop names
  // the same few handles again and again, and a probe of the shared table
  // (2^18 slots) is a cache miss each time. An entry is good while the
  // table's epoch is the one it was filled in: every bind and forget bumps
  // it (rare next to lookups), and a closed descriptor's keys change with
  // its generation. 0 when absent.
  // `slot`: where in the cache (any number; the key decides a hit).
  uint32_t cached_find(uint64_t key, uint32_t slot) const {
    FenceLookupCache &c = fence_lookup_cache;
    const FenceLookupCache::Entry &e = c.entries[slot % FenceLookupCache::kSize];
    if (__builtin_expect(e.key == key && c.epoch == epoch_.load(std::memory_order_acquire), 1))
      return e.object;
    return find_and_cache(key, slot);
  }
  uint32_t cached_find(uint64_t key) const { return cached_find(key, uint32_t(key >> 32)); }
  uint32_t find_and_cache(uint64_t key, uint32_t slot) const;
  // A binding was made or dropped: every thread's lookup cache is stale.
  void changed();

  uint32_t gen_of(uint32_t object) const {
    return object ? objects_[object].gen.load(std::memory_order_relaxed) : 0;
  }

  // A cache line each: threads submitting to different timelines on two
  // cores write their objects' counters on every submission.
  struct alignas(64) Object {
    ClassId cls;
    std::atomic<uint32_t> gen; // binary fences put in so far
    std::atomic<uint64_t> seq; // a queue's jobs numbered by the runtime
    std::atomic<uint64_t> last_point; // highest point seen submitted
    std::atomic<bool> awaited_early;
  };
  RawArray<Object> objects_;
  std::atomic<uint32_t> next_{1};
  AddressMap handles_; // (drm fd, its generation, handle) -> object
  RawArray<FenceFd> fds_;
  // Per descriptor, side by side: a submission reads both.
  struct FdInfo {
    uint16_t generation; // bumped on close: stale handles never match
    uint8_t driver;      // DrmDriver
  };
  RawArray<FdInfo> fd_info_;
  std::atomic<uint32_t> epoch_{1};   // bumped by every bind and forget (cached_find)
  std::atomic<uint64_t> tracked_{0};
  std::atomic<uint64_t> fence_fds_{0};
  std::atomic<uint64_t> dropped_{0};
};

extern FenceObjects fence_objects;

// Bookkeeping of the fence hooks, for statistics and close().
uint64_t drm_handles_unmodelled(); // hooks_drm.cpp: handles past the modelled count
uint64_t fd_passes_lost();         // fd_passing.cpp: passed fds whose record was lost
void epoll_forget(int fd);         // hooks_poll.cpp: a closed epoll instance

} // namespace fencedep::runtime

#pragma GCC visibility pop
