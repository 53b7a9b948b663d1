// Maps objects (by address) and code sites to classes. A lock's class is
// where it was initialised, the object's own static address when it never
// was (PTHREAD_MUTEX_INITIALIZER), or the site of its first use for
// zero-initialised heap objects; an annotation's name overrides all three.
// Keys are module file name + offset, so classes are stable across runs.
#pragma once
#include <atomic>
#include <cstdint>

#include "fencedep/core/address_map.h"
#include "fencedep/core/class_registry.h"

namespace fencedep::runtime {

class ClassResolver {
public:
  bool init(ClassRegistry *reg, bool per_instance);
  void reset_locks_after_fork();

  // Class of the object at `obj`; created from `pc` (the caller) if unknown.
  ClassId object_class(const void *obj, ClassKind kind, uint64_t pc);
  // The object is being initialised at `pc`: (re)bind it to that site's class.
  ClassId bind_at_init(const void *obj, ClassKind kind, uint64_t pc);
  void forget(const void *obj);
  // Class of a site itself (thread-exit classes of pthread_create sites).
  ClassId site_class(ClassKind kind, uint64_t pc);
  // Names `obj`'s class; applies at its first use when not yet bound.
  void set_name(const void *obj, const char *name, uint32_t flags);
  ClassId named_class(ClassKind kind, const char *name, uint64_t pc, uint32_t flags);
  const char *intern(const char *s);

  // Changes whenever an existing binding may have changed (per-thread class
  // caches compare it).
  uint32_t generation() const { return generation_.load(std::memory_order_acquire); }
  void bump_generation() { generation_.fetch_add(1, std::memory_order_acq_rel); }

  // Descriptor-based objects (eventfd): class by fd, 0 when not tracked.
  static constexpr int kMaxFds = 1 << 16;
  void bind_fd(int fd, ClassId c, bool nonblocking);
  // Inline: every read, write and close of any descriptor asks.
  ClassId fd_class(int fd, bool *nonblocking) const {
    if (fd < 0 || fd >= kMaxFds)
      return kNoClass;
    uint32_t v = fds_[fd];
    *nonblocking = v & 0x80000000u;
    return v & 0x7fffffffu;
  }
  void forget_fd(int fd);

private:
  SiteRef site_for(uint64_t pc);
  ClassId create_for(const void *obj, ClassKind kind, uint64_t pc);

  ClassRegistry *reg_ = nullptr;
  bool per_instance_ = false;
  AddressMap instances_; // object address -> class id
  AddressMap names_;     // object address -> interned name (before first use)
  AddressMap flags_;     // object address -> class flags to apply at first use
  AddressMap sites_;     // pc ^ kind -> class id
  AddressMap modules_;   // module base -> interned path
  AddressMap interned_;  // string hash -> interned pointer
  Arena strings_;
  RawArray<uint32_t> fds_; // fd -> class id | nonblocking bit 31
  const char *exe_path_ = nullptr;
  std::atomic<uint32_t> generation_{1};
};

} // namespace fencedep::runtime
