#include "class_resolver.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstring>

namespace fencedep::runtime {

bool ClassResolver::init(ClassRegistry *reg, bool per_instance) {
  reg_ = reg;
  per_instance_ = per_instance;
  if (!instances_.init(1u << 23) || !names_.init(1u << 16) || !flags_.init(1u << 12) ||
      !sites_.init(1u << 18) || !modules_.init(1u << 10) || !interned_.init(1u << 16) ||
      !fds_.init(kMaxFds))
    return false;
  static char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = 0;
    exe_path_ = exe;
  }
  return true;
}

void ClassResolver::reset_locks_after_fork() {
  for (AddressMap *m : {&instances_, &names_, &flags_, &sites_, &modules_, &interned_})
    m->reset_lock();
}

const char *ClassResolver::intern(const char *s) {
  if (!s)
    return nullptr;
  uint64_t h = hash_string(s, 0x17);
  uint64_t v;
  if (interned_.find(h, &v))
    return reinterpret_cast<const char *>(v);
  const char *copy = strings_.copy_string(s, 256);
  bool inserted;
  return reinterpret_cast<const char *>(
      interned_.put_if_absent(h, reinterpret_cast<uint64_t>(copy), &inserted));
}

SiteRef ClassResolver::site_for(uint64_t pc) {
  SiteRef s;
  s.pc = pc;
  Dl_info info;
  if (!pc || !dladdr(reinterpret_cast<void *>(pc), &info) || !info.dli_fbase)
    return s;
  uint64_t base = reinterpret_cast<uint64_t>(info.dli_fbase);
  s.offset = pc - base;
  uint64_t v;
  if (modules_.find(base, &v)) {
    s.module = reinterpret_cast<const char *>(v);
    return s;
  }
  const char *path = info.dli_fname && info.dli_fname[0] ? info.dli_fname : exe_path_;
  // The main program reports its name as argv[0]-ish; prefer the real path.
  if (exe_path_ && path && path[0] != '/')
    path = exe_path_;
  s.module = strings_.copy_string(path ? path : "?");
  modules_.put(base, reinterpret_cast<uint64_t>(s.module));
  return s;
}

ClassId ClassResolver::site_class(ClassKind kind, uint64_t pc) {
  uint64_t key = mix64(pc) ^ uint64_t(kind);
  uint64_t v;
  if (sites_.find(key, &v))
    return ClassId(v);
  SiteRef site = site_for(pc);
  ClassId c = reg_->get_or_create(
      site.module ? class_key_for_site(kind, site.module, site.offset)
                  : class_key_for_instance(kind, pc),
      kind, nullptr, site);
  sites_.put(key, c);
  return c;
}

ClassId ClassResolver::named_class(ClassKind kind, const char *name, uint64_t pc,
                                   uint32_t flags) {
  ClassId c = reg_->get_or_create(class_key_for_name(kind, name), kind, name, site_for(pc),
                                  flags);
  if (flags)
    reg_->info(c).flags.fetch_or(flags, std::memory_order_relaxed);
  return c;
}

ClassId ClassResolver::create_for(const void *obj, ClassKind kind, uint64_t pc) {
  uint64_t addr = reinterpret_cast<uint64_t>(obj);
  uint64_t v;
  ClassId c;
  uint64_t extra_flags = 0;
  flags_.find(addr, &extra_flags);
  if (names_.find(addr, &v)) {
    c = named_class(kind, reinterpret_cast<const char *>(v), pc, uint32_t(extra_flags));
  } else if (per_instance_) {
    SiteRef site = site_for(pc);
    c = reg_->get_or_create(class_key_for_instance(kind, addr), kind, nullptr, site,
                            kClassInstance);
  } else {
    Dl_info info;
    if (dladdr(obj, &info) && info.dli_fbase) {
      // A static object: its address within its module is stable.
      SiteRef site = site_for(addr);
      site.pc = addr;
      c = reg_->get_or_create(class_key_for_site(kind, site.module, site.offset) ^ 0x57a71c,
                              kind, nullptr, site, kClassStatic);
    } else {
      c = site_class(kind, pc);
    }
  }
  instances_.put(addr, c);
  return c;
}

ClassId ClassResolver::object_class(const void *obj, ClassKind kind, uint64_t pc) {
  uint64_t v;
  if (instances_.find(reinterpret_cast<uint64_t>(obj), &v))
    return ClassId(v);
  return create_for(obj, kind, pc);
}

ClassId ClassResolver::bind_at_init(const void *obj, ClassKind kind, uint64_t pc) {
  uint64_t addr = reinterpret_cast<uint64_t>(obj);
  uint64_t old;
  if (instances_.find(addr, &old))
    bump_generation(); // re-initialised in place: caches may hold the old class
  uint64_t v;
  if (names_.find(addr, &v) || per_instance_) {
    instances_.erase(addr);
    return create_for(obj, kind, pc);
  }
  ClassId c = site_class(kind, pc);
  instances_.put(addr, c);
  return c;
}

void ClassResolver::forget(const void *obj) {
  uint64_t addr = reinterpret_cast<uint64_t>(obj);
  bump_generation();
  instances_.erase(addr);
  names_.erase(addr);
  flags_.erase(addr);
}

void ClassResolver::set_name(const void *obj, const char *name, uint32_t flags) {
  if (!obj || !name)
    return;
  uint64_t addr = reinterpret_cast<uint64_t>(obj);
  bump_generation();
  const char *n = intern(name);
  names_.put(addr, reinterpret_cast<uint64_t>(n));
  if (flags)
    flags_.put(addr, flags);
  uint64_t v;
  if (instances_.find(addr, &v)) {
    // Already in use: move it to the named class of the same kind.
    ClassKind kind = reg_->info(ClassId(v)).kind;
    instances_.put(addr, named_class(kind, n, reg_->info(ClassId(v)).site.pc, flags));
  }
}

void ClassResolver::bind_fd(int fd, ClassId c, bool nonblocking) {
  if (fd >= 0 && fd < kMaxFds)
    fds_[fd] = c | (nonblocking ? 0x80000000u : 0);
}

void ClassResolver::forget_fd(int fd) {
  if (fd >= 0 && fd < kMaxFds)
    fds_[fd] = 0;
}

} // namespace fencedep::runtime
