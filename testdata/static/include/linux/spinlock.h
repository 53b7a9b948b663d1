#ifndef _LINUX_SPINLOCK_H
#define _LINUX_SPINLOCK_H
#include <linux/types.h>
typedef struct spinlock {
  int rlock;
} spinlock_t;
void spin_lock_init(spinlock_t *lock);
void spin_lock(spinlock_t *lock);
void spin_unlock(spinlock_t *lock);
unsigned long _raw_spin_lock_irqsave(spinlock_t *lock);
void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags);
static inline spinlock_t *spinlock_check(spinlock_t *lock) { return lock; }
/* As in include/linux/spinlock.h: a macro over the raw lock function. */
#define spin_lock_irqsave(lock, flags)                                                         \
  do {                                                                                         \
    flags = _raw_spin_lock_irqsave(spinlock_check(lock));                                      \
  } while (0)
#endif
