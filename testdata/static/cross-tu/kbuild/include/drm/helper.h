#ifndef _DRM_HELPER_H
#define _DRM_HELPER_H
/* A shared helper whose ops table lives in its own file and whose commit is
 * a static inline of its header, as the shmem helper's free is: a header
 * function belongs to no module, but only drivers that use helper.c run it
 * through the ops table. */
#include <drm/core.h>
#include <linux/slab.h>

static inline int helper_commit(struct core_dev *dev) {
  void *p = kmalloc(32, GFP_KERNEL);
  kfree(p);
  return 0;
}

void helper_init(struct core_dev *dev);
#endif
