// File:line symbolization for reports printed by the runtime itself, the way
// the sanitizers do it: frames are first named by module and offset, then
// all of a report's addresses go to one llvm-symbolizer process. The child is started
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
  // First pass: names every frame by module + offset and remembers the
  // query.
  void symbolize(uint64_t pc, bool is_return, FrameView *out) override;
  // Runs llvm-symbolizer over the recorded queries.
  void resolve();
  // Second pass: what llvm-symbolizer said, module + offset otherwise.
  bool replaying = false;
  void reset();
  // Modules whose code addresses got no file:line in the last resolve() and
  // were not returned by an earlier call: binaries without debug info, to
  // say once which ones and how to get it. Returns how many it wrote.
  unsigned new_modules_without_symbols(const char **out, unsigned max);
};

} // namespace fencedep::runtime
