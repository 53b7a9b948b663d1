#ifndef _LINUX_SHRINKER_H
#define _LINUX_SHRINKER_H
#include <linux/gfp.h>
struct shrink_control {
  gfp_t gfp_mask;
  unsigned long nr_to_scan;
};
struct shrinker {
  unsigned long (*count_objects)(struct shrinker *, struct shrink_control *sc);
  unsigned long (*scan_objects)(struct shrinker *, struct shrink_control *sc);
  void *private_data;
};
struct shrinker *shrinker_alloc(unsigned int flags, const char *fmt, ...);
void shrinker_register(struct shrinker *shrinker);
#endif
