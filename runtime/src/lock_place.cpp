#include "lock_place.h"

#include "unwind/unwinder.h"

namespace fencedep::runtime {

__thread PlaceCache place_cache __attribute__((tls_model("initial-exec")));

namespace {

bool in_wrapper(uint64_t pc) {
  uint64_t start, end;
  if (!function_range_of_return(pc, &start, &end) || pc <= start || pc > end)
    return false;
  // A direct call is 5 bytes, an indirect one through the GOT 6.
  uint64_t before = pc - start > 5 ? pc - start - 5 : 0;
  return before <= kWrapperBytesBefore && end - pc <= kWrapperBytesAfter;
}

bool cached_in_wrapper(uint64_t pc) {
  unsigned slot = PlaceCache::slot(pc);
  if (place_cache.pc[slot] == pc)
    return place_cache.wrapper[slot];
  bool w = in_wrapper(pc);
  place_cache.pc[slot] = pc;
  place_cache.wrapper[slot] = w;
  return w;
}

} // namespace

uint64_t lock_place_slow(uint64_t pc) {
  if (!pc || !cached_in_wrapper(pc))
    return pc;
  constexpr unsigned kDepth = 5;
  uint64_t pcs[kDepth];
  uint32_t n = capture_host_stack(pcs, kDepth);
  // The walk must start where the hook was called from; else (a frame it
  // cannot step through) the call site is all that is known.
  if (n < 2 || pcs[0] != pc)
    return pc;
  uint32_t i = 1;
  while (i + 1 < n && cached_in_wrapper(pcs[i]))
    ++i;
  return pcs[i];
}

} // namespace fencedep::runtime
