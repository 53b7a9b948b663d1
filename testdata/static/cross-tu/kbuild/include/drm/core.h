#ifndef _DRM_CORE_H
#define _DRM_CORE_H
#include <linux/types.h>
#ifndef CONFIG_DRM_CORE
#error "kconfig.h was not included: -include resolved against the wrong directory"
#endif
struct core_dev;
/* One ops table every driver implements: the shared core calls through it
 * for whichever device it is given. */
struct core_commit_funcs {
  int (*commit)(struct core_dev *dev);
};
struct core_dev {
  const struct core_commit_funcs *funcs;
};
int core_commit(struct core_dev *dev);
#endif
