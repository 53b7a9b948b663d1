// DWARF call frame information (.eh_frame, found through .eh_frame_hdr's
// sorted table) for x86-64: how to find a frame's caller from its pc, stack
// pointer and frame pointer. Only what compilers emit for ordinary code is
// understood (CFA = rsp or rbp + offset; return address and rbp saved at
// CFA-relative slots); anything else (CFA expressions, signal frames) says
// "unknown" and the walk stops or falls back to the frame pointer.
#pragma once
#include <cstdint>

namespace fencedep::runtime {

// Where a function's frame keeps what its caller needs, at one pc.
struct FrameRule {
  uint64_t function_start = 0; // the FDE's first pc: the function's entry
  uint8_t cfa_reg = 0;         // DWARF register: 7 = rsp, 6 = rbp
  int64_t cfa_offset = 0;
  int64_t ra_offset = 0;       // return address at CFA + ra_offset
  bool rbp_saved = false;      // rbp at CFA + rbp_offset; else unchanged
  int64_t rbp_offset = 0;
};

// Finds the FDE covering `pc` through the module's .eh_frame_hdr table and
// runs its CFA program up to `pc`. False when there is no FDE or its rules
// are not ones this unwinder follows.
bool find_frame_rule(const uint8_t *eh_frame_hdr, uint64_t pc, FrameRule *out);

// Only the FDE lookup: the entry address of the function holding `pc`.
bool find_function_start(const uint8_t *eh_frame_hdr, uint64_t pc, uint64_t *start);
// The same, with the end of the function's code ([start, end)).
bool find_function_range(const uint8_t *eh_frame_hdr, uint64_t pc, uint64_t *start,
                         uint64_t *end);

} // namespace fencedep::runtime
