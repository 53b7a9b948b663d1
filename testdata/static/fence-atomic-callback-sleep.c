// fence-atomic-callback-sleep: dma-fence callbacks and enable_signaling
// run with the fence's spinlock held and interrupts off.
#include <linux/delay.h>
#include <linux/dma-fence.h>
#include <linux/mutex.h>
#include <linux/slab.h>

struct hw_ring {
  struct mutex lock;
  spinlock_t irq_lock;
  int irq_enabled;
};

struct hw_fence {
  struct dma_fence base;
  struct hw_ring *ring;
};

static void ring_irq_get(struct hw_ring *ring) {
  mutex_lock(&ring->lock);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'mutex_lock' (a sleeping lock) may sleep in a dma-fence callback, which runs in atomic context with the fence lock held [fence-atomic-callback-sleep]
  // CHECK-MESSAGES: :[[@LINE+21]]:25: note: 'hw_enable_signaling' runs in atomic context: registered as dma_fence_ops.enable_signaling here
  // CHECK-MESSAGES: :[[@LINE+14]]:3: note: 'hw_enable_signaling' calls 'ring_irq_get' here
  ring->irq_enabled++;
  mutex_unlock(&ring->lock);
}

static void ring_irq_get_atomic(struct hw_ring *ring) {
  unsigned long flags;
  spin_lock_irqsave(&ring->irq_lock, flags);
  ring->irq_enabled++;
  spin_unlock_irqrestore(&ring->irq_lock, flags);
}

static bool hw_enable_signaling(struct dma_fence *f) {
  struct hw_fence *hf = container_of(f, struct hw_fence, base);
  ring_irq_get(hf->ring);
  ring_irq_get_atomic(hf->ring);
  return true;
}

static const struct dma_fence_ops hw_fence_ops = {
    .enable_signaling = hw_enable_signaling,
};

struct cb_data {
  struct dma_fence_cb cb;
  void *payload;
};

static void on_signal(struct dma_fence *f, struct dma_fence_cb *cb) {
  struct cb_data *d = container_of(cb, struct cb_data, cb);
  d->payload = kmalloc(16, GFP_KERNEL);
  // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: 'kmalloc' (an allocation with GFP_KERNEL) may sleep in a dma-fence callback{{.*}} [fence-atomic-callback-sleep]
  // CHECK-MESSAGES: :[[@LINE+14]]:44: note: 'on_signal' runs in atomic context: passed to dma_fence_add_callback() here
  msleep(1);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'msleep' may sleep in a dma-fence callback{{.*}} [fence-atomic-callback-sleep]
  // CHECK-MESSAGES: :[[@LINE+11]]:44: note: 'on_signal' runs in atomic context
  dma_fence_wait(f, false);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'dma_fence_wait' (a fence wait) may sleep in a dma-fence callback{{.*}} [fence-atomic-callback-sleep]
  // CHECK-MESSAGES: :[[@LINE+8]]:44: note: 'on_signal' runs in atomic context
  // Not sleeping: atomic allocations and trylocks.
  kfree(kmalloc(16, GFP_ATOMIC));
  if (mutex_trylock(&((struct hw_ring *)d->payload)->lock))
    mutex_unlock(&((struct hw_ring *)d->payload)->lock);
}

int arm_callback(struct dma_fence *f, struct cb_data *d) {
  return dma_fence_add_callback(f, &d->cb, on_signal);
}

// The same sleeping calls outside callbacks: no warning.
void process_context(struct hw_ring *ring) {
  mutex_lock(&ring->lock);
  msleep(1);
  mutex_unlock(&ring->lock);
}
