#ifndef _LINUX_WORKQUEUE_H
#define _LINUX_WORKQUEUE_H
#include <linux/types.h>
struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);
struct work_struct {
  work_func_t func;
};
struct workqueue_struct;
#define INIT_WORK(w, f) ((w)->func = (f))
bool queue_work(struct workqueue_struct *wq, struct work_struct *work);
void flush_work(struct work_struct *work);
#endif
