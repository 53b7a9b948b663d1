// Linux kernel traces, as users capture them, read into the model.
//
// Text, one line grammar for every dialect:
//   tracefs trace / trace_pipe   "  kworker/0:1-123   (  100) [002] d.h2. 1.000001: lock_acquire: ..."
//   trace-cmd report [-t]        "  kworker/0:1-123   [002]  1.000001: lock_acquire:   ..."
//   trace-cmd report -l          "  kworker/-123     2d.h2.  1.000001: lock_acquire:   ..."
//   trace-cmd report --ts-diff   "  ... [002]  1.000001: (+3)     lock_acquire: ..."
//   trace-cmd report --raw-ts    "  ... [002]1000001234: lock_acquire: ..."
//   perf script                  "  kworker/0:1   123 [002]  1.000001: lock:lock_acquire: ..."
// The task (a comm that may hold spaces, or "<...>") and its pid, an
// optional TGID column, the CPU (alone in brackets, or fused with the flags
// in latency format), an optional flag column, the timestamp, the event
// (with perf's "subsys:" prefix) and its fields. Pointers come hashed
// without 0x (tracefs) or with it (trace-cmd, perf).
//
// Binary trace.dat files are decoded by libtracecmd (tools/offline): each
// record's fields by name, into the same KernelEvent.
//
// Events and what they become (docs/offline-analysis.md has the table):
//   dma_fence:*          fences keyed on context:seqno, classes on
//                        driver:timeline (remembered per context, since the
//                        names read "detached-driver"/"signaled-timeline"
//                        once a fence has signalled); a scheduler's two
//                        fences per job are two classes, "(scheduled)" on
//                        context N and "(finished)" on N + 1;
//   lock:lock_acquire / lock_release, with lockdep's try / read flags; the
//                        pseudo-maps dma_fence_map (read: a signalling
//                        section; write: a might-wait), fs_reclaim and
//                        mmu_notifier_invalidate_range_start (MM contexts);
//   lock:contention_begin / contention_end (timeline only);
//   gpu_scheduler:*      up to 6.16 and from 6.17: job queue / run / done,
//                        a dependency is a fence -> fence await;
//   amdgpu_cs_ioctl, amdgpu_sched_run_job, i915_request_*, xe_sched_job_*,
//   xe_hw_fence_*        driver jobs with their fences: GPU timeline events.
// Anything else is counted by name and skipped.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "fencedep/core/text_reader.h"

namespace fencedep {

// Where an event ran, from the flag column or a record's common_flags.
enum class IrqContext : uint8_t { Unknown, Task, SoftIrq, HardIrq, Nmi };

// The flag column's interrupt character (the third: 'h' hard, 's' soft,
// 'H' hard in soft, 'z'/'Z' NMI, '.' none).
IrqContext irq_context_from_flags(std::string_view flags);

struct KernelLine {
  std::string_view task;   // comm; "<...>" when the trace did not record it
  uint32_t pid = 0;        // the task (thread) id
  int64_t tgid = -1;       // thread group, when the trace shows it
  uint32_t cpu = 0;
  std::string_view flags;  // empty when the trace has no flag column
  IrqContext irq = IrqContext::Unknown;
  bool raw_ts = false;     // --raw-ts: ts_ns is the trace clock's raw value
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

// The kernel events the model understands.
enum class KernelEv : uint8_t {
  Unknown,
  FenceInit,
  FenceEmit,
  FenceEnableSignal,
  FenceSignaled,
  FenceWaitStart,
  FenceWaitEnd,
  FenceDestroy,
  LockAcquire,
  LockRelease,
  ContentionBegin,
  ContentionEnd,
  // gpu_scheduler up to 6.16
  SchedJob,
  SchedRunJob,
  SchedProcessJob,
  SchedWaitDep,
  // gpu_scheduler from 6.17
  SchedJobQueue,
  SchedJobRun,
  SchedJobDone,
  SchedAddDep,
  SchedUnschedulable,
  // drivers
  AmdgpuCsIoctl,
  AmdgpuRunJob,
  I915RequestAdd,
  I915RequestIn,
  I915RequestOut,
  I915RequestWaitBegin,
  I915RequestWaitEnd,
  XeJobRun,
  XeJobFree,
  XeHwFenceCreate,
  XeHwFenceSignal,
};

KernelEv kernel_event_id(std::string_view name);

// One kernel event with its fields decoded, whatever it was read from.
// Which fields are set depends on `ev` (kernel_fields.cpp says, per event).
struct KernelEvent {
  KernelEv ev = KernelEv::Unknown;
  std::string_view task;
  uint32_t pid = 0;
  int64_t tgid = -1;
  uint32_t cpu = 0;
  IrqContext irq = IrqContext::Unknown;
  uint64_t ts_ns = 0;
  uint64_t location = 0; // text_location(): the line or record it came from

  std::string_view driver, timeline; // dma_fence
  std::string_view name;             // lock name, ring, engine or device
  uint64_t ctx = 0, seq = 0;         // the event's fence
  uint64_t ctx2 = 0, seq2 = 0;       // a dependency's fence
  uint64_t ptr = 0, ptr2 = 0;        // lock / fence / entity pointers
  uint64_t id = 0;                   // scheduler job id
  bool has_fence = false;            // ctx:seq are set
  bool is_try = false, read = false;
};

// Decodes a text event's fields (the tracepoint's print format) into `out`;
// false with *error set when they do not have the expected shape.
bool decode_kernel_fields(KernelEv ev, std::string_view fields, KernelEvent *out,
                          const char **error);

// Kernel events into model events, with per-task state: which lockdep
// pseudo-maps each task holds, which interrupt context it runs in, what the
// trace told about each fence context and job, what each signalling section
// took.
class KernelModel {
public:
  KernelModel(const ReaderContext &ctx, ReaderStats &st);
  ~KernelModel();
  KernelModel(const KernelModel &) = delete;
  KernelModel &operator=(const KernelModel &) = delete;

  // False when reading must stop (--strict met a bad event).
  bool event(const KernelEvent &e);
  // A ring of the 6.17 scheduler, learnt ahead of the events (its jobs'
  // dependencies come before the queue event that names the ring).
  void learn_ring(uint64_t ctx, std::string_view ring);
  // A fence context's names, learnt ahead of its events (a reader's
  // pre-pass), so that events using the context before any event named it
  // get the named class.
  void learn_names(uint64_t ctx, std::string_view driver, std::string_view timeline);
  // Events were lost (the kernel's LOST, a damaged block): what each task
  // holds is unknown from here, so every task starts afresh.
  void forget_tasks(uint64_t ts_ns);
  // End of input: sections never closed give their per-timeline edges.
  void finish();
  // Finds the names of fence context `ctx` further on in the input, for a
  // context an event uses before any dma_fence event named it (a driver's
  // request events carry no timeline name): its class is then the named
  // one from the start. False when the input does not say.
  using NameLookahead =
      std::function<bool(uint64_t ctx, std::string *driver, std::string *timeline)>;
  void set_lookahead(NameLookahead f);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads a whole kernel trace text into ctx.sink.
ReaderStats read_kernel_trace(const char *data, size_t size, const ReaderContext &ctx);

} // namespace fencedep
