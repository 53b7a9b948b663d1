// The model's events as offline readers produce them: one vocabulary for
// every input format (kernel trace text, RAPID's STD, native traces), so that
// the engine feeder, the timeline and the fuzzers see one stream. Each event
// maps onto one Engine call (engine.h); the last few only draw the timeline.
#pragma once
#include <cstdint>
#include <string_view>

#include "fencedep/core/types.h"

namespace fencedep {

enum class ModelOp : uint8_t {
  Acquire,         // cls, inst, read, is_try: a lock taken
  AcquireBegin,    // cls, inst, read: a blocking acquire requested (edges now)
  AcquireEnd,      // cls, inst, read: ... and granted
  Release,         // inst
  WaitBegin,       // cls, inst; inst2: the mutex a condvar wait gives up
  WaitEnd,         // cls, inst, one_shot
  Signal,          // cls, inst
  SectionBegin,    // cls, inst: signalling section of fence class cls
  SectionEnd,      // cls
  MmBegin,         // label: reclaim / MM-callback context entered
  MmEnd,           //
  MightReclaim,    // an allocation that may enter reclaim
  Await,           // fence cls/inst will not signal before cls2/inst2
  FenceInit,       // inst (re)initialised
  ResvAttach,      // cls, inst
  Export,          // cls, inst
  ContextReset,    // the thread starts afresh, holding nothing (a new interrupt)
  // Timeline only: no Engine call.
  ContentionBegin, // cls (or none), inst: blocked on a contended lock
  ContentionEnd,   // inst
  JobRun,          // cls, inst: a GPU job started running
  JobDone,         // cls, inst: ... and finished
};

struct ModelEvent {
  ModelOp op = ModelOp::Acquire;
  bool read = false;
  bool is_try = false;
  bool one_shot = false;
  bool derived = false; // replayed by a reader for its edges: not drawn on timelines
  uint32_t trace = 0; // 1-based input index
  uint32_t pid = 0;   // process (kernel: thread group), 0 when unknown
  uint32_t tid = 0;   // thread / task / interrupt context
  uint64_t ts_ns = 0;
  ClassId cls = kNoClass;
  ClassId cls2 = kNoClass;
  uint64_t inst = 0;
  uint64_t inst2 = 0;
  uint64_t pc = 0;    // code address, or a text-trace location (text_location)
  const char *label = nullptr;
};

// Receives events in input order; per thread that is program order.
class ModelSink {
public:
  virtual ~ModelSink() = default;
  virtual void event(const ModelEvent &e) = 0;
  // A thread's name as the input gives it (kernel task comm, STD thread).
  virtual void thread_name(uint32_t trace, uint32_t pid, uint32_t tid, std::string_view name) {}
};

// A location in a text trace, used where native traces have a code address:
// an edge's "stack" is the line it came from. The top bit keeps these apart
// from real addresses.
inline constexpr uint64_t kTextLocationTag = 1ull << 63;
inline uint64_t text_location(uint32_t trace, uint64_t line) {
  return kTextLocationTag | (uint64_t(trace & 0x7fffff) << 40) | (line & ((1ull << 40) - 1));
}
inline bool is_text_location(uint64_t pc) { return pc & kTextLocationTag; }
inline uint32_t text_location_trace(uint64_t pc) { return uint32_t(pc >> 40) & 0x7fffff; }
inline uint64_t text_location_line(uint64_t pc) { return pc & ((1ull << 40) - 1); }

} // namespace fencedep
