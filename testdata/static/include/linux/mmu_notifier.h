#ifndef _LINUX_MMU_NOTIFIER_H
#define _LINUX_MMU_NOTIFIER_H
#include <linux/mm.h>
struct mmu_notifier;
struct mmu_interval_notifier;
struct mmu_notifier_range {
  struct mm_struct *mm;
  unsigned long start, end;
};
struct mmu_notifier_ops {
  void (*release)(struct mmu_notifier *subscription, struct mm_struct *mm);
  int (*invalidate_range_start)(struct mmu_notifier *subscription,
                                const struct mmu_notifier_range *range);
  void (*invalidate_range_end)(struct mmu_notifier *subscription,
                               const struct mmu_notifier_range *range);
};
struct mmu_interval_notifier_ops {
  bool (*invalidate)(struct mmu_interval_notifier *interval_sub,
                     const struct mmu_notifier_range *range, unsigned long cur_seq);
};
struct mmu_interval_notifier {
  const struct mmu_interval_notifier_ops *ops;
};
void mmu_interval_set_seq(struct mmu_interval_notifier *interval_sub, unsigned long cur_seq);
#endif
