// The runtime's own stack walker. It never calls the host's unwinder
// (libgcc_s or libunwind may be the very code the host thread is inside,
// holding their locks) nor the dynamic linker's locks: the runtime's own
// frames are walked by frame pointer, the host's by the call frame
// information of each module (.eh_frame), falling back to the frame
// pointer where a module has none (JIT code). Every stack read is bounds-
// checked against the thread's stack.
#pragma once
#include <cstdint>

namespace fencedep::runtime {

// Sets the calling thread's stack top; threads the runtime starts and the
// main thread call it before any capture.
void set_thread_stack_top(uint64_t top);
void init_unwinder();

// Walks the host's frames above the runtime's own, innermost first, one at
// a time, so that a caller who needs only the first few pays for those.
class HostStackWalker {
public:
  HostStackWalker();
  // The next return address; false at the outermost frame or where the
  // walk cannot go on.
  bool next(uint64_t *pc);

private:
  uint64_t lo_, hi_;   // readable stack
  uint64_t pc_, sp_, fp_;
  bool started_ = false;
  bool done_ = false;
};

// Return addresses of the host frames above the runtime, innermost first:
// pcs[0] is where the host called the interposed function. Returns how
// many were written (at most `max`).
uint32_t capture_host_stack(uint64_t *pcs, uint32_t max);

// The entry address of the function holding code address `pc` (a return
// address: looked up at pc - 1), from its module's unwind table; 0 when
// unknown.
uint64_t function_start_of_return(uint64_t pc);

} // namespace fencedep::runtime
