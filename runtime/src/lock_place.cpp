#include "lock_place.h"

#include "unwind/unwinder.h"

namespace fencedep::runtime {

__thread PlaceCache place_cache __attribute__((tls_model("initial-exec")));

namespace {

// What the call ending at `ret` calls: the target of a direct call
// (E8 rel32), or the GOT slot of an indirect one (FF 15 disp32); 0 for
// other forms. `lo` bounds the bytes that may be read.
uint64_t callee_of(uint64_t ret, uint64_t lo) {
  int32_t rel;
  if (ret >= lo + 5 && *reinterpret_cast<const uint8_t *>(ret - 5) == 0xe8) {
    __builtin_memcpy(&rel, reinterpret_cast<const void *>(ret - 4), 4);
    return ret + int64_t(rel);
  }
  if (ret >= lo + 6 && *reinterpret_cast<const uint8_t *>(ret - 6) == 0xff &&
      *reinterpret_cast<const uint8_t *>(ret - 5) == 0x15) {
    __builtin_memcpy(&rel, reinterpret_cast<const void *>(ret - 4), 4);
    return ret + int64_t(rel);
  }
  return 0;
}

// True when the code in [from, end) calls (or jumps to) `callee` again:
// a function that takes a second lock of the same kind after this one is
// not a wrapper of the first. Read byte by byte, not decoded: a byte of
// another instruction taken for a call would need the next four to name
// the same target, which they do not by chance.
bool calls_again(uint64_t from, uint64_t end, uint64_t callee) {
  for (uint64_t a = from; a + 5 <= end; ++a) {
    uint8_t op = *reinterpret_cast<const uint8_t *>(a);
    if (op == 0xe8 && callee_of(a + 5, from) == callee)
      return true;
    if (op == 0xe9) {
      int32_t rel;
      __builtin_memcpy(&rel, reinterpret_cast<const void *>(a + 1), 4);
      if (a + 5 + int64_t(rel) == callee)
        return true;
    }
    if (op == 0xff && a + 6 <= end && *reinterpret_cast<const uint8_t *>(a + 1) == 0x15 &&
        callee_of(a + 6, from) == callee)
      return true;
  }
  return false;
}

bool in_wrapper(uint64_t pc) {
  uint64_t start, end;
  if (!function_range_of_return(pc, &start, &end) || pc <= start || pc > end)
    return false;
  // A direct call is 5 bytes, an indirect one through the GOT 6.
  uint64_t before = pc - start > 5 ? pc - start - 5 : 0;
  if (before > kWrapperBytesBefore || end - pc > kWrapperBytesAfter)
    return false;
  uint64_t callee = callee_of(pc, start);
  return !callee || !calls_again(pc, end, callee);
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
  constexpr unsigned kDepth = 6;
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
