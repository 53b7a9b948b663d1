/* A submit-heavy GPU program against the fake render node, for measuring
 * what the runtime's submit model costs: the driver's submit ioctl
 * (FAKE_DRM_DRIVER, encoded as testdata/gpu/gpu_submit.h does) in the
 * loops a Vulkan driver runs.
 *
 *   loop:     one thread, ITERS jobs on a queue, each awaiting the one
 *             before and signalling the next timeline point (and a binary
 *             syncobj), under the queue's mutex; every 8th job the thread
 *             waits for the job 8 back to complete.
 *   frames:   ITERS/4 frames in flight, two deep: a render thread waits for
 *             the present of frame k-2, submits frame k on queue 0; a
 *             present thread waits for frame k's submission and submits
 *             its present on queue 1 (as testdata/gpu's
 *             submit_frames_in_flight).
 *
 *   usage: submit_heavy [ITERS [REPS]]     defaults 20000, 1
 *
 * REPS > 1 runs both phases REPS times in the process (on fresh syncobjs)
 * and prints each figure's smallest value: the steady state, where every
 * edge is known, in the quietest of REPS short windows of a shared machine.
 *
 * Prints, for each phase (loop_, frames_): `seconds` (wall), `cpu` (user +
 * system of the whole process, the fake GPU thread's included) and
 * `thread_cpu` (CLOCK_THREAD_CPUTIME_ID of the submitting threads alone,
 * summed: the main thread for the loop, the render and present threads
 * for the frames, each from its first to its last job). What the runtime
 * adds is on the submitting threads (hooks run there; the fake GPU thread
 * is invisible to it), so thread_cpu is the figure that says what it
 * costs, without the GPU thread's share and its scheduling. Run with the
 * fake render node preloaded and FAKE_DRM_DRIVER set
 * (bench/run_submit_overhead.sh does), natively or under
 * LD_PRELOAD=libfencedep.so. Exit status 0 on success.
 */
#include <stdio.h>
#include <sys/resource.h>

#include "gpu_submit.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

