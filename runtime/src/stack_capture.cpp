#include "stack_capture.h"

#include <dlfcn.h>
#include <link.h>
#include <unwind.h>

namespace fencedep::runtime {

static uint64_t self_lo, self_hi;

static int find_self(struct dl_phdr_info *info, size_t, void *) {
  uint64_t probe = reinterpret_cast<uint64_t>(&init_stack_capture);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr) &ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD)
      continue;
    uint64_t lo = info->dlpi_addr + ph.p_vaddr, hi = lo + ph.p_memsz;
    if (probe >= lo && probe < hi) {
      self_lo = lo;
      self_hi = hi;
      return 1;
    }
  }
  return 0;
}

void init_stack_capture() {
  dl_iterate_phdr(find_self, nullptr);
  // The unwinder initialises itself (and may allocate) on first use; do it
  // now, outside any hook.
  _Unwind_Backtrace([](struct _Unwind_Context *, void *) { return _URC_END_OF_STACK; },
                    nullptr);
}

namespace {
struct Walk {
  uint64_t pcs[kMaxFrames];
  uint32_t n = 0;
};
} // namespace

static _Unwind_Reason_Code on_frame(struct _Unwind_Context *ctx, void *arg) {
  Walk *w = static_cast<Walk *>(arg);
  uint64_t pc = _Unwind_GetIP(ctx);
  if (!pc)
    return _URC_END_OF_STACK;
  // The runtime's own frames (hooks, the thread trampoline) say nothing
  // about the program.
  if (pc >= self_lo && pc < self_hi)
    return _URC_NO_REASON;
  w->pcs[w->n++] = pc;
  return w->n == kMaxFrames ? _URC_END_OF_STACK : _URC_NO_REASON;
}

StackId UnwindStack::capture() {
  // One event may need the stack for several new edges: walk once.
  if (captured_)
    return cached_;
  Walk w;
  _Unwind_Backtrace(on_frame, &w);
  captured_ = true;
  cached_ = depot_.put(w.pcs, w.n);
  return cached_;
}

void DladdrSymbolizer::symbolize(uint64_t pc, bool is_return, FrameView *out) {
  out->pc = pc;
  Dl_info info;
  uint64_t lookup = is_return && pc ? pc - 1 : pc;
  if (!dladdr(reinterpret_cast<void *>(lookup), &info))
    return;
  // The main program's name comes back as typed on the command line; tools
  // reading the report later need the real path.
  out->module = info.dli_fname && info.dli_fname[0] == '/' ? info.dli_fname : exe_path();
  out->offset = pc - reinterpret_cast<uint64_t>(info.dli_fbase);
  out->function = info.dli_sname;
}

} // namespace fencedep::runtime
