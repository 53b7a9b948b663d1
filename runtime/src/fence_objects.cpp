#include "fence_objects.h"

#include "runtime.h"

namespace fencedep::runtime {

FenceObjects fence_objects;

bool FenceObjects::init() {
  return objects_.init(kMaxObjects) && handles_.init(1u << 18) && fds_.init(kMaxFds) &&
         fd_generation_.init(kMaxFds) && fd_driver_.init(kMaxFds);
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

uint64_t FenceObjects::instance(FenceRef r) const {
  uint64_t base = object_key(r.object);
  // Points and generations go in the low bits the object key leaves free,
  // unhashed: consecutive ones never collide (a collision would merge two
  // fences in the await DAG).
  if (r.point)
    return base | 0x80000ull | (r.point & 0x7ffffull);
  if (r.gen)
    return base | 0x40000ull | (r.gen & 0x3ffffull);
  return base;
}

// Queues share the handle table, in a key space of their own.
static uint64_t queue_key(uint64_t handle_key, uint64_t queue) {
  return mix64(handle_key ^ mix64(queue ^ 0x9a7e0000ull) ^ 0x51ull);
}

uint32_t FenceObjects::queue_object(int drm_fd, uint64_t queue) const {
  uint64_t v;
  return handles_.find(queue_key(handle_key(drm_fd, 0), queue), &v) ? uint32_t(v) : 0;
}

void FenceObjects::bind_queue(int drm_fd, uint64_t queue, uint32_t object) {
  if (object && !handles_.put(queue_key(handle_key(drm_fd, 0), queue), object))
    dropped_.fetch_add(1, std::memory_order_relaxed);
}

uint64_t FenceObjects::handle_key(int drm_fd, uint32_t handle) const {
  uint64_t gen = drm_fd >= 0 && drm_fd < kMaxFds ? fd_generation_[drm_fd] : 0;
  // mix64 is a bijection: distinct (fd, generation, handle) never share a key.
  return mix64((gen << 48) ^ (uint64_t(uint32_t(drm_fd)) << 32) ^ handle ^ (1ull << 63));
}

void FenceObjects::bind_handle(int drm_fd, uint32_t handle, uint32_t object) {
  if (object && !handles_.put(handle_key(drm_fd, handle), object))
    dropped_.fetch_add(1, std::memory_order_relaxed);
}

uint32_t FenceObjects::handle_object(int drm_fd, uint32_t handle) const {
  uint64_t v;
  return handles_.find(handle_key(drm_fd, handle), &v) ? uint32_t(v) : 0;
}

void FenceObjects::forget_handle(int drm_fd, uint32_t handle) {
  handles_.erase(handle_key(drm_fd, handle));
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
  fd_generation_[fd] = uint16_t(fd_generation_[fd] + 1);
  fd_driver_[fd] = uint8_t(DrmDriver::Unknown);
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
