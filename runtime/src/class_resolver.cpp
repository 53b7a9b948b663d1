#include "class_resolver.h"

#include <cstring>

#include "unwind/modules.h"

namespace fencedep::runtime {

namespace {
uint64_t pack(uint32_t chain, ClassId c) { return (uint64_t(chain) << 32) | c; }
ClassId class_part(uint64_t v) { return ClassId(v & 0xffffffffu); }
uint32_t chain_part(uint64_t v) { return uint32_t(v >> 32); }
} // namespace

bool ClassResolver::init(ClassRegistry *reg, bool per_instance, int class_depth) {
  reg_ = reg;
  per_instance_ = per_instance;
  // 2^20 host pages of objects: 4 GiB of them, 4 KiB of table per page.
  return sites_chains_.init(class_depth) && instances_.init(1u << 20) &&
         names_.init(1u << 16) && flags_.init(1u << 12) && sites_.init(1u << 18) &&
         interned_.init(1u << 16) && fds_.init(kMaxFds) &&
         chain_classes_.init(CreationSites::kMaxChains);
}

void ClassResolver::reset_locks_after_fork() {
  for (AddressMap *m : {&names_, &flags_, &sites_, &interned_})
    m->reset_lock();
  instances_.reset_lock();
  sites_chains_.reset_locks_after_fork();
  resolve_lock_.reset();
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

SiteRef ClassResolver::site_for(uint64_t addr, bool is_return) {
  SiteRef s;
  s.pc = addr;
  ModuleRef m;
  if (!addr || !find_module(is_return ? addr - 1 : addr, &m))
    return s;
  s.module = m.path;
  s.offset = addr - m.bias;
  return s;
}

ClassId ClassResolver::site_class(ClassKind kind, uint64_t pc) {
  uint64_t key = mix64(pc) ^ uint64_t(kind);
  uint64_t v;
  if (sites_.find(key, &v))
    return ClassId(v);
  SiteRef site = site_for(pc, true);
  ClassId c = reg_->get_or_create(
      site.module ? class_key_for_site(kind, site.module, site.offset)
                  : class_key_for_instance(kind, pc),
      kind, nullptr, site);
  sites_.put(key, c);
  return c;
}

ClassId ClassResolver::routine_class(ClassKind kind, uint64_t entry) {
  uint64_t key = mix64(entry ^ 0xe47) ^ uint64_t(kind);
  uint64_t v;
  if (sites_.find(key, &v))
    return ClassId(v);
  SiteRef site = site_for(entry, false);
  ClassId c = reg_->get_or_create(
      (site.module ? class_key_for_site(kind, site.module, site.offset)
                   : class_key_for_instance(kind, entry)) ^ 0xe47e47,
      kind, nullptr, site, kClassEntry);
  sites_.put(key, c);
  return c;
}

ClassId ClassResolver::named_class(ClassKind kind, const char *name, uint64_t pc,
                                   uint32_t flags) {
  ClassId c = reg_->get_or_create(class_key_for_name(kind, name), kind, name,
                                  site_for(pc, true), flags);
  if (flags)
    reg_->info(c).flags.fetch_or(flags, std::memory_order_relaxed);
  return c;
}

bool ClassResolver::is_static_object(const void *obj, SiteRef *site) {
  // Inside a module's mapping: its data or bss, at an address within the
  // module that is the same in every run.
  *site = site_for(reinterpret_cast<uint64_t>(obj), false);
  return site->module != nullptr;
}

ClassId ClassResolver::class_of_chain(ClassKind kind, uint32_t chain) {
  // The epoch is read before resolving: a change while resolving leaves a
  // stale tag, never a stale class under the new one.
  uint32_t epoch = sites_chains_.epoch();
  bool cacheable = chain && chain < CreationSites::kMaxChains;
  if (cacheable) {
    uint64_t v = chain_classes_[chain].load(std::memory_order_acquire);
    if (v && uint32_t(v >> 32) == epoch)
      return ClassId(v & 0xffffffffu);
  }
  CreationSites::Resolved r = sites_chains_.resolve(chain);
  if (!r.key)
    return kNoClass;
  ClassId c = reg_->get_or_create(r.key, kind, nullptr, site_for(r.site, true));
  if (cacheable)
    chain_classes_[chain].store((uint64_t(epoch) << 32) | c, std::memory_order_release);
  return c;
}

ClassId ClassResolver::create_for(const void *obj, ClassKind kind, uint64_t pc) {
  uint64_t addr = reinterpret_cast<uint64_t>(obj);
  uint64_t v;
  ClassId c = kNoClass;
  uint32_t chain = 0;
  uint64_t extra_flags = 0;
  flags_.find(addr, &extra_flags);
  SiteRef site;
  if (names_.find(addr, &v)) {
    c = named_class(kind, reinterpret_cast<const char *>(v), pc, uint32_t(extra_flags));
  } else if (per_instance_) {
    c = reg_->get_or_create(class_key_for_instance(kind, addr), kind, nullptr,
                            site_for(pc, true), kClassInstance);
    reg_->info(c).address = addr; // reports name the object
  } else if (is_static_object(obj, &site)) {
    c = reg_->get_or_create(class_key_for_site(kind, site.module, site.offset) ^ 0x57a71c, kind,
                            nullptr, site, kClassStatic);
  } else {
    // A heap object never initialised through the runtime: classed by where
    // it is first used, through wrappers like an init site.
    chain = sites_chains_.note(kind, true, pc);
    c = class_of_chain(kind, chain);
    if (c == kNoClass)
      c = site_class(kind, pc);
  }
  instances_.put(addr, pack(chain, c));
  return c;
}

ClassId ClassResolver::classify(const void *obj, ClassKind kind, uint64_t pc) {
  uint64_t addr = reinterpret_cast<uint64_t>(obj);
  uint64_t v;
  if (instances_.find(addr, &v)) {
    if (ClassId c = class_part(v))
      return c;
    // Initialised, classed now that it is used: the creating function's
    // other objects are known by now (see creation_sites.h).
    SpinGuard g(resolve_lock_);
    if (instances_.find(addr, &v) && class_part(v))
      return class_part(v);
    ClassId c = class_of_chain(kind, chain_part(v));
    if (c == kNoClass)
      c = site_class(kind, pc);
    instances_.put(addr, pack(chain_part(v), c));
    return c;
  }
  return create_for(obj, kind, pc);
}

void ClassResolver::note_init(const void *obj, ClassKind kind, uint64_t pc) {
  uint64_t addr = reinterpret_cast<uint64_t>(obj);
  uint64_t old;
  if (instances_.find(addr, &old))
    bump_generation(); // re-initialised in place: caches may hold the old class
  uint64_t v;
  if (names_.find(addr, &v) || per_instance_) {
    instances_.erase(addr);
    create_for(obj, kind, pc);
    return;
  }
  instances_.put(addr, pack(sites_chains_.note(kind, false, pc), kNoClass));
}

ClassId ClassResolver::bind_at_init(const void *obj, ClassKind kind, uint64_t pc) {
  note_init(obj, kind, pc);
  return object_class(obj, kind, pc);
}

ClassId ClassResolver::rebind_as_wait(const void *obj, ClassKind kind) {
  uint64_t addr = reinterpret_cast<uint64_t>(obj);
  uint64_t v = 0;
  ClassId was = instances_.find(addr, &v) ? class_part(v) : kNoClass;
  const ClassInfo *info = was ? &reg_->info(was) : nullptr;
  // Rebound already (the holder and a poster can both get here): deriving
  // the key again would give back the lock's.
  if (info && info->kind == kind &&
      (info->flags.load(std::memory_order_relaxed) & kClassOneShot))
    return was;
  SiteRef site = info ? info->site : SiteRef{};
  uint64_t key = (info ? info->key : mix64(addr)) ^ 0x6a4d5a4d5ull ^ (uint64_t(kind) << 48);
  ClassId c = reg_->get_or_create(
      key, kind, info ? info->name : nullptr, site,
      (info ? info->flags.load(std::memory_order_relaxed) : 0) | kClassOneShot);
  instances_.put(addr, pack(chain_part(v), c));
  bump_generation(); // thread class caches may hold the lock class
  return c;
}

uint64_t ClassResolver::object_site(const void *obj) const {
  uint64_t v;
  if (!instances_.find(reinterpret_cast<uint64_t>(obj), &v))
    return 0;
  ClassId c = class_part(v);
  if (!chain_part(v))
    return c ? reg_->info(c).site.pc : 0;
  return sites_chains_.resolve(chain_part(v)).site;
}

void ClassResolver::forget(const void *obj) {
  uint64_t addr = reinterpret_cast<uint64_t>(obj);
  if (on_forget_)
    on_forget_(addr);
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
  if (instances_.find(addr, &v) && class_part(v)) {
    // Already in use: move it to the named class of the same kind.
    ClassInfo &old = reg_->info(class_part(v));
    instances_.put(addr, pack(chain_part(v), named_class(old.kind, n, old.site.pc, flags)));
  } else if (instances_.find(addr, &v)) {
    instances_.erase(addr); // initialised, not yet used: the name decides
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
