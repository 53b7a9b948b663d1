#include "fencedep/core/class_registry.h"

#include <cstring>

namespace fencedep {

static const char *basename_of(const char *path) {
  const char *slash = path ? std::strrchr(path, '/') : nullptr;
  return slash ? slash + 1 : path;
}

uint64_t class_key_for_site(ClassKind kind, const char *module, uint64_t offset) {
  // The module's file name, not its full path: the same binary installed in
  // two places (a build tree, a CI runner) keeps its classes.
  uint64_t h = hash_string(module ? basename_of(module) : "", 0x51);
  return mix64(h ^ mix64(offset + 1) ^ (uint64_t(kind) << 56));
}

uint64_t class_key_for_name(ClassKind kind, const char *name) {
  // Named classes merge across kinds of lock primitive: a name denotes one
  // class whatever API reaches it (a lockdep map and a mutex may share it).
  uint64_t k = is_lock_kind(kind) ? 0x10 : uint64_t(kind);
  return hash_string(name, 0xa5a5 + k);
}

uint64_t class_key_for_instance(ClassKind kind, uint64_t address) {
  return mix64(address ^ (uint64_t(kind) << 58) ^ 0x1234567);
}

bool ClassRegistry::init(uint32_t capacity) {
  if (!classes_.init(capacity) || !index_.init(size_t(capacity) * 2))
    return false;
  capacity_ = capacity;
  SiteRef none;
  overflow_class_ = get_or_create(hash_string("<overflow>", 7), ClassKind::UserLock,
                                  "<overflow>", none, kClassNamed);
  return true;
}

ClassId ClassRegistry::find(uint64_t key) const {
  uint64_t v;
  return index_.find(key, &v) ? ClassId(v) : kNoClass;
}

ClassId ClassRegistry::get_or_create(uint64_t key, ClassKind kind, const char *name,
                                     const SiteRef &site, uint32_t flags) {
  if (ClassId id = find(key))
    return id;
  SpinGuard g(lock_);
  if (ClassId id = find(key))
    return id;
  uint32_t id = next_.load(std::memory_order_relaxed);
  if (id >= capacity_) {
    overflowed_.fetch_add(1, std::memory_order_relaxed);
    return overflow_class_;
  }
  ClassInfo &c = classes_[id];
  c.key = key;
  c.kind = kind;
  c.flags.store(flags | (name ? kClassNamed : 0), std::memory_order_relaxed);
  c.name = name ? strings_.copy_string(name, 256) : nullptr;
  c.site = site;
  next_.store(id + 1, std::memory_order_release);
  bool inserted;
  index_.put_if_absent(key, id, &inserted);
  if (!inserted) {
    // Index full: the class exists but cannot be found again by key. Count
    // it; callers still get a valid id now.
    overflowed_.fetch_add(1, std::memory_order_relaxed);
  }
  return id;
}

void ClassRegistry::set_name(ClassId id, const char *name) {
  if (id == kNoClass || id >= size() || !name)
    return;
  const char *copy = strings_.copy_string(name, 256);
  SpinGuard g(lock_);
  classes_[id].name = copy;
  classes_[id].flags.fetch_or(kClassNamed, std::memory_order_relaxed);
}

} // namespace fencedep
