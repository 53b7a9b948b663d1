// A report as the printers see it: plain views with no ownership, so that the
// runtime can fill one from static scratch (no malloc) and the CLI from JSON.
#pragma once
#include <cstdint>

#include "fencedep/core/types.h"

namespace fencedep {

struct FrameView {
  uint64_t pc = 0;
  const char *module = nullptr;
  uint64_t offset = 0;
  const char *function = nullptr;
  const char *file = nullptr;
  uint32_t line = 0;
  uint32_t column = 0;
  // Data addresses (static objects): how far into the symbol `function`
  // the object lies (`g_state+0x40`).
  uint64_t symbol_offset = 0;
  // Set by symbolizers that read debug info: the line `function` starts on
  // (its declaration), and, when the code at pc was inlined, the frame it
  // was inlined into (the caller's view of the same pc). Reports name the
  // place of an acquisition by them (report_place).
  uint32_t function_line = 0;
  const FrameView *inlined_into = nullptr;
};

struct ClassView {
  uint64_t key = 0;
  ClassKind kind = ClassKind::Mutex;
  uint32_t flags = 0;
  const char *name = nullptr; // explicit name; else derived from kind + site
  FrameView site;
  // Set when another class of the same report would print the same name:
  // 1 adds the site's module offset, 2 the class key as well
  // (qualify_class_names).
  uint8_t qualify = 0;
  // class=instance: the object's address, shown after the site.
  uint64_t address = 0;
};

struct EdgeView {
  ClassView from;
  ClassView to;
  EdgeKind kind = EdgeKind::Acquire;
  bool src_read = false;
  bool dst_read = false;
  uint32_t pid = 0;
  uint32_t tid = 0;
  const char *trace = nullptr; // source trace (offline analysis)
  const FrameView *stack = nullptr;
  uint32_t nstack = 0;
  // Instance cycles: the objects this edge runs between, and where each was
  // created (site.pc == 0 when unknown).
  uint64_t from_inst = 0;
  uint64_t to_inst = 0;
  FrameView from_inst_site;
};

struct HeldView {
  ClassView cls;
  uint32_t index = 0; // its place in the thread's held set
  bool read = false;
  const char *label = nullptr; // context name
  FrameView at;
};

// Live hangs: what a blocked thread is blocked on.
struct BlockedOnView {
  ClassView cls;
  uint64_t instance = 0;
  EdgeKind how = EdgeKind::Wait; // Acquire (a lock), Wait or WaitForSubmit
  uint32_t owner_tid = 0;        // the lock's holder, or the object's last signaller
  // `owner_tid` alone can end it (the lock's holder, the thread joined),
  // rather than being the last thread seen signalling the object.
  bool definite = false;
};

// Live hangs: one blocked thread.
struct BlockedThreadView {
  static constexpr unsigned kMaxOn = 4;
  uint32_t tid = 0;
  uint64_t blocked_ms = 0;
  BlockedOnView on[kMaxOn];
  uint32_t non = 0;
  bool wait_all = true; // blocked until every object of `on` completes, else any
  FrameView at;         // the blocking call
  const HeldView *held = nullptr;
  uint32_t nheld = 0;
};

struct ReportView {
  ReportKind kind = ReportKind::LockOrder;
  uint32_t pid = 0;
  uint32_t tid = 0;
  const char *program = nullptr;
  // What the reporting context was doing when the problem was found.
  ClassView subject;
  EdgeKind subject_kind = EdgeKind::Acquire;
  bool subject_read = false;
  // Cycle reports: chain[0] is the new edge (held -> subject), then the
  // existing path back, so that chain forms subject -> ... -> held -> subject.
  const EdgeView *chain = nullptr;
  uint32_t nchain = 0;
  const HeldView *held = nullptr;
  uint32_t nheld = 0;
  uint32_t nheld_total = 0; // all the thread held; nheld of them are listed
  const FrameView *stack = nullptr;
  uint32_t nstack = 0;
  bool gated = false;
  ClassView gate;
  // Class-predicted: no instances seen close the cycle, objects of these
  // classes could.
  bool predicted = false;
  LrUse lr_use = LrUse::ResvAttach;
  ClassView lr_context; // the MM lock / context for wait violations
  const char *detail = nullptr;
  bool suppressed = false;
  // Live hangs: every thread blocked when the report was made; `stall`
  // when that is every thread of the process (none can signal the others).
  const BlockedThreadView *blocked = nullptr;
  uint32_t nblocked = 0;
  bool stall = false;
};

} // namespace fencedep