/* CPU seconds of the calling thread. */
static double thread_cpu(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int drm_fd;
static long frames_total;
static pthread_mutex_t queue_lock[2];
static uint32_t timeline, binary, frames_tl, presents_tl;
/* v3d has no timeline points: binary syncobjs in a ring of slots, each
 * replaced by the frame that reuses it. */
enum { kSlots = 8 };
static uint32_t frame_objs[kSlots], present_objs[kSlots];

static struct gpu_sync frame(long k) {
  return gpu_has_timelines() ? (struct gpu_sync){frames_tl, (uint64_t)k}
                             : (struct gpu_sync){frame_objs[k % kSlots], 0};
}
static struct gpu_sync present(long k) {
  return gpu_has_timelines() ? (struct gpu_sync){presents_tl, (uint64_t)k}
                             : (struct gpu_sync){present_objs[k % kSlots], 0};
}

static void loop(long iters) {
  for (long k = 1; k <= iters; ++k) {
    struct gpu_job j = gpu_job_on(0);
    if (gpu_has_timelines()) {
      if (k > 1)
        gpu_wait_on(&j, timeline, (uint64_t)k - 1);
      gpu_signal(&j, timeline, (uint64_t)k);
    }
    gpu_signal(&j, binary, 0);
    CHECK_PT(pthread_mutex_lock(&queue_lock[0]));
    gpu_submit(drm_fd, &j);
    CHECK_PT(pthread_mutex_unlock(&queue_lock[0]));
    if (k % 8 == 0 && k > 8) {
      if (gpu_has_timelines())
        timeline_wait(drm_fd, timeline, (uint64_t)k - 8, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL);
      else
        syncobj_wait(drm_fd, binary, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL);
    }
  }
  if (gpu_has_timelines())
    timeline_wait(drm_fd, timeline, (uint64_t)iters, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL);
}

static void *render(void *arg) {
  double c0 = thread_cpu();
  for (long k = 1; k <= frames_total; ++k) {
    struct gpu_job j = gpu_job_on(0);
    if (k > 2) {
      struct gpu_sync p = present(k - 2);
      timeline_wait(drm_fd, p.handle, p.point,
                    DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT);
      gpu_wait_on(&j, p.handle, p.point);
    }
    struct gpu_sync f = frame(k);
    gpu_signal(&j, f.handle, f.point);
    CHECK_PT(pthread_mutex_lock(&queue_lock[0]));
    gpu_submit(drm_fd, &j);
    CHECK_PT(pthread_mutex_unlock(&queue_lock[0]));
  }
  *(double *)arg = thread_cpu() - c0;
  return arg;
}

static void *presenter(void *arg) {
  double c0 = thread_cpu();
  for (long k = 1; k <= frames_total; ++k) {
    struct gpu_sync f = frame(k), p = present(k);
    timeline_wait(drm_fd, f.handle, f.point,
                  DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE);
    struct gpu_job j = gpu_job_on(1);
    gpu_wait_on(&j, f.handle, f.point);
    gpu_signal(&j, p.handle, p.point);
    CHECK_PT(pthread_mutex_lock(&queue_lock[1]));
    gpu_submit(drm_fd, &j);
    CHECK_PT(pthread_mutex_unlock(&queue_lock[1]));
  }
  struct gpu_sync last = present(frames_total);
  timeline_wait(drm_fd, last.handle, last.point, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL);
  *(double *)arg = thread_cpu() - c0;
  return arg;
}

int main(int argc, char **argv) {
  long iters = argc > 1 ? atol(argv[1]) : 20000;
  long reps = argc > 2 ? atol(argv[2]) : 1;
  if (iters < 16)
    iters = 16;
  if (reps < 1 || reps > 40) /* the fake node keeps 1024 handles per descriptor */
    reps = 1;
  frames_total = iters / 4;
  CHECK_PT(pthread_mutex_init(&queue_lock[0], NULL));
  CHECK_PT(pthread_mutex_init(&queue_lock[1], NULL));
  drm_fd = open_render_node();

  enum { kFigures = 6 };
  double best[kFigures];
  for (long rep = 0; rep < reps; ++rep) {
    /* Fresh objects: the timelines start again at point 1. */
    timeline = SYNCOBJ_CREATE(drm_fd, 0);
    binary = SYNCOBJ_CREATE(drm_fd, 0);
    frames_tl = SYNCOBJ_CREATE(drm_fd, 0);
    presents_tl = SYNCOBJ_CREATE(drm_fd, 0);
    for (int i = 0; i < kSlots; ++i) {
      frame_objs[i] = SYNCOBJ_CREATE(drm_fd, 0);
      present_objs[i] = SYNCOBJ_CREATE(drm_fd, 0);
    }

    double t0 = now(), c0 = cpu(), m0 = thread_cpu();
    loop(iters);
    double t1 = now(), c1 = cpu(), m1 = thread_cpu();
    pthread_t r, p;
    double render_cpu = 0, present_cpu = 0;
    CHECK_PT(pthread_create(&r, NULL, render, &render_cpu));
    CHECK_PT(pthread_create(&p, NULL, presenter, &present_cpu));
    CHECK_PT(pthread_join(r, NULL));
    CHECK_PT(pthread_join(p, NULL));
    double t2 = now(), c2 = cpu();
    double f[kFigures] = {t1 - t0, c1 - c0, m1 - m0, t2 - t1, c2 - c1, render_cpu + present_cpu};
    for (int i = 0; i < kFigures; ++i)
      if (rep == 0 || f[i] < best[i])
        best[i] = f[i];
  }
  printf("loop_seconds=%.6f loop_cpu=%.6f loop_thread_cpu=%.6f frames_seconds=%.6f "
         "frames_cpu=%.6f frames_thread_cpu=%.6f\n",
         best[0], best[1], best[2], best[3], best[4], best[5]);
  return 0;
}
