// The environment of the helper processes the runtime starts
// (llvm-symbolizer): the host's, without what would preload the runtime
// into them again.
#pragma once

namespace fencedep::runtime {

// Fills `out` (room for `cap` pointers, the last one the terminating null)
// from `environ`, leaving out LD_PRELOAD and FENCEDEP_OPTIONS. No
// allocation: callable between fork and exec.
void child_environment(char **out, unsigned cap);

} // namespace fencedep::runtime
