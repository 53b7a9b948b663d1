#ifndef _LINUX_WORKQUEUE_H
#define _LINUX_WORKQUEUE_H
#include <linux/types.h>
/* Shaped like Linux 6.12: INIT_WORK assigns the work function through the
 * work item, INIT_DELAYED_WORK through its embedded work_struct, flags are
 * enumerators, alloc_ordered_workqueue is a macro over alloc_workqueue and
 * schedule_work queues on a system workqueue (no WQ_MEM_RECLAIM). */
struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);
struct work_struct {
  unsigned long data;
  work_func_t func;
};
struct timer_list {
  unsigned long expires;
};
struct delayed_work {
  struct work_struct work;
  struct timer_list timer;
};
struct workqueue_struct;

enum wq_flags {
  WQ_BH = 1 << 0,
  WQ_UNBOUND = 1 << 1,
  WQ_FREEZABLE = 1 << 2,
  WQ_MEM_RECLAIM = 1 << 3,
  WQ_HIGHPRI = 1 << 4,
  __WQ_ORDERED = 1 << 17,
};

#define __INIT_WORK(_work, _func)                                                            \
  do {                                                                                       \
    (_work)->data = 0;                                                                       \
    (_work)->func = (_func);                                                                 \
  } while (0)
#define INIT_WORK(_work, _func) __INIT_WORK((_work), (_func))
#define INIT_DELAYED_WORK(_work, _func)                                                      \
  do {                                                                                       \
    INIT_WORK(&(_work)->work, (_func));                                                      \
  } while (0)
#define __WORK_INITIALIZER(n, f) {.data = 0, .func = (f)}
#define DECLARE_WORK(n, f) struct work_struct n = __WORK_INITIALIZER(n, f)

extern struct workqueue_struct *system_wq;
extern struct workqueue_struct *system_unbound_wq;

struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags, int max_active,
                                         ...);
#define alloc_ordered_workqueue(fmt, flags, args...)                                         \
  alloc_workqueue(fmt, WQ_UNBOUND | __WQ_ORDERED | (flags), 1, ##args)
void destroy_workqueue(struct workqueue_struct *wq);

bool queue_work_on(int cpu, struct workqueue_struct *wq, struct work_struct *work);
bool queue_delayed_work_on(int cpu, struct workqueue_struct *wq, struct delayed_work *work,
                           unsigned long delay);
static inline bool queue_work(struct workqueue_struct *wq, struct work_struct *work) {
  return queue_work_on(-1, wq, work);
}
static inline bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
                                      unsigned long delay) {
  return queue_delayed_work_on(-1, wq, dwork, delay);
}
static inline bool schedule_work(struct work_struct *work) { return queue_work(system_wq, work); }
void flush_work(struct work_struct *work);
bool cancel_work_sync(struct work_struct *work);

struct kthread_work;
typedef void (*kthread_work_func_t)(struct kthread_work *work);
struct kthread_work {
  kthread_work_func_t func;
};
struct kthread_worker;
#define kthread_init_work(work, fn)                                                          \
  do {                                                                                       \
    (work)->func = (fn);                                                                     \
  } while (0)
bool kthread_queue_work(struct kthread_worker *worker, struct kthread_work *work);
#endif
