// Long-running fence attached to a reservation object: reported at once, no
// cycle needed. Attaching an ordinary fence to the same object afterwards is
// fine and must not be reported.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: long-running fence misuse detected
// CHECK: long-running fence lr_job was attached to a reservation object:
// CHECK: SUMMARY: fencedep: lr-violation long-running fence lr_job attached to a reservation object (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "scenario.h"

struct fence {
  atomic_int signalled;
};
struct resv {
  struct fence *shared[4];
  int nshared;
};

static struct fence lr_job, dma_job;
static struct resv bo_resv;

static void resv_add_fence(struct resv *r, struct fence *f) {
  fencedep_resv_attach(r, f);
  r->shared[r->nshared++] = f;
}

int main(void) {
  fencedep_fence_init(&lr_job, "lr_job", FENCEDEP_FENCE_LONG_RUNNING);
  fencedep_fence_init(&dma_job, "dma_job", 0);
  resv_add_fence(&bo_resv, &lr_job); // the violation
  resv_add_fence(&bo_resv, &dma_job); // control: not long-running
  return bo_resv.nshared == 2 ? 0 : 1;
}
