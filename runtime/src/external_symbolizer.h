// File:line symbolization for reports printed by the runtime itself, the way
// the sanitizers do it: frames are first named with dladdr, then all of a
// report's addresses go to one llvm-symbolizer process. The child is started
// with _Fork + execve and talked to over pipes: no malloc, no atfork
// handlers, so it is safe even when the report is printed from inside a
// host allocator that locks.
#pragma once
#include "fencedep/core/report_builder.h"

namespace fencedep::runtime {

// Finds llvm-symbolizer (FENCEDEP_SYMBOLIZER, then the usual paths); false
// when there is none or symbolization is off.
bool external_symbolizer_init(const char *path_override);

class RecordingSymbolizer final : public Symbolizer {
public:
  // First pass: names every frame with dladdr and remembers the query.
  void symbolize(uint64_t pc, bool is_return, FrameView *out) override;
  // Runs llvm-symbolizer over the recorded queries.
  void resolve();
  // Second pass: what llvm-symbolizer said, dladdr's answer otherwise.
  bool replaying = false;
  void reset();
};

} // namespace fencedep::runtime
