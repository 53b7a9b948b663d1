// The classic dma-fence deadlock: an allocation that may enter reclaim inside
// the signalling section of a fence (the fence's completion path allocates),
// and a memory-management context (a shrinker) that waits on fences of that
// class. Reclaim may wait for the fence, and the fence waits for reclaim.
//
// Sequencing: the job thread runs its whole signalling section and signals
// before the shrinker starts (create/join from main), so the shrinker's wait
// returns at once.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular wait dependency detected
// CHECK: SUMMARY: fencedep: wait-cycle {{(hw_ring -> reclaim -> hw_ring|reclaim -> hw_ring -> reclaim)}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "scenario.h"

struct fence {
  atomic_int signalled;
};

static struct fence ring_fence;
static void *scratch;

static void *run_job(void *arg) {
  int cookie = fencedep_signalling_begin(&ring_fence);
  fencedep_might_reclaim(); // the bug: GFP_KERNEL allocation on the signalling path
  scratch = malloc(4096);
  if (!scratch)
    scenario_fail("malloc", ENOMEM);
  fencedep_fence_signal(&ring_fence);
  set_flag(&ring_fence.signalled, 1);
  fencedep_signalling_end(cookie);
  return NULL;
}

static void *shrinker_scan(void *arg) {
  fencedep_mm_context_begin("shrinker");
  fencedep_fence_wait_begin(&ring_fence);
  await_flag(&ring_fence.signalled, 1);
  fencedep_fence_wait_end(&ring_fence);
  free(scratch);
  scratch = NULL;
  fencedep_mm_context_end();
  return NULL;
}

int main(void) {
  fencedep_fence_init(&ring_fence, "hw_ring", 0);

  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, run_job, NULL));
  CHECK_PT(pthread_join(t, NULL));
  CHECK_PT(pthread_create(&t, NULL, shrinker_scan, NULL));
  CHECK_PT(pthread_join(t, NULL));
  return 0;
}
