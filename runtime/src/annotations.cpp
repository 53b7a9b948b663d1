// The annotation API of fencedep/fencedep.h: the strong definitions of the
// weak references programs make.
#include "hooks_common.h"

#include "fencedep/fencedep.h"

using namespace fencedep;
using namespace fencedep::runtime;

#define FENCEDEP_API extern "C" __attribute__((visibility("default")))

static ClassId fence_class(const void *f, uint64_t pc) {
  return rt.resolver.object_class(f, ClassKind::Fence, pc);
}

FENCEDEP_API void __fencedep_fence_init(const void *fence, const char *name, unsigned flags) {
  uint64_t pc = FENCEDEP_CALLER_PC();
  HookScope h;
  if (!h.active() || !fence)
    return;
  uint32_t cf = (flags & FENCEDEP_FENCE_LONG_RUNNING) ? kClassLongRunning : 0;
  ClassId c;
  if (name) {
    rt.resolver.forget(fence);
    rt.resolver.set_name(fence, name, cf);
    c = rt.resolver.object_class(fence, ClassKind::Fence, pc);
  } else {
    c = rt.resolver.bind_at_init(fence, ClassKind::Fence, pc);
  }
  if (cf)
    rt.engine.classes().info(c).flags.fetch_or(cf, std::memory_order_relaxed);
  rt.engine.fence_reset(reinterpret_cast<uint64_t>(fence));
  trace(TraceOp::FenceInit, h.state(), c, fence, flags, pc);
}

FENCEDEP_API void __fencedep_fence_wait_begin(const void *fence) {
  uint64_t pc = FENCEDEP_CALLER_PC();
  HookScope h;
  if (h.active())
    wait_before(h, fence_class(fence, pc), fence, nullptr, pc);
}

FENCEDEP_API void __fencedep_fence_wait_end(const void *fence) {
  uint64_t pc = FENCEDEP_CALLER_PC();
  HookScope h;
  if (h.active())
    wait_after(h, fence_class(fence, pc), fence, true, pc);
}

FENCEDEP_API void __fencedep_fence_signal(const void *fence) {
  uint64_t pc = FENCEDEP_CALLER_PC();
  HookScope h;
  if (h.active())
    signal(h, fence_class(fence, pc), fence, pc);
}

FENCEDEP_API void __fencedep_fence_await(const void *fence, const void *dep) {
  uint64_t pc = FENCEDEP_CALLER_PC();
  HookScope h;
  if (!h.active())
    return;
  ClassId f = fence_class(fence, pc), g = fence_class(dep, pc);
  UnwindStack st(rt.engine.stacks());
  rt.engine.await(h.state(), f, reinterpret_cast<uint64_t>(fence), g,
                  reinterpret_cast<uint64_t>(dep), pc, st);
  if (trace_enabled())
    trace_event(TraceEvent{TraceOp::Await, h.state().tid, f, reinterpret_cast<uint64_t>(fence),
                           reinterpret_cast<uint64_t>(dep), pc, g});
}

FENCEDEP_API int __fencedep_signalling_begin(const void *fence) {
  uint64_t pc = FENCEDEP_CALLER_PC();
  HookScope h;
  if (!h.active())
    return 0;
  ClassId c = fence_class(fence, pc);
  int cookie = rt.engine.section_begin(h.state(), c, reinterpret_cast<uint64_t>(fence), pc);
  trace(TraceOp::SectionBegin, h.state(), c, fence, uint64_t(int64_t(cookie)), pc);
  return cookie;
}

FENCEDEP_API void __fencedep_signalling_end(int cookie) {
  HookScope h;
  if (!h.active())
    return;
  rt.engine.section_end(h.state(), cookie);
  trace(TraceOp::SectionEnd, h.state(), kNoClass, nullptr, uint64_t(int64_t(cookie)));
}

FENCEDEP_API void __fencedep_mm_context_begin(const char *name) {
  uint64_t pc = FENCEDEP_CALLER_PC();
  HookScope h;
  if (!h.active())
    return;
  UnwindStack st(rt.engine.stacks());
  rt.engine.mm_begin(h.state(), rt.resolver.intern(name ? name : "mm"), pc, st);
  trace(TraceOp::MmBegin, h.state(), rt.engine.reclaim_class(), nullptr, 0, pc);
}

FENCEDEP_API void __fencedep_mm_context_end(void) {
  HookScope h;
  if (!h.active())
    return;
  rt.engine.mm_end(h.state());
  trace(TraceOp::MmEnd, h.state(), rt.engine.reclaim_class(), nullptr);
}

FENCEDEP_API void __fencedep_might_reclaim(void) {
  uint64_t pc = FENCEDEP_CALLER_PC();
  HookScope h;
  if (!h.active())
    return;
  UnwindStack st(rt.engine.stacks());
  rt.engine.might_reclaim(h.state(), pc, st);
  trace(TraceOp::MightReclaim, h.state(), rt.engine.reclaim_class(), nullptr, 0, pc);
}

FENCEDEP_API void __fencedep_resv_attach(const void *resv, const void *fence) {
  uint64_t pc = FENCEDEP_CALLER_PC();
  HookScope h;
  if (!h.active())
    return;
  ClassId c = fence_class(fence, pc);
  UnwindStack st(rt.engine.stacks());
  rt.engine.resv_attach(h.state(), c, reinterpret_cast<uint64_t>(fence), pc, st);
  trace(TraceOp::ResvAttach, h.state(), c, fence, reinterpret_cast<uint64_t>(resv), pc);
}

FENCEDEP_API void __fencedep_fence_export(const void *fence) {
  uint64_t pc = FENCEDEP_CALLER_PC();
  HookScope h;
  if (!h.active())
    return;
  ClassId c = fence_class(fence, pc);
  UnwindStack st(rt.engine.stacks());
  rt.engine.fence_export(h.state(), c, reinterpret_cast<uint64_t>(fence), pc, st);
  trace(TraceOp::Export, h.state(), c, fence, 0, pc);
}

FENCEDEP_API void __fencedep_set_class(const void *object, const char *name) {
  HookScope h;
  if (h.active())
    rt.resolver.set_name(object, name, 0);
}

FENCEDEP_API void __fencedep_set_class_flags(const void *object, const char *name,
                                             unsigned flags) {
  HookScope h;
  if (!h.active())
    return;
  rt.resolver.set_name(object, name, (flags & FENCEDEP_CLASS_MM) ? kClassMm : 0);
}

FENCEDEP_API void __fencedep_lock_acquire(const void *lock, int read, int trylock) {
  uint64_t pc = FENCEDEP_CALLER_PC();
  HookScope h;
  if (!h.active())
    return;
  ClassId c = rt.resolver.object_class(lock, ClassKind::UserLock, pc);
  if (!trylock)
    lock_before(h, c, lock, read != 0, pc);
  lock_after(h, c, lock, read != 0, trylock != 0, pc);
}

FENCEDEP_API void __fencedep_lock_release(const void *lock) {
  HookScope h;
  if (h.active())
    unlock(h, lock);
}

FENCEDEP_API int __fencedep_report_count(void) {
  HookScope h;
  if (h.active())
    flush_reports();
  return int(rt.reports_printed.load());
}
