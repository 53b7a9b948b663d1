#ifndef _LINUX_SCHED_MM_H
#define _LINUX_SCHED_MM_H
#include <linux/gfp.h>
void fs_reclaim_acquire(gfp_t gfp_mask);
void fs_reclaim_release(gfp_t gfp_mask);
#endif
