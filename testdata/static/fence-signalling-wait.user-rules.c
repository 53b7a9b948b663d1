// fence-signalling-wait with a driver's own rule file (RulesFiles option,
// set in a .clang-tidy configuration): its wait function and its ops table
// are vocabulary, added to the default rules without rebuilding.
// TIDY-CONFIG: rules/mydrv.clang-tidy
#include <linux/dma-fence.h>

struct mydrv_engine;
struct mydrv_engine_ops {
  int (*submit)(struct mydrv_engine *e);
};
void mydrv_fence_wait(struct dma_fence *f);
extern struct dma_fence *mydrv_last;

static int engine_submit(struct mydrv_engine *e) {
  mydrv_fence_wait(mydrv_last);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: fence wait 'mydrv_fence_wait' on a dma-fence signalling path{{.*}} [fence-signalling-wait]
  // CHECK-MESSAGES: :[[@LINE+8]]:15: note: 'engine_submit' is on a dma-fence signalling path: registered as mydrv_engine_ops.submit here
  // The default rules still apply.
  dma_fence_wait(mydrv_last, false);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: fence wait 'dma_fence_wait' on a dma-fence signalling path{{.*}} [fence-signalling-wait]
  return 0;
}

const struct mydrv_engine_ops engine_ops = {
    .submit = engine_submit,
};
