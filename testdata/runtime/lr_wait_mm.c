// Long-running fence waited on inside a memory-management context (a
// shrinker): reported at once, no cycle needed. Waiting on an ordinary fence
// in the same context, and on the long-running fence outside it, is fine and
// must not be reported.
//
// Sequencing: the completion thread signals both fences and is joined before
// anyone waits, so every wait returns at once.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: long-running fence misuse detected
// CHECK: long-running fence lr_job was waited on inside a memory-reclaim context:
// CHECK: SUMMARY: fencedep: lr-violation long-running fence lr_job waited on inside a memory-reclaim context (reclaim) (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "scenario.h"

struct fence {
  atomic_int signalled;
};

static struct fence lr_job, dma_job;

static void fence_wait(struct fence *f) {
  fencedep_fence_wait_begin(f);
  await_flag(&f->signalled, 1);
  fencedep_fence_wait_end(f);
}

static void fence_signal(struct fence *f) {
  fencedep_fence_signal(f);
  set_flag(&f->signalled, 1);
}

static void *completion(void *arg) {
  fence_signal(&lr_job);
  fence_signal(&dma_job);
  return NULL;
}

static void *shrinker(void *arg) {
  fencedep_mm_context_begin("shrinker");
  fence_wait(&lr_job); // the violation
  fencedep_mm_context_end();

  fencedep_mm_context_begin("shrinker");
  fence_wait(&dma_job); // control: not long-running
  fencedep_mm_context_end();

  fence_wait(&lr_job); // control: not in an MM context
  return NULL;
}

int main(void) {
  fencedep_fence_init(&lr_job, "lr_job", FENCEDEP_FENCE_LONG_RUNNING);
  fencedep_fence_init(&dma_job, "dma_job", 0);

  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, completion, NULL));
  CHECK_PT(pthread_join(t, NULL));
  CHECK_PT(pthread_create(&t, NULL, shrinker, NULL));
  CHECK_PT(pthread_join(t, NULL));
  return 0;
}
