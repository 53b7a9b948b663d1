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
// The stack slots a walk read. A walk that starts from the same host frame
// (pc, sp, fp) and finds the same values in the same slots is the same
// walk: a caller that walks from one place over and over can check a few
// words instead of stepping frames again (creation_sites.cpp).
struct StackReadLog {
  static constexpr unsigned kMax = 24;
  uint64_t addr[kMax];
  uint64_t value[kMax];
  unsigned n;     // set both before a walk: the log is plain data, so that
  bool overflow;  // it can live in initial-exec TLS
  void clear() {
    n = 0;
    overflow = false;
  }
  bool unchanged() const {
    for (unsigned i = 0; i < n; ++i)
      if (*reinterpret_cast<const uint64_t *>(addr[i]) != value[i])
        return false;
    return !overflow;
  }
};

class HostStackWalker {
public:
  explicit HostStackWalker(StackReadLog *log = nullptr);
  // The next return address; false at the outermost frame or where the
  // walk cannot go on.
  bool next(uint64_t *pc);
  // The host frame the walk starts from (all 0 when there is none).
  void start(uint64_t *pc, uint64_t *sp, uint64_t *fp) const {
    *pc = pc_;
    *sp = sp_;
    *fp = fp_;
  }

private:
  uint64_t lo_, hi_;   // readable stack
  uint64_t pc_ = 0, sp_ = 0, fp_ = 0;
  StackReadLog *log_;
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
// The code range [start, end) of that function; false when unknown.
bool function_range_of_return(uint64_t pc, uint64_t *start, uint64_t *end);

} // namespace fencedep::runtime
