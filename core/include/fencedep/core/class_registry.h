// The class registry: every lock, wait object and context belongs to a class,
// and the dependency graph is built over classes (lockdep's key idea). A
// class is identified by a stable 64-bit key derived from module path and
// offset (or a name), never a raw address, so graphs from several processes
// and runs merge.
#pragma once
#include <atomic>
#include <cstdint>

#include "fencedep/core/address_map.h"
#include "fencedep/core/raw_memory.h"
#include "fencedep/core/types.h"

namespace fencedep {

// Where a class was defined: a code site or a static object, as module +
// offset (stable across processes) plus the pc in this process (for
// symbolization while the process lives).
struct SiteRef {
  const char *module = nullptr; // interned path, or null when unknown
  uint64_t offset = 0;
  uint64_t pc = 0;
};

struct ClassInfo {
  uint64_t key = 0;
  ClassKind kind = ClassKind::Mutex;
  std::atomic<uint32_t> flags{0};
  const char *name = nullptr; // interned; null when unnamed (printers derive one)
  SiteRef site;
  uint64_t address = 0; // class=instance: the object this class is
};

// Keys for the usual ways of naming a class.
uint64_t class_key_for_site(ClassKind kind, const char *module, uint64_t offset);
uint64_t class_key_for_name(ClassKind kind, const char *name);
uint64_t class_key_for_instance(ClassKind kind, uint64_t address);

class ClassRegistry {
public:
  static constexpr uint32_t kDefaultCapacity = 1u << 20;

  bool init(uint32_t capacity = kDefaultCapacity);

  // Finds or creates the class with this key. On overflow returns the
  // shared "<overflow>" class and counts the loss.
  ClassId get_or_create(uint64_t key, ClassKind kind, const char *name,
                        const SiteRef &site, uint32_t flags = 0);
  ClassId find(uint64_t key) const;

  ClassInfo &info(ClassId id) { return classes_[id]; }
  const ClassInfo &info(ClassId id) const { return classes_[id]; }
  uint32_t size() const { return next_.load(std::memory_order_acquire); }
  uint32_t capacity() const { return capacity_; }
  uint64_t overflowed() const { return overflowed_.load(std::memory_order_relaxed); }

  // Renames a class (annotation after the fact). The name is interned.
  void set_name(ClassId id, const char *name);
  const char *intern(const char *s) { return strings_.copy_string(s); }
  void reset_locks_after_fork() { lock_.reset(); index_.reset_lock(); }

  ClassId overflow_class() const { return overflow_class_; }

private:
  RawArray<ClassInfo> classes_;
  AddressMap index_;
  Arena strings_;
  SpinLock lock_;
  std::atomic<uint32_t> next_{1}; // 0 is kNoClass
  uint32_t capacity_ = 0;
  ClassId overflow_class_ = kNoClass;
  std::atomic<uint64_t> overflowed_{0};
};

} // namespace fencedep
