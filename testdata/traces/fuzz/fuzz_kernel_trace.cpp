// libFuzzer target: kernel trace text (any dialect) through format detection,
// the kernel reader and the engine, as `fencedep analyze` reads it.
#include <cstddef>
#include <cstdint>

#include "fencedep/core/engine_feeder.h"
#include "fencedep/core/kernel_trace.h"
#include "fencedep/core/trace_detect.h"
#include "fuzz_engine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace fencedep;
  const char *text = reinterpret_cast<const char *>(data);
  (void)detect_trace_format(text, size);
  Engine &engine = fuzz_engine();
  EngineFeeder feeder(engine);
  feeder.begin_trace(1, /*signal_window=*/false);
  ReaderContext ctx;
  ctx.engine = &engine;
  ctx.sink = &feeder;
  ctx.name = "fuzz";
  ctx.strict = size > 0 && (data[size - 1] & 1);
  (void)read_kernel_trace(text, size, ctx);
  fuzz_drain(engine);
  return 0;
}
