#include "lock_place.h"

#include "unwind/unwinder.h"

namespace fencedep::runtime {

__thread PlaceCache place_cache __attribute__((tls_model("initial-exec")));

namespace {

uint8_t byte_at(uint64_t a) { return *reinterpret_cast<const uint8_t *>(a); }

// Where a call or jump whose rel32 operand starts at `operand` leads: the
// target of E8/E9, the GOT slot of FF 15/FF 25.
uint64_t target_of_operand(uint64_t operand) {
  int32_t rel;
  __builtin_memcpy(&rel, reinterpret_cast<const void *>(operand), 4);
  return operand + 4 + int64_t(rel);
}

// What the call ending at `ret` calls (a direct call's target, an
// indirect one's GOT slot); 0 for other forms. `lo` bounds the bytes that
// may be read.
uint64_t callee_of(uint64_t ret, uint64_t lo) {
  if (ret >= lo + 5 && byte_at(ret - 5) == 0xe8)
    return target_of_operand(ret - 4);
  if (ret >= lo + 6 && byte_at(ret - 6) == 0xff && byte_at(ret - 5) == 0x15)
    return target_of_operand(ret - 4);
  return 0;
}

// True when the code in [from, end) calls or jumps to `callee` again: a
// function that takes a second lock of the same kind after this one is
// not a wrapper of the first. Read byte by byte, not decoded: a byte of
// another instruction taken for a call would need the next four to name
// the same target, which they do not by chance.
bool calls_again(uint64_t from, uint64_t end, uint64_t callee) {
  for (uint64_t a = from; a + 5 <= end; ++a) {
    uint8_t op = byte_at(a);
    if ((op == 0xe8 || op == 0xe9) && target_of_operand(a + 1) == callee)
      return true;
    if (op == 0xff && a + 6 <= end && (byte_at(a + 1) == 0x15 || byte_at(a + 1) == 0x25) &&
        target_of_operand(a + 2) == callee)
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
