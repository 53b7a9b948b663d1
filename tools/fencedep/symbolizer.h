// Turns the module + offset of each frame in a report into function,
// file:line:column, using LLVM's symbolizer on the modules' debug info. The
// runtime only names functions (from the dynamic symbol table) because
// reading DWARF inside the process under test is neither cheap nor safe.
#pragma once
#include <memory>
#include <vector>

#include "report_json.h"

namespace fencedep::cli {

class Symbolizer {
public:
  explicit Symbolizer(StringPool &pool);
  ~Symbolizer();
  Symbolizer(const Symbolizer &) = delete;
  Symbolizer &operator=(const Symbolizer &) = delete;

  // Fills function, file, line and column; what the runtime gave stays when
  // the module has no debug info or cannot be read.
  // `is_return`: the address is a return address (look up the call before it).
  void frame(FrameView &f, bool is_return = true);
  // A static object's address: the data symbol it lies in (`g_state`, with
  // symbol_offset 0x40), none when the nearest symbol does not hold it.
  void data(FrameView &f);
  // A stack with each inlined call chain expanded into one frame per
  // function, innermost first, as the sanitizers print them.
  std::vector<FrameView> stack(const std::vector<FrameView> &in);
  // Every frame of a report: stacks, class sites, held-lock locations.
  void report(OwnedReport &r);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace fencedep::cli
