// Stack walking for new edges and reports, skipping the runtime's own frames.
#pragma once
#include "fencedep/core/engine.h"
#include "fencedep/core/report_builder.h"

namespace fencedep::runtime {

void init_stack_capture();
const char *exe_path();

class UnwindStack final : public StackSource {
public:
  explicit UnwindStack(StackDepot &depot) : depot_(depot) {}
  StackId capture() override;

private:
  StackDepot &depot_;
  StackId cached_ = kNoStack;
  bool captured_ = false;
};

// Module + offset from the module table: what can be known inside the
// process without reading symbol tables, and without dladdr (which takes
// the dynamic linker's lock, one the host may hold while it waits for a
// lock of its own this thread holds). Names and lines come from
// llvm-symbolizer (external_symbolizer.h).
class ModuleSymbolizer final : public Symbolizer {
public:
  void symbolize(uint64_t pc, bool is_return, FrameView *out) override;
};

} // namespace fencedep::runtime
