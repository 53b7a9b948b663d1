#include "real_functions.h"

#include <dlfcn.h>

namespace fencedep::runtime {

RealFunctions real;

static void *self_base() {
  static void *base = [] {
    Dl_info info;
    return dladdr(reinterpret_cast<void *>(&resolve_real_functions), &info) ? info.dli_fbase
                                                                              : nullptr;
  }();
  return base;
}

// A symbol that resolves back into this library would recurse forever.
static bool is_ours(void *p) {
  Dl_info info;
  return p && dladdr(p, &info) && info.dli_fbase == self_base();
}

static void *lookup(const char *name, const char *version) {
  void *p = nullptr;
  if (version)
    p = dlvsym(RTLD_NEXT, name, version);
  if (!p)
    p = dlsym(RTLD_NEXT, name);
  if (!p || is_ours(p))
    p = dlsym(RTLD_DEFAULT, name);
  return is_ours(p) ? nullptr : p;
}

bool resolve_real_functions() {
  static bool done = false;
  static __thread bool resolving;
  if (done)
    return true;
  // dlsym may re-enter a hook (through an allocator that locks); the nested
  // call must not start another resolution.
  if (resolving)
    return false;
  resolving = true;
#define FENCEDEP_RESOLVE(name, ret, params, version)                                        \
  if (!real.name)                                                                            \
    real.name = reinterpret_cast<ret(*) params>(lookup(#name, version));
  FENCEDEP_REAL_FUNCTIONS(FENCEDEP_RESOLVE)
#undef FENCEDEP_RESOLVE
  done = real.pthread_mutex_lock && real.pthread_create && real.read;
  resolving = false;
  return done;
}

} // namespace fencedep::runtime
