// Linux kernel trace text, as users capture it, read into the model:
//
//   tracefs trace / trace_pipe   "  kworker/0:1-123   (  100) [002] d.h2. 1.000001: lock_acquire: ..."
//   trace-cmd report [-l] [-t]   "  kworker/0:1-123   [002]  1.000001: lock_acquire:   ..."
//   perf script                  "  kworker/0:1   123 [002]  1.000001: lock:lock_acquire: ..."
//
// One line parser covers the three dialects: the task (a comm that may hold
// spaces, or "<...>") and its pid, an optional TGID column, the CPU, an
// optional 4- or 5-character flag column, the timestamp, the event (with
// perf's "subsys:" prefix) and its fields. Pointers come hashed without 0x
// (tracefs) or with it (trace-cmd, perf).
//
// Events and what they become (docs/kernel-traces.md has the details):
//   dma_fence:*          fences keyed on context:seqno, classes on
//                        driver:timeline (remembered per context, since the
//                        names read "detached-driver"/"signaled-timeline"
//                        once a fence has signalled);
//   lock:lock_acquire / lock_release, with lockdep's try / read flags; the
//                        pseudo-maps dma_fence_map (read: a signalling
//                        section; write: a might-wait), fs_reclaim and
//                        mmu_notifier_invalidate_range_start (MM contexts);
//   lock:contention_begin / contention_end (timeline only);
//   gpu_scheduler:*      up to 6.16 (drm_sched_job, drm_run_job,
//                        drm_sched_process_job, drm_sched_job_wait_dep) and
//                        from 6.17 (drm_sched_job_queue, drm_sched_job_run,
//                        drm_sched_job_done, drm_sched_job_add_dep,
//                        drm_sched_job_unschedulable): a job's dependency is
//                        a direct fence -> fence await.
// Anything else is counted by name and skipped.
#pragma once
#include <cstdint>
#include <string_view>

#include "fencedep/core/text_reader.h"

namespace fencedep {

struct KernelLine {
  std::string_view task;   // comm; "<...>" when the trace did not record it
  uint32_t pid = 0;        // the task (thread) id
  int64_t tgid = -1;       // thread group, when the trace shows it
  uint32_t cpu = 0;
  std::string_view flags;  // empty when the trace has no flag column
  uint64_t ts_ns = 0;
  std::string_view system; // perf's "subsys:" prefix, else empty
  std::string_view event;
  std::string_view fields;
};

enum class KernelLineKind {
  Event,
  Ignored, // blank, comment, header
  Lost,    // "[LOST n EVENTS]": *lost is set
  Bad,     // *error says what was expected
};

KernelLineKind parse_kernel_line(std::string_view line, KernelLine *out, const char **error,
                                 uint64_t *lost);

// Reads a whole kernel trace text into ctx.sink.
ReaderStats read_kernel_trace(const char *data, size_t size, const ReaderContext &ctx);

} // namespace fencedep
