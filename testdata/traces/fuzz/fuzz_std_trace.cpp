// libFuzzer target: RAPID STD text through the STD reader and the engine.
#include <cstddef>
#include <cstdint>

#include "fencedep/core/engine_feeder.h"
#include "fencedep/core/std_trace.h"
#include "fuzz_engine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace fencedep;
  Engine &engine = fuzz_engine();
  EngineFeeder feeder(engine);
  feeder.begin_trace(1, /*signal_window=*/true);
  ReaderContext ctx;
  ctx.engine = &engine;
  ctx.sink = &feeder;
  ctx.name = "fuzz";
  (void)read_std_trace(reinterpret_cast<const char *>(data), size, ctx);
  fuzz_drain(engine);
  return 0;
}
