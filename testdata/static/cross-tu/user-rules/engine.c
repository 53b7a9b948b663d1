// A driver's own API, known only through its rule file
// (testdata/static/rules/mydrv.yaml, passed with --rules).
// CHECK: engine.c:[[@LINE+21]]:3: warning: fence wait 'mydrv_fence_wait' on a dma-fence signalling path{{.*}} [fence-signalling-wait]
// CHECK: engine.c:[[@LINE+27]]:15: note: 'engine_submit' is on a dma-fence signalling path: registered as mydrv_engine_ops.submit here
// CHECK: engine.c:[[@LINE+20]]:13: warning: allocation with GFP_KERNEL ('mydrv_pool_alloc') may enter memory reclaim{{.*}} [fence-signalling-alloc]
// Without the rule file nothing here is vocabulary:
// NORULES-NOT: warning:
// NORULES: fencedep check: 1 translation unit(s), 0 finding(s)
// Bad rule files stop the run with the file, line and column:
// BADKEY: {{.*}}bad-key.yaml:5:7: error: unknown key 'fence-arg'
// BADSYNTAX: {{.*}}bad-syntax.yaml:4:1: error: Expected , between entries!
// BADCONTEXT: {{.*}}bad-context.yaml:5:9: error: a context is either {ops, field} or {function, arg}
#include <linux/slab.h>

struct mydrv_engine;
struct mydrv_engine_ops {
  int (*submit)(struct mydrv_engine *e);
};
void mydrv_fence_wait(struct dma_fence *f);
void *mydrv_pool_alloc(struct mydrv_engine *e, gfp_t gfp);
extern struct dma_fence *mydrv_last;

static int engine_submit(struct mydrv_engine *e) {
  mydrv_fence_wait(mydrv_last);
  void *p = mydrv_pool_alloc(e, GFP_KERNEL);
  kfree(p);
  return 0;
}

const struct mydrv_engine_ops engine_ops = {
    .submit = engine_submit,
};
