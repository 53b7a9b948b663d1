/*
 * fencedep annotations: tell the runtime about fences, signalling sections,
 * memory-management contexts and lock classes it cannot see by itself.
 *
 * Every function here is a static inline wrapper around a weak reference to
 * the runtime (libfencedep.so). A program that includes this header links
 * with nothing extra; when the runtime is not preloaded the calls do nothing.
 * Objects are identified by address; class names are copied.
 *
 *   struct job { int done; } j;
 *   fencedep_fence_init(&j, "gpu-ring", 0);
 *   int cookie = fencedep_signalling_begin(&j);
 *   ...                         // must not wait on fences or allocate
 *   fencedep_fence_signal(&j);
 *   fencedep_signalling_end(cookie);
 */
#ifndef FENCEDEP_FENCEDEP_H
#define FENCEDEP_FENCEDEP_H

#ifdef __cplusplus
extern "C" {
#endif

/* fencedep_fence_init flags. */
#define FENCEDEP_FENCE_LONG_RUNNING 0x1u /* completes only when userspace lets it */

/* fencedep_set_class_flags flags. */
#define FENCEDEP_CLASS_MM 0x2u /* lock class taken on memory-management paths */

#ifdef FENCEDEP_BUILDING_RUNTIME
#define FENCEDEP_WEAK_ __attribute__((visibility("default")))
#else
#define FENCEDEP_WEAK_ __attribute__((weak, visibility("default")))
#endif

void __fencedep_fence_init(const void *fence, const char *class_name, unsigned flags) FENCEDEP_WEAK_;
void __fencedep_fence_wait_begin(const void *fence) FENCEDEP_WEAK_;
void __fencedep_fence_wait_end(const void *fence) FENCEDEP_WEAK_;
void __fencedep_fence_signal(const void *fence) FENCEDEP_WEAK_;
void __fencedep_fence_await(const void *fence, const void *dependency) FENCEDEP_WEAK_;
int __fencedep_signalling_begin(const void *fence) FENCEDEP_WEAK_;
void __fencedep_signalling_end(int cookie) FENCEDEP_WEAK_;
void __fencedep_mm_context_begin(const char *name) FENCEDEP_WEAK_;
void __fencedep_mm_context_end(void) FENCEDEP_WEAK_;
void __fencedep_might_reclaim(void) FENCEDEP_WEAK_;
void __fencedep_resv_attach(const void *resv, const void *fence) FENCEDEP_WEAK_;
void __fencedep_fence_export(const void *fence) FENCEDEP_WEAK_;
void __fencedep_set_class(const void *object, const char *class_name) FENCEDEP_WEAK_;
void __fencedep_set_class_flags(const void *object, const char *class_name,
                                unsigned flags) FENCEDEP_WEAK_;
void __fencedep_lock_acquire(const void *lock, int read, int trylock) FENCEDEP_WEAK_;
void __fencedep_lock_release(const void *lock) FENCEDEP_WEAK_;
int __fencedep_report_count(void) FENCEDEP_WEAK_;

#ifndef FENCEDEP_BUILDING_RUNTIME
#include <dlfcn.h>

/* In a position-dependent executable the static linker resolves an
 * undefined weak reference to 0 for good, so the runtime is also looked up
 * by name, once per function and translation unit. */
#define FENCEDEP_FN_(name)                                                       \
  static __typeof__(&name) fn_;                                                 \
  static int looked_up_;                                                        \
  if (!looked_up_) {                                                            \
    union {                                                                     \
      void *object;                                                             \
      __typeof__(&name) function;                                               \
    } found_;                                                                   \
    fn_ = name;                                                                 \
    if (!fn_) {                                                                 \
      found_.object = dlsym((void *)0 /* RTLD_DEFAULT */, #name);               \
      fn_ = found_.function;                                                    \
    }                                                                           \
    looked_up_ = 1;                                                             \
  }

/* Declares `fence` (any object) a fence of class `class_name`. */
static inline void fencedep_fence_init(const void *fence, const char *class_name, unsigned flags) {
  FENCEDEP_FN_(__fencedep_fence_init)
  if (fn_) fn_(fence, class_name, flags);
}
/* Brackets a blocking wait for `fence` to signal. */
static inline void fencedep_fence_wait_begin(const void *fence) {
  FENCEDEP_FN_(__fencedep_fence_wait_begin)
  if (fn_) fn_(fence);
}
static inline void fencedep_fence_wait_end(const void *fence) {
  FENCEDEP_FN_(__fencedep_fence_wait_end)
  if (fn_) fn_(fence);
}
/* `fence` signals now. */
static inline void fencedep_fence_signal(const void *fence) {
  FENCEDEP_FN_(__fencedep_fence_signal)
  if (fn_) fn_(fence);
}
/* `fence` will not signal before `dependency` has. */
static inline void fencedep_fence_await(const void *fence, const void *dependency) {
  FENCEDEP_FN_(__fencedep_fence_await)
  if (fn_) fn_(fence, dependency);
}
/* The code up to the matching end is on the path to signalling `fence`:
 * it must not wait on other fences, allocate memory that may reclaim, or
 * take locks held elsewhere across such waits. Returns a cookie for end. */
static inline int fencedep_signalling_begin(const void *fence) {
  FENCEDEP_FN_(__fencedep_signalling_begin)
  return fn_ ? fn_(fence) : 0;
}
static inline void fencedep_signalling_end(int cookie) {
  FENCEDEP_FN_(__fencedep_signalling_end)
  if (fn_) fn_(cookie);
}
/* A memory-management callback (shrinker, notifier analogue) runs until
 * the matching end: the "reclaim" context is held meanwhile. */
static inline void fencedep_mm_context_begin(const char *name) {
  FENCEDEP_FN_(__fencedep_mm_context_begin)
  if (fn_) fn_(name);
}
static inline void fencedep_mm_context_end(void) {
  FENCEDEP_FN_(__fencedep_mm_context_end)
  if (fn_) fn_();
}
/* An allocation here may enter reclaim (the kernel's might_alloc). */
static inline void fencedep_might_reclaim(void) {
  FENCEDEP_FN_(__fencedep_might_reclaim)
  if (fn_) fn_();
}
/* `fence` is attached to reservation object `resv`. */
static inline void fencedep_resv_attach(const void *resv, const void *fence) {
  FENCEDEP_FN_(__fencedep_resv_attach)
  if (fn_) fn_(resv, fence);
}
/* `fence` is exported (sync_file, syncobj) for others to wait on. */
static inline void fencedep_fence_export(const void *fence) {
  FENCEDEP_FN_(__fencedep_fence_export)
  if (fn_) fn_(fence);
}
/* Puts `object` (a mutex, condvar, semaphore, fence...) in class `class_name`. */
static inline void fencedep_set_class(const void *object, const char *class_name) {
  FENCEDEP_FN_(__fencedep_set_class)
  if (fn_) fn_(object, class_name);
}
/* As fencedep_set_class, with class flags (FENCEDEP_CLASS_MM). */
static inline void fencedep_set_class_flags(const void *object, const char *class_name,
                                            unsigned flags) {
  FENCEDEP_FN_(__fencedep_set_class_flags)
  if (fn_) fn_(object, class_name, flags);
}
/* A lock the runtime cannot see (a user spin lock, a lock map) is taken / released. */
static inline void fencedep_lock_acquire(const void *lock, int read, int trylock) {
  FENCEDEP_FN_(__fencedep_lock_acquire)
  if (fn_) fn_(lock, read, trylock);
}
static inline void fencedep_lock_release(const void *lock) {
  FENCEDEP_FN_(__fencedep_lock_release)
  if (fn_) fn_(lock);
}
/* Reports printed so far by this process; -1 without the runtime. */
static inline int fencedep_report_count(void) {
  FENCEDEP_FN_(__fencedep_report_count)
  return fn_ ? fn_() : -1;
}

#endif /* FENCEDEP_BUILDING_RUNTIME */

#undef FENCEDEP_WEAK_

#ifdef __cplusplus
}
#endif

#endif /* FENCEDEP_FENCEDEP_H */
