// The event vocabulary of native traces (docs/trace-format.md). The runtime
// writes these; offline analysis replays them into the same Engine.
#pragma once
#include <cstdint>

#include "fencedep/core/types.h"

namespace fencedep {

enum class TraceOp : uint8_t {
  Acquire = 1,
  AcquireRead,
  TryAcquire,
  TryAcquireRead,
  Release,
  WaitBegin,    // arg: the mutex a condvar wait releases
  WaitEnd,      // arg: bit 0 one-shot object; bit 1 another object of the same
                // completed wait (the window is not reset again)
  Signal,       // arg: bit 0 a submission that the GPU completes (Engine::submit)
  SectionBegin, // arg: cookie
  SectionEnd,   // arg: cookie
  MmBegin,
  MmEnd,
  MightReclaim,
  Await,        // object: fence, arg: dependency instance; class2 in the record
  FenceInit,    // arg: flags
  ResvAttach,   // arg: resv
  Export,
  ThreadStart,  // arg: parent tid
  ThreadExit,
  WaitForSubmitBegin, // a wait-begin on a fence not submitted yet (EdgeKind::WaitForSubmit)
  Count_
};

struct TraceEvent {
  TraceOp op;
  uint32_t tid;
  ClassId cls;
  uint64_t object;
  uint64_t arg;
  uint64_t pc;
  ClassId cls2 = kNoClass; // Await: the dependency's class
};

const char *trace_op_name(TraceOp op);

} // namespace fencedep
