#include "stack_capture.h"

#include "unwind/modules.h"
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

void ModuleSymbolizer::symbolize(uint64_t pc, bool is_return, FrameView *out) {
  out->pc = pc;
  ModuleRef m;
  if (!pc || !find_module(is_return ? pc - 1 : pc, &m))
    return;
  out->module = m.path;
  out->offset = pc - m.bias;
}

} // namespace fencedep::runtime
