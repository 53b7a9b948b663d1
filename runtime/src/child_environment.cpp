#include "child_environment.h"

#include <unistd.h>

#include <cstring>

namespace fencedep::runtime {

void child_environment(char **out, unsigned cap) {
  unsigned n = 0;
  for (char **e = environ; e && *e && n + 1 < cap; ++e)
    if (strncmp(*e, "LD_PRELOAD=", 11) != 0 && strncmp(*e, "FENCEDEP_OPTIONS=", 17) != 0)
      out[n++] = *e;
  out[n] = nullptr;
}

} // namespace fencedep::runtime
