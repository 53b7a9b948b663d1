// A submission that awaits its own output (amdgpu: the fake render node
// plays FAKE_DRM_DRIVER=amdgpu): its timeline wait chunk asks for point 5
// WAIT_FOR_SUBMIT, and its timeline signal chunk is what would submit
// point 5. The kernel waits inside the call for a submission that can only
// come after the call: it gives up after its timeout (5 s; the fake node's
// is shortened here) and refuses the job. The runtime reports the await
// cycle of the one fence before the call blocks.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: fence await cycle detected: these fences can never signal
// CHECK: fence instances [[INST:0x[0-9a-f]+]] -> [[INST]] await each other
// CHECK: SUMMARY: fencedep: await-cycle {{.*}}syncobj submit_self_await.c:{{[0-9]+:[0-9]+ in [a-z_0-9]+}}{{.*}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "gpu_submit.h"

int main(void) {
  setenv("FAKE_WFS_TIMEOUT_MS", "200", 1);
  int drm_fd = open_render_node();
  uint32_t timeline = SYNCOBJ_CREATE(drm_fd, 0);
  struct gpu_job j = gpu_job_on(0);
  gpu_wait_on(&j, timeline, 5);
  gpu_signal(&j, timeline, 5);
  j.wait_for_submit = 1;
  if (gpu_try_submit(drm_fd, &j) == 0 || errno != ETIME)
    scenario_fail("a submission awaiting its own output was not refused with ETIME", errno);
  close(drm_fd);
  return 0;
}
