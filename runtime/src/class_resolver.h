// Maps objects (by address) and code sites to classes. A lock's class is
// where it was initialised (seen through wrappers: creation_sites.h), the
// object's own static address when it never was (PTHREAD_MUTEX_INITIALIZER),
// or the site of its first use for zero-initialised heap objects; an
// annotation's name overrides all three. Keys are module file name +
// offset, so classes are stable across runs.
#pragma once
#include <atomic>
#include <cstdint>

#include "fencedep/core/address_map.h"
#include "fencedep/core/class_registry.h"
#include "creation_sites.h"
#include "object_table.h"

namespace fencedep::runtime {

class ClassResolver {
public:
  // `class_depth`: CreationSites::kAuto (the wrapper rule) or a fixed depth.
  bool init(ClassRegistry *reg, bool per_instance, int class_depth);
  void reset_locks_after_fork();

  // Class of the object at `obj`; created from `pc` (the caller) if unknown.
  ClassId object_class(const void *obj, ClassKind kind, uint64_t pc) {
    uint64_t v;
    if (instances_.find(reinterpret_cast<uint64_t>(obj), &v) && (v & 0xffffffffu))
      return ClassId(v & 0xffffffffu); // known and classed: the common case, inline
    return classify(obj, kind, pc);
  }
  // The object is being initialised at `pc`: it is classed by this
  // creation when first used.
  void note_init(const void *obj, ClassKind kind, uint64_t pc);
  // Like note_init, and classes it now (objects used at once, like fences).
  ClassId bind_at_init(const void *obj, ClassKind kind, uint64_t pc);
  // The object, a lock until now, is a wait object from now on: its class
  // becomes a wait class beside its lock class (same site).
  ClassId rebind_as_wait(const void *obj, ClassKind kind);
  // Where an object was created (or first used), for naming instances in
  // reports; 0 when unknown.
  uint64_t object_site(const void *obj) const;
  void forget(const void *obj);
  // Called with the address of every object forgotten (the engine's
  // instance graph drops it).
  void set_on_forget(void (*fn)(uint64_t)) { on_forget_ = fn; }
  // Class of a code site itself (a return address).
  ClassId site_class(ClassKind kind, uint64_t pc);
  // Class keyed by a function's entry (thread exits, by start routine: one
  // class however many copies of an inlined helper start it).
  ClassId routine_class(ClassKind kind, uint64_t entry);
  // Names `obj`'s class; applies at its first use when not yet bound.
  void set_name(const void *obj, const char *name, uint32_t flags);
  ClassId named_class(ClassKind kind, const char *name, uint64_t pc, uint32_t flags);
  const char *intern(const char *s);
  uint64_t wrappers_seen() const { return sites_chains_.wrappers_seen(); }

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
  // Module and offset of a code address (`pc` is a return address unless
  // `is_entry`) or a static object.
  SiteRef site_for(uint64_t addr, bool is_return);
  ClassId classify(const void *obj, ClassKind kind, uint64_t pc);
  ClassId create_for(const void *obj, ClassKind kind, uint64_t pc);
  ClassId class_of_chain(ClassKind kind, uint32_t chain);
  bool is_static_object(const void *obj, SiteRef *site);

  ClassRegistry *reg_ = nullptr;
  bool per_instance_ = false;
  CreationSites sites_chains_;
  // object address -> (creation chain << 32) | class id; class 0 while the
  // object waits to be classed at its first use.
  ObjectTable instances_;
  AddressMap names_;     // object address -> interned name (before first use)
  AddressMap flags_;     // object address -> class flags to apply at first use
  AddressMap sites_;     // pc ^ kind -> class id
  AddressMap interned_;  // string hash -> interned pointer
  Arena strings_;
  SpinLock resolve_lock_;
  void (*on_forget_)(uint64_t) = nullptr;
  RawArray<uint32_t> fds_; // fd -> class id | nonblocking bit 31
  // chain -> (CreationSites epoch << 32) | class: the objects of one
  // creation chain resolve and hash their key once per epoch, not once each.
  RawArray<std::atomic<uint64_t>> chain_classes_;
  std::atomic<uint32_t> generation_{1};
};

} // namespace fencedep::runtime
