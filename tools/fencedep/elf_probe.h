// Just enough ELF reading to tell whether LD_PRELOAD can reach a program and
// how its code addresses map to the addresses in its debug info.
#pragma once
#include <string>

namespace fencedep::cli {

struct ElfInfo {
  bool is_elf = false;
  bool is_64 = false;
  bool fixed_address = false; // ET_EXEC: code runs at its link-time addresses
  bool has_interp = false;    // PT_INTERP: started by the dynamic loader
  bool has_dynamic = false;   // PT_DYNAMIC
};

// False when the file cannot be read; a readable non-ELF file (a script)
// gives true with is_elf false.
bool probe_elf(const std::string &path, ElfInfo *out);

// Only the dynamic loader honours LD_PRELOAD. Without PT_INTERP nothing
// loads it: plain static and static-pie programs alike.
inline bool is_static_elf(const ElfInfo &e) { return e.is_elf && !e.has_interp; }

} // namespace fencedep::cli
