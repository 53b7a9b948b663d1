// Helpers shared by the interceptor files: event recording with the
// trace tap, one place for each engine call the hooks make.
#pragma once
#include <cerrno>

#include "fencedep/core/trace_format.h"
#include "lock_place.h"
#include "real_functions.h"
#include "runtime.h"
#include "stack_capture.h"
#include "trace_writer.h"

namespace fencedep::runtime {

// Keeps the host's errno across the runtime's own work after a real call.
class ErrnoKeeper {
public:
  ErrnoKeeper() : saved_(errno) {}
  ~ErrnoKeeper() { errno = saved_; }
  ErrnoKeeper(const ErrnoKeeper &) = delete;
  ErrnoKeeper &operator=(const ErrnoKeeper &) = delete;

private:
  int saved_;
};

inline void trace(TraceOp op, const ThreadState &t, ClassId c, const void *obj,
                  uint64_t arg = 0, uint64_t pc = 0) {
  if (trace_enabled())
    trace_event(TraceEvent{op, t.tid, c, reinterpret_cast<uint64_t>(obj), arg, pc});
}

inline void lock_before(HookScope &h, ClassId c, const void *obj, bool read, uint64_t pc) {
  UnwindStack st(rt.engine.stacks());
  rt.engine.acquire_begin(h.state(), c, reinterpret_cast<uint64_t>(obj), read, st);
  if (__builtin_expect(watchdog_enabled, 0))
    block_note(h.ctx(), c, reinterpret_cast<uint64_t>(obj), reinterpret_cast<uint64_t>(obj),
               lock_place(pc), EdgeKind::Acquire, true);
  h.before_block();
}

inline void lock_after(HookScope &h, ClassId c, const void *obj, bool read, bool is_try,
                       uint64_t pc) {
  // Held-lock lists and traces show where the program took the lock, out
  // of one-line wrappers: found by lock_before already when it recorded
  // the blocking call for the watchdog.
  if (__builtin_expect(h.ctx().block_open, 0)) {
    pc = h.ctx().block.pc;
    block_end(h.ctx());
  } else {
    pc = lock_place(pc);
  }
  rt.engine.acquire_end(h.state(), c, reinterpret_cast<uint64_t>(obj), read, is_try, pc);
  trace(is_try ? (read ? TraceOp::TryAcquireRead : TraceOp::TryAcquire)
               : (read ? TraceOp::AcquireRead : TraceOp::Acquire),
        h.state(), c, obj, 0, pc);
}

inline void unlock(HookScope &h, const void *obj) {
  rt.engine.release(h.state(), reinterpret_cast<uint64_t>(obj));
  trace(TraceOp::Release, h.state(), kNoClass, obj);
}

// A wait on `obj` starts. Several calls before one blocking call make a
// wait on several objects (all of them, or any: `wait_all`); `live_key` is
// what signals of the object are noted under for live hangs.
inline void wait_before(HookScope &h, ClassId c, const void *obj, const void *released,
                        uint64_t pc, EdgeKind kind = EdgeKind::Wait, uint64_t live_key = 0,
                        bool wait_all = true, uint32_t signaller = 0) {
  UnwindStack st(rt.engine.stacks());
  rt.engine.wait_begin(h.state(), c, reinterpret_cast<uint64_t>(obj),
                       reinterpret_cast<uint64_t>(released), pc, st, kind, signaller,
                       h.ctx().timed_block);
  trace(kind == EdgeKind::WaitForSubmit ? TraceOp::WaitForSubmitBegin : TraceOp::WaitBegin,
        h.state(), c, obj, reinterpret_cast<uint64_t>(released), pc);
  if (__builtin_expect(watchdog_enabled, 0))
    block_note(h.ctx(), c, reinterpret_cast<uint64_t>(obj),
               live_key ? live_key : reinterpret_cast<uint64_t>(obj), pc, kind, wait_all,
               signaller);
  h.before_block();
}

inline void wait_after(HookScope &h, ClassId c, const void *obj, bool one_shot, uint64_t pc) {
  if (__builtin_expect(h.ctx().block_open, 0))
    block_end(h.ctx());
  rt.engine.wait_end(h.state(), c, reinterpret_cast<uint64_t>(obj), one_shot, pc);
  trace(TraceOp::WaitEnd, h.state(), c, obj, one_shot, pc);
}

// After wait_after: one more object of the same wait completed.
inline void wait_after_more(HookScope &h, ClassId c, const void *obj, bool one_shot,
                            uint64_t pc) {
  rt.engine.wait_end_more(h.state(), c, one_shot, pc);
  trace(TraceOp::WaitEnd, h.state(), c, obj, 2 | uint64_t(one_shot), pc);
}

inline void signal(HookScope &h, ClassId c, const void *obj, uint64_t pc,
                   uint64_t live_key = 0) {
  UnwindStack st(rt.engine.stacks());
  rt.engine.signal(h.state(), c, reinterpret_cast<uint64_t>(obj), pc, st);
  trace(TraceOp::Signal, h.state(), c, obj, 0, pc);
  if (__builtin_expect(watchdog_enabled, 0))
    note_signal(live_key ? live_key : reinterpret_cast<uint64_t>(obj), h.state().tid);
}

} // namespace fencedep::runtime
