#ifndef _LINUX_DMA_FENCE_H
#define _LINUX_DMA_FENCE_H
#include <linux/spinlock.h>
#include <linux/types.h>

struct dma_fence;
struct dma_fence_cb;
typedef void (*dma_fence_func_t)(struct dma_fence *fence, struct dma_fence_cb *cb);

struct dma_fence_cb {
  dma_fence_func_t func;
};

struct dma_fence_ops {
  const char *(*get_driver_name)(struct dma_fence *fence);
  const char *(*get_timeline_name)(struct dma_fence *fence);
  bool (*enable_signaling)(struct dma_fence *fence);
  bool (*signaled)(struct dma_fence *fence);
  long (*wait)(struct dma_fence *fence, bool intr, long timeout);
  void (*release)(struct dma_fence *fence);
};

struct dma_fence {
  spinlock_t *lock;
  const struct dma_fence_ops *ops;
  u64 context;
  u64 seqno;
  unsigned long flags;
  int error;
};

enum dma_fence_flag_bits {
  DMA_FENCE_FLAG_SIGNALED_BIT,
  DMA_FENCE_FLAG_TIMESTAMP_BIT,
  DMA_FENCE_FLAG_ENABLE_SIGNAL_BIT,
  /* The 2023 long-running fence RFC. */
  DMA_FENCE_FLAG_LR_BIT,
  DMA_FENCE_FLAG_USER_BITS,
};

/* A declaration whose fences are long-running (fencedep's annotation). */
#define __dma_fence_lr __attribute__((annotate("dma_fence_lr")))

void dma_fence_init(struct dma_fence *fence, const struct dma_fence_ops *ops, spinlock_t *lock,
                    u64 context, u64 seqno);
struct dma_fence *dma_fence_get(struct dma_fence *fence);
void dma_fence_put(struct dma_fence *fence);
int dma_fence_signal(struct dma_fence *fence);
int dma_fence_signal_locked(struct dma_fence *fence);
long dma_fence_wait_timeout(struct dma_fence *fence, bool intr, long timeout);
/* As in the kernel: an inline wrapper around dma_fence_wait_timeout. */
static inline long dma_fence_wait(struct dma_fence *fence, bool intr) {
  long ret = dma_fence_wait_timeout(fence, intr, MAX_SCHEDULE_TIMEOUT);
  return ret < 0 ? ret : 0;
}
int dma_fence_add_callback(struct dma_fence *fence, struct dma_fence_cb *cb,
                           dma_fence_func_t func);
bool dma_fence_begin_signalling(void);
void dma_fence_end_signalling(bool cookie);
void dma_fence_set_error(struct dma_fence *fence, int error);
/* The RFC's helpers. */
void dma_fence_set_lr(struct dma_fence *fence);
bool dma_fence_is_lr(struct dma_fence *fence);
#endif
