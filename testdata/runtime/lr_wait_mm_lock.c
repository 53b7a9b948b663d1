// Long-running fence waited on while holding a lock whose class is flagged
// FENCEDEP_CLASS_MM (an mmap_lock analogue): reported at once, no cycle
// needed. Waiting on it under an ordinary lock, and on an ordinary fence
// under the MM lock, is fine and must not be reported.
//
// Sequencing: the completion thread signals both fences and is joined before
// anyone waits, so every wait returns at once.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: long-running fence misuse detected
// CHECK: long-running fence lr_job was waited on while holding a memory-management lock:
// CHECK: SUMMARY: fencedep: lr-violation long-running fence lr_job waited on while holding a memory-management lock (mm_lock) (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "scenario.h"

struct fence {
  atomic_int signalled;
};

static struct fence lr_job, dma_job;
static pthread_mutex_t mm_lock, plain_lock;

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

static void *fault_handler(void *arg) {
  CHECK_PT(pthread_mutex_lock(&mm_lock));
  fence_wait(&lr_job); // the violation
  CHECK_PT(pthread_mutex_unlock(&mm_lock));

  CHECK_PT(pthread_mutex_lock(&mm_lock));
  fence_wait(&dma_job); // control: not long-running
  CHECK_PT(pthread_mutex_unlock(&mm_lock));

  CHECK_PT(pthread_mutex_lock(&plain_lock));
  fence_wait(&lr_job); // control: not an MM lock
  CHECK_PT(pthread_mutex_unlock(&plain_lock));
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&mm_lock, NULL));
  CHECK_PT(pthread_mutex_init(&plain_lock, NULL));
  fencedep_set_class_flags(&mm_lock, "mm_lock", FENCEDEP_CLASS_MM);
  fencedep_set_class(&plain_lock, "plain_lock");
  fencedep_fence_init(&lr_job, "lr_job", FENCEDEP_FENCE_LONG_RUNNING);
  fencedep_fence_init(&dma_job, "dma_job", 0);

  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, completion, NULL));
  CHECK_PT(pthread_join(t, NULL));
  CHECK_PT(pthread_create(&t, NULL, fault_handler, NULL));
  CHECK_PT(pthread_join(t, NULL));
  return 0;
}
