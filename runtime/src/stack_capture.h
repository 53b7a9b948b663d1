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

// Module + symbol via dladdr: what can be known inside the process without
// debug-info parsing. `fencedep run` re-symbolizes to file:line.
class DladdrSymbolizer final : public Symbolizer {
public:
  void symbolize(uint64_t pc, bool is_return, FrameView *out) override;
};

} // namespace fencedep::runtime
