#include "modules.h"

#include <dlfcn.h>
#include <link.h>

#include <cstring>

#include "fencedep/core/address_map.h"
#include "fencedep/core/raw_memory.h"

namespace fencedep::runtime {

namespace {
const char *main_path = "?";
uint64_t self_start, self_end;
// link_map -> interned path. A link_map's name lives only while the module
// is loaded; classes and reports keep the path for the whole run.
AddressMap paths;
Arena path_strings;
} // namespace

void init_modules(const char *exe_path) {
  if (exe_path && exe_path[0])
    main_path = path_strings.copy_string(exe_path);
  paths.init(1u << 12);
  struct dl_find_object self;
  if (_dl_find_object(reinterpret_cast<void *>(&init_modules), &self) == 0) {
    self_start = reinterpret_cast<uint64_t>(self.dlfo_map_start);
    self_end = reinterpret_cast<uint64_t>(self.dlfo_map_end);
  }
}

bool in_runtime(uint64_t pc) { return pc >= self_start && pc < self_end; }

static const char *module_path(const struct link_map *lm) {
  if (!lm)
    return main_path;
  uint64_t key = reinterpret_cast<uint64_t>(lm) ^ mix64(reinterpret_cast<uint64_t>(lm->l_name));
  uint64_t v;
  if (paths.find(key, &v))
    return reinterpret_cast<const char *>(v);
  // The executable's entry has an empty name; a name without a slash is the
  // vDSO's or one the loader was given relative.
  const char *name = lm->l_name && lm->l_name[0] ? lm->l_name : main_path;
  const char *copy = path_strings.copy_string(name);
  bool inserted;
  return reinterpret_cast<const char *>(
      paths.put_if_absent(key, reinterpret_cast<uint64_t>(copy), &inserted));
}

bool find_module(uint64_t addr, ModuleRef *out) {
  struct dl_find_object fo;
  if (_dl_find_object(reinterpret_cast<void *>(addr), &fo) != 0)
    return false;
  out->start = reinterpret_cast<uint64_t>(fo.dlfo_map_start);
  out->end = reinterpret_cast<uint64_t>(fo.dlfo_map_end);
  out->bias = fo.dlfo_link_map ? fo.dlfo_link_map->l_addr : 0;
  out->eh_frame_hdr = static_cast<const uint8_t *>(fo.dlfo_eh_frame);
  out->path = module_path(fo.dlfo_link_map);
  return true;
}

} // namespace fencedep::runtime
