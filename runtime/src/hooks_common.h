// Helpers shared by the interceptor files: event recording with the
// trace tap, one place for each engine call the hooks make.
#pragma once
#include "fencedep/core/trace_format.h"
#include "real_functions.h"
#include "runtime.h"
#include "stack_capture.h"
#include "trace_writer.h"

namespace fencedep::runtime {

inline void trace(TraceOp op, const ThreadState &t, ClassId c, const void *obj,
                  uint64_t arg = 0, uint64_t pc = 0) {
  if (trace_enabled())
    trace_event(TraceEvent{op, t.tid, c, reinterpret_cast<uint64_t>(obj), arg, pc});
}

inline void lock_before(HookScope &h, ClassId c, const void *obj, bool read, uint64_t pc) {
  UnwindStack st(rt.engine.stacks());
  rt.engine.acquire_begin(h.state(), c, reinterpret_cast<uint64_t>(obj), read, st);
  h.before_block();
}

inline void lock_after(HookScope &h, ClassId c, const void *obj, bool read, bool is_try,
                       uint64_t pc) {
  rt.engine.acquire_end(h.state(), c, reinterpret_cast<uint64_t>(obj), read, is_try, pc);
  trace(is_try ? (read ? TraceOp::TryAcquireRead : TraceOp::TryAcquire)
               : (read ? TraceOp::AcquireRead : TraceOp::Acquire),
        h.state(), c, obj, 0, pc);
}

inline void unlock(HookScope &h, const void *obj) {
  rt.engine.release(h.state(), reinterpret_cast<uint64_t>(obj));
  trace(TraceOp::Release, h.state(), kNoClass, obj);
}

inline void wait_before(HookScope &h, ClassId c, const void *obj, const void *released,
                        uint64_t pc) {
  UnwindStack st(rt.engine.stacks());
  rt.engine.wait_begin(h.state(), c, reinterpret_cast<uint64_t>(obj),
                       reinterpret_cast<uint64_t>(released), pc, st);
  trace(TraceOp::WaitBegin, h.state(), c, obj, reinterpret_cast<uint64_t>(released), pc);
  h.before_block();
}

inline void wait_after(HookScope &h, ClassId c, const void *obj, bool one_shot, uint64_t pc) {
  rt.engine.wait_end(h.state(), c, reinterpret_cast<uint64_t>(obj), one_shot, pc);
  trace(TraceOp::WaitEnd, h.state(), c, obj, one_shot, pc);
}

inline void signal(HookScope &h, ClassId c, const void *obj, uint64_t pc) {
  UnwindStack st(rt.engine.stacks());
  rt.engine.signal(h.state(), c, reinterpret_cast<uint64_t>(obj), pc, st);
  trace(TraceOp::Signal, h.state(), c, obj, 0, pc);
}

} // namespace fencedep::runtime
