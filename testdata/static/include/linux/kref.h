#ifndef _LINUX_KREF_H
#define _LINUX_KREF_H
#include <linux/types.h>
struct kref {
  int refcount;
};
bool refcount_dec_and_test(int *r);
/* As in the kernel: the release function is called through a parameter. */
static inline int kref_put(struct kref *kref, void (*release)(struct kref *kref)) {
  if (refcount_dec_and_test(&kref->refcount)) {
    release(kref);
    return 1;
  }
  return 0;
}
#endif
