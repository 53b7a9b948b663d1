#include "stack_capture.h"

#include <dlfcn.h>

#include "unwind/unwinder.h"

namespace fencedep::runtime {

void init_stack_capture() { init_unwinder(); }

StackId UnwindStack::capture() {
  // One event may need the stack for several new edges: walk once.
  if (captured_)
    return cached_;
  uint64_t pcs[kMaxFrames];
  uint32_t n = capture_host_stack(pcs, kMaxFrames);
  captured_ = true;
  cached_ = depot_.put(pcs, n);
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
