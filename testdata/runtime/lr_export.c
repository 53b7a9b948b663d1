// Long-running fence exported (as a sync_file / syncobj would be): reported at
// once, no cycle needed. Exporting an ordinary fence afterwards is fine and
// must not be reported.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: long-running fence misuse detected
// CHECK: long-running fence lr_job was exported:
// CHECK: SUMMARY: fencedep: lr-violation long-running fence lr_job exported (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "scenario.h"

struct fence {
  atomic_int signalled;
};

static struct fence lr_job, dma_job;
static int exported;

static int fence_to_sync_file(struct fence *f) {
  fencedep_fence_export(f);
  return 100 + exported++; // a pretend fd
}

int main(void) {
  fencedep_fence_init(&lr_job, "lr_job", FENCEDEP_FENCE_LONG_RUNNING);
  fencedep_fence_init(&dma_job, "dma_job", 0);
  int fd1 = fence_to_sync_file(&lr_job); // the violation
  int fd2 = fence_to_sync_file(&dma_job); // control: not long-running
  return fd1 != fd2 ? 0 : 1;
}
