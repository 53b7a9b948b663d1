/* The shared helper (built in): registers its header's commit. */
#include <drm/helper.h>

static const struct core_commit_funcs helper_funcs = {
    .commit = helper_commit,
};

void helper_init(struct core_dev *dev) { dev->funcs = &helper_funcs; }
