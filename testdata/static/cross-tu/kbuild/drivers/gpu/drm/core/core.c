/* The shared core (built in): calls the driver's commit through its ops. */
#include <drm/core.h>

int core_commit(struct core_dev *dev) { return dev->funcs->commit(dev); }
