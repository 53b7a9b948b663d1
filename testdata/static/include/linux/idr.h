#ifndef _LINUX_IDR_H
#define _LINUX_IDR_H
#include <linux/gfp.h>
struct idr {
  int next;
};
void idr_preload(gfp_t gfp_mask);
void idr_preload_end(void);
int idr_alloc_cyclic(struct idr *idr, void *ptr, int start, int end, gfp_t gfp);
#endif
