// Fence instances that await each other (fencedep_fence_await: "this fence
// will not signal before that one"): job_a waits for job_b and job_b for
// job_a, so neither can ever signal. A definite deadlock among instances,
// reported as an await cycle. job_c awaiting job_a first is an ordinary DAG
// edge and must not be reported by itself.
//
// No thread ever blocks here: awaits only record dependencies.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: fence await cycle detected: these fences can never signal
// CHECK: SUMMARY: fencedep: await-cycle {{(job_a -> job_b -> job_a|job_b -> job_a -> job_b)}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "scenario.h"

struct fence {
  atomic_int signalled;
};

static struct fence job_a, job_b, job_c;

int main(void) {
  fencedep_fence_init(&job_a, "job_a", 0);
  fencedep_fence_init(&job_b, "job_b", 0);
  fencedep_fence_init(&job_c, "job_c", 0);

  fencedep_fence_await(&job_c, &job_a); // control: c after a, a DAG
  fencedep_fence_await(&job_a, &job_b); // a after b
  fencedep_fence_await(&job_b, &job_a); // b after a: closes the cycle
  return 0;
}
