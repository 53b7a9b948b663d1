// fence-lr-resv-attach through struct fields: a fence field made
// long-running anywhere (a marker call on it, or a long-running fence
// stored into it) is long-running wherever that field is read. The field
// is keyed by record type and field path, so one function may mark it and
// another, elsewhere, attach it.
#include <linux/dma-resv.h>

struct lr_ctx {
  struct dma_fence lr_done;
  struct dma_fence *cur;
  struct dma_fence *plain;
  struct dma_resv *resv;
};

void lr_ctx_init(struct lr_ctx *ctx) { dma_fence_set_lr(&ctx->lr_done); }

static struct dma_fence *lr_fence_create(void) {
  static struct dma_fence f;
  dma_fence_set_lr(&f);
  return &f;
}

void lr_ctx_arm(struct lr_ctx *ctx) {
  ctx->cur = lr_fence_create();
  ctx->plain = dma_fence_get(ctx->plain);
}

void lr_ctx_publish(struct lr_ctx *ctx) {
  dma_resv_add_fence(ctx->resv, &ctx->lr_done, DMA_RESV_USAGE_BOOKKEEP);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: long-running fence attached to a reservation object by 'dma_resv_add_fence'{{.*}} [fence-lr-resv-attach]
  // CHECK-MESSAGES: :[[@LINE-16]]:40: note: the fence is long-running: marked long-running by 'dma_fence_set_lr()' (field 'lr_ctx.lr_done', long-running wherever it is read)
  dma_resv_add_fence(ctx->resv, ctx->cur, DMA_RESV_USAGE_BOOKKEEP);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: long-running fence attached to a reservation object by 'dma_resv_add_fence'{{.*}} [fence-lr-resv-attach]
  // CHECK-MESSAGES: :[[@LINE-15]]:3: note: the fence is long-running: marked long-running by 'dma_fence_set_lr()', and returned by 'lr_fence_create' (field 'lr_ctx.cur', long-running wherever it is read)
  // An ordinary field of the same record: no warning.
  dma_resv_add_fence(ctx->resv, ctx->plain, DMA_RESV_USAGE_BOOKKEEP);
}
