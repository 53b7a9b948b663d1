#include "fence_objects.h"

#include "runtime.h"

namespace fencedep::runtime {

FenceObjects fence_objects;

__thread FenceLookupCache fence_lookup_cache __attribute__((tls_model("initial-exec")));

uint32_t FenceObjects::find_and_cache(uint64_t key, uint32_t slot) const {
  FenceLookupCache &c = fence_lookup_cache;
  uint32_t epoch = epoch_.load(std::memory_order_acquire);
  if (c.epoch != epoch) {
    for (FenceLookupCache::Entry &e : c.entries)
      e.key = 0;
    c.epoch = epoch;
  }
  uint64_t v;
  if (!handles_.find(key, &v))
    return 0;
  c.entries[slot % FenceLookupCache::kSize] = FenceLookupCache::Entry{key, uint32_t(v)};
  return uint32_t(v);
}

void FenceObjects::changed() { epoch_.fetch_add(1, std::memory_order_acq_rel); }

bool FenceObjects::init() {
  return objects_.init(kMaxObjects) && handles_.init(1u << 18) && fds_.init(kMaxFds) &&
         fd_info_.init(kMaxFds);
}

uint32_t FenceObjects::create(ClassId c) {
  uint32_t id = next_.fetch_add(1, std::memory_order_relaxed);
  if (id >= kMaxObjects) {
    next_.store(kMaxObjects, std::memory_order_relaxed);
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return 0;
  }
  objects_[id].cls = c;
  return id;
}

// Queues share the handle table, in a key space of their own.
static uint64_t queue_key(uint64_t handle_key, uint64_t queue) {
  return mix64(handle_key ^ mix64(queue ^ 0x9a7e0000ull) ^ 0x51ull);
}

uint32_t FenceObjects::queue_object(int drm_fd, uint64_t queue) const {
  return cached_find(queue_key(handle_key(drm_fd, 0), queue));
}

void FenceObjects::bind_queue(int drm_fd, uint64_t queue, uint32_t object) {
  if (object && !handles_.put(queue_key(handle_key(drm_fd, 0), queue), object))
    dropped_.fetch_add(1, std::memory_order_relaxed);
  changed();
}

// User fences too, in a key space of their own.
static uint64_t user_fence_key(uint64_t addr) { return mix64(mix64(addr ^ 0x75666e63ull) ^ 0x55ull); }

uint32_t FenceObjects::user_fence(uint64_t addr) const {
  return cached_find(user_fence_key(addr));
}

void FenceObjects::bind_user_fence(uint64_t addr, uint32_t object) {
  if (object && !handles_.put(user_fence_key(addr), object))
    dropped_.fetch_add(1, std::memory_order_relaxed);
  changed();
}

void FenceObjects::bind_handle(int drm_fd, uint32_t handle, uint32_t object) {
  if (object && !handles_.put(handle_key(drm_fd, handle), object))
    dropped_.fetch_add(1, std::memory_order_relaxed);
  changed();
}

void FenceObjects::forget_handle(int drm_fd, uint32_t handle) {
  handles_.erase(handle_key(drm_fd, handle));
  changed();
}

void FenceObjects::bind_fd(int fd, const FenceFd &f) {
  if (fd < 0 || fd >= kMaxFds) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  fds_[fd] = f;
  count_tracked();
  fence_fds_.fetch_add(1, std::memory_order_relaxed);
}

FenceFd FenceObjects::fd(int fd) const {
  if (fd < 0 || fd >= kMaxFds)
    return FenceFd{};
  return fds_[fd];
}

void FenceObjects::forget_fd(int fd) {
  if (fd < 0 || fd >= kMaxFds)
    return;
  fd_info_[fd].generation = uint16_t(fd_info_[fd].generation + 1);
  fd_info_[fd].driver = uint8_t(DrmDriver::Unknown);
  if (fds_[fd].kind != FenceFdKind::None)
    fds_[fd] = FenceFd{};
}

bool FenceObjects::fd_wait(int fd, FdWait *out) const {
  bool nonblocking;
  ClassId c = rt.resolver.fd_class(fd, &nonblocking);
  if (c == kNoClass)
    return false;
  FenceFd f = this->fd(fd);
  if (f.kind == FenceFdKind::None) {
    // A plain eventfd: a counting object.
    uint64_t obj = uint64_t(fd) + 1;
    *out = FdWait{c, obj, obj, EdgeKind::Wait, false};
    return true;
  }
  ClassId oc = cls(f.ref.object);
  *out = FdWait{oc ? oc : c, instance(f.ref), object_key(f.ref.object),
                f.available ? EdgeKind::WaitForSubmit : EdgeKind::Wait, true};
  return true;
}

} // namespace fencedep::runtime
