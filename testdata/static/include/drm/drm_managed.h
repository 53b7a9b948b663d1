#ifndef _DRM_MANAGED_H
#define _DRM_MANAGED_H
#include <linux/types.h>
/* As in the kernel: the macro passes the action's name; the registration
 * allocates a devres node with GFP_KERNEL. */
struct drm_device;
typedef void (*drmres_release_t)(struct drm_device *dev, void *res);
int __drmm_add_action_or_reset(struct drm_device *dev, drmres_release_t action, void *data,
                               const char *name);
#define drmm_add_action_or_reset(dev, action, data)                                          \
  __drmm_add_action_or_reset(dev, action, data, #action)
#endif
