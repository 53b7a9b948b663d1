// The readers below the CLI: the kernel line grammar of each dialect, what
// kernel events become, RAPID STD, format detection and line lookup.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fencedep/core/kernel_trace.h"
#include "fencedep/core/std_trace.h"
#include "fencedep/core/trace_codec.h"
#include "fencedep/core/trace_detect.h"

using namespace fencedep;

namespace {

KernelLine parse_ok(std::string_view s) {
  KernelLine l;
  const char *err = nullptr;
  uint64_t lost = 0;
  EXPECT_EQ(parse_kernel_line(s, &l, &err, &lost), KernelLineKind::Event) << (err ? err : "");
  return l;
}

std::string parse_error(std::string_view s) {
  KernelLine l;
  const char *err = nullptr;
  uint64_t lost = 0;
  EXPECT_EQ(parse_kernel_line(s, &l, &err, &lost), KernelLineKind::Bad);
  return err ? err : "";
}

TEST(KernelLine, TracefsWithTgidAndFiveFlags) {
  KernelLine l = parse_ok("     kworker/u8:2-118     (    100) [001] d.h2. 100.000110: "
                          "lock_acquire: 00000000b3f1a2c4 read dma_fence_map");
  EXPECT_EQ(l.task, "kworker/u8:2");
  EXPECT_EQ(l.pid, 118u);
  EXPECT_EQ(l.tgid, 100);
  EXPECT_EQ(l.cpu, 1u);
  EXPECT_EQ(l.flags, "d.h2.");
  EXPECT_EQ(l.ts_ns, 100000110000u);
  EXPECT_EQ(l.system, "");
  EXPECT_EQ(l.event, "lock_acquire");
  EXPECT_EQ(l.fields, "00000000b3f1a2c4 read dma_fence_map");
}

TEST(KernelLine, UnknownTgidSpacesInCommAndUnknownTask) {
  KernelLine l = parse_ok("          <idle>-0       (-------) [002] d.h1. 1.5: dma_fence_signaled: x");
  EXPECT_EQ(l.task, "<idle>");
  EXPECT_EQ(l.tgid, -1);
  EXPECT_EQ(l.ts_ns, 1500000000u);
  l = parse_ok("     Web Content-2211    (   2200) [003] ..... 100.001000: sched_switch: a");
  EXPECT_EQ(l.task, "Web Content");
  EXPECT_EQ(l.pid, 2211u);
  l = parse_ok("           <...>-2213    [000] .... 5.000001: lock_release: 11 &l");
  EXPECT_EQ(l.task, "<...>");
  EXPECT_EQ(l.flags, "....");
}

TEST(KernelLine, TraceCmdWithoutFlagsPaddedEventAndNanoseconds) {
  KernelLine l = parse_ok("  amdgpu_cs:0-3301  [000]  2000.100000123: drm_sched_job_queue:  "
                          "dev=0000:03:00.0, fence=40:11");
  EXPECT_EQ(l.task, "amdgpu_cs:0");
  EXPECT_EQ(l.flags, "");
  EXPECT_EQ(l.ts_ns, 2000100000123u);
  EXPECT_EQ(l.event, "drm_sched_job_queue");
  EXPECT_EQ(l.fields, "dev=0000:03:00.0, fence=40:11");
}

TEST(KernelLine, PerfScriptSystemPeriodAndPidTid) {
  KernelLine l = parse_ok("   kworker/1:0    41 [001]   512.000100: lock:lock_acquire: 0xffff88 &a");
  EXPECT_EQ(l.task, "kworker/1:0");
  EXPECT_EQ(l.pid, 41u);
  EXPECT_EQ(l.system, "lock");
  EXPECT_EQ(l.event, "lock_acquire");
  l = parse_ok("  reader 1001/1002 [000] 512.0003:          1 lock:lock_release: 0x10 &b");
  EXPECT_EQ(l.tgid, 1001);
  EXPECT_EQ(l.pid, 1002u);
  EXPECT_EQ(l.event, "lock_release");
}

TEST(KernelLine, HeadersLostEventsAndErrors) {
  KernelLine l;
  const char *err;
  uint64_t lost = 0;
  for (const char *h : {"# tracer: nop", "cpus=4", "version = 6", "CPU 3 is empty", "", "   "})
    EXPECT_EQ(parse_kernel_line(h, &l, &err, &lost), KernelLineKind::Ignored) << h;
  EXPECT_EQ(parse_kernel_line("CPU:2 [LOST 123 EVENTS]", &l, &err, &lost), KernelLineKind::Lost);
  EXPECT_EQ(lost, 123u);
  EXPECT_NE(parse_error("garbage").find("no [CPU] column"), std::string::npos);
  EXPECT_NE(parse_error("  t-1 [000] ..... soon: ev: x").find("timestamp"), std::string::npos);
  EXPECT_NE(parse_error("  t-1 [000] 1.0: 2.0").find("EVENT:"), std::string::npos);
  EXPECT_NE(parse_error("  task [000] 1.0: ev: x").find("TASK-PID"), std::string::npos);
  EXPECT_NE(parse_error("  t-99999999999 [000] 1.0: ev: x").find("pid"), std::string::npos);
}

TEST(Numbers, ParseRejectsOverflowAndJunk) {
  uint64_t v;
  EXPECT_TRUE(parse_hex("0xffffffffffffffff", &v));
  EXPECT_EQ(v, ~0ull);
  EXPECT_TRUE(parse_hex("00000000b3f1a2c4", &v));
  EXPECT_EQ(v, 0xb3f1a2c4u);
  EXPECT_FALSE(parse_hex("0x10000000000000000", &v));
  EXPECT_FALSE(parse_hex("0xg", &v));
  EXPECT_TRUE(parse_dec("18446744073709551615", &v));
  EXPECT_FALSE(parse_dec("18446744073709551616", &v));
  EXPECT_FALSE(parse_dec("-1", &v));
  EXPECT_TRUE(parse_hex("DeadBeef", &v));
  EXPECT_EQ(v, 0xdeadbeefu);
  for (const char *junk : {"12 4", "ffff88810000:c00", "ffff8881000 2c00", "f/", "F@", "x1"})
    EXPECT_FALSE(parse_hex(junk, &v)) << junk;
  EXPECT_TRUE(parse_dec("9999999999999999999", &v)); // nineteen digits: no check needed
  EXPECT_EQ(v, 9999999999999999999ull);
  EXPECT_TRUE(parse_dec("10000000000000000000", &v));
  EXPECT_EQ(v, 10000000000000000000ull);
  EXPECT_FALSE(parse_dec("99999999999999999999", &v));
  EXPECT_FALSE(parse_dec("1844674407370955161x", &v));
  EXPECT_FALSE(parse_dec("123456789012345678901", &v));
}

TEST(KernelLine, TimestampsOfEveryShape) {
  const char *head = "  kworker/0:1-42     [001] .... ";
  auto ts = [&](const char *stamp) {
    return parse_ok(std::string(head) + stamp + ": lock_release: 0x1 a").ts_ns;
  };
  EXPECT_EQ(ts("0.000001"), 1000u);
  EXPECT_EQ(ts("17999999999.999999999"), 17999999999999999999ull);
  EXPECT_EQ(ts("5.1"), 5100000000u);
  EXPECT_EQ(ts("123456789012345"), 123456789012345u); // trace_clock=counter
  for (const char *bad : {"18000000001.0", "123456789012.5", ".5", "5.", "5.1234567890", "5.1.2",
                          "5,1", "5.x"})
    EXPECT_EQ(parse_error(std::string(head) + bad + ": lock_release: 0x1 a"),
              "expected a timestamp 'SECONDS.FRACTION:'")
        << bad;
}

// Records what a reader produces.
class Recorder final : public ModelSink {
public:
  void event(const ModelEvent &e) override { events.push_back(e); }
  void thread_name(uint32_t, uint32_t, uint32_t tid, std::string_view name) override {
    names.emplace_back(std::to_string(tid) + "=" + std::string(name));
  }
  std::vector<ModelEvent> events;
  std::vector<std::string> names;
};

class ReaderTest : public ::testing::Test {
protected:
  void SetUp() override {
    EngineOptions o;
    o.defer_cycle_search = true;
    ASSERT_TRUE(engine.init(o));
    ctx.engine = &engine;
    ctx.sink = &rec;
    ctx.name = "t.trace";
  }
  ReaderStats kernel(const std::string &text) {
    return read_kernel_trace(text.data(), text.size(), ctx);
  }
  std::vector<ModelOp> ops() const {
    std::vector<ModelOp> v;
    for (const ModelEvent &e : rec.events)
      v.push_back(e.op);
    return v;
  }
  const char *name(ClassId c) { return engine.classes().info(c).name; }

  Engine engine;
  Recorder rec;
  ReaderContext ctx;
};

TEST_F(ReaderTest, LockdepFlagsAndPseudoMaps) {
  ReaderStats st = kernel(
      "  t-1 [000] .... 1.000001: lock_acquire: 0000000000000001 read dma_fence_map\n"
      "  t-1 [000] .... 1.000002: lock_acquire: 0000000000000002 try read &sem\n"
      "  t-1 [000] .... 1.000003: lock_acquire: 0000000000000003 fs_reclaim\n"
      "  t-1 [000] .... 1.000004: lock_release: 0000000000000003 fs_reclaim\n"
      "  t-1 [000] .... 1.000005: lock_release: 0000000000000002 &sem\n"
      "  t-1 [000] .... 1.000006: lock_release: 0000000000000001 dma_fence_map\n"
      "  t-2 [001] .... 1.000007: lock_acquire: 0000000000000004 mmu_notifier_invalidate_range_start\n"
      "  t-2 [001] .... 1.000008: lock_acquire: 0000000000000001 dma_fence_map\n"
      "  t-2 [001] .... 1.000009: lock_release: 0000000000000001 dma_fence_map\n"
      "  t-2 [001] .... 1.000010: lock_release: 0000000000000004 mmu_notifier_invalidate_range_start\n");
  EXPECT_EQ(st.events, 10u);
  EXPECT_EQ(st.bad_lines, 0u);
  using O = ModelOp;
  EXPECT_EQ(ops(), (std::vector<O>{O::SectionBegin, O::Acquire, O::MmBegin, O::MmEnd, O::Release,
                                   O::SectionEnd, O::MmBegin, O::WaitBegin, O::MmEnd}));
  EXPECT_STREQ(name(rec.events[0].cls), "dma_fence_map");
  EXPECT_TRUE(rec.events[1].read);
  EXPECT_TRUE(rec.events[1].is_try);
  EXPECT_STREQ(name(rec.events[1].cls), "&sem");
  EXPECT_STREQ(rec.events[2].label, "fs_reclaim");
  EXPECT_EQ(rec.events[2].cls, engine.reclaim_class());
  EXPECT_STREQ(rec.events[6].label, "mmu_notifier");
  // The location of each event is its line.
  EXPECT_EQ(text_location_line(rec.events[7].pc), 8u);
  EXPECT_EQ(text_location_trace(rec.events[7].pc), 1u);
}

TEST_F(ReaderTest, FenceClassSurvivesDetachedNames) {
  kernel("  t-1 [000] .... 1.0: dma_fence_emit: driver=i915 timeline=rcs 0 context=9 seqno=1\n"
         "  t-2 [001] .... 1.1: dma_fence_signaled: driver=detached-driver "
         "timeline=signaled-timeline context=9 seqno=1\n"
         "  t-3 [001] .... 1.2: dma_fence_wait_start: driver=detached-driver "
         "timeline=signaled-timeline context=5 seqno=1\n");
  using O = ModelOp;
  // A signalled fence drops its await links (FenceInit).
  ASSERT_EQ(ops(), (std::vector<O>{O::Signal, O::FenceInit, O::WaitBegin}));
  EXPECT_STREQ(name(rec.events[0].cls), "i915:rcs 0");
  EXPECT_EQ(rec.events[0].inst2, (9ull << 32) | 1); // shown as context:seqno
  EXPECT_STREQ(name(rec.events[2].cls), "dma_fence context 5");
}

TEST_F(ReaderTest, InterruptsGetAContextPerCpuStartedAfresh) {
  kernel("  t-1 [002] .... 1.0: lock_acquire: 0000000000000001 &a\n"
         "  t-1 [002] d.h. 1.1: lock_acquire: 0000000000000002 &b\n"
         "  t-1 [002] d.h. 1.2: lock_release: 0000000000000002 &b\n"
         "  t-1 [002] .... 1.3: lock_release: 0000000000000001 &a\n"
         "  t-1 [002] d.h. 1.4: lock_acquire: 0000000000000002 &b\n");
  using O = ModelOp;
  EXPECT_EQ(ops(), (std::vector<O>{O::Acquire, O::ContextReset, O::Acquire, O::Release,
                                   O::Release, O::ContextReset, O::Acquire}));
  EXPECT_EQ(rec.events[0].tid, 1u);
  EXPECT_NE(rec.events[2].tid, 1u); // the interrupt is not the task it interrupted
  EXPECT_EQ(rec.events[2].tid, rec.events[6].tid);
}

TEST_F(ReaderTest, SchedulerLegacyDependenciesByPointer) {
  kernel("  a-1 [000] .... 1.0: drm_sched_job: entity=0xe1, id=7, fence=0xf7, ring=gfx, "
         "job count:1, hw job count:0\n"
         "  a-1 [000] .... 1.1: drm_sched_job: entity=0xe1, id=8, fence=0xf8, ring=gfx, "
         "job count:2, hw job count:0\n"
         "  s-2 [001] .... 1.2: drm_sched_job_wait_dep: job ring=gfx, id=8, depends "
         "fence=0xf7, context=3, seq=4\n");
  using O = ModelOp;
  // The second job of the entity awaits the first (queue order), and its
  // dependency names the first job's fence by pointer.
  ASSERT_EQ(ops(), (std::vector<O>{O::Await, O::Await}));
  EXPECT_EQ(rec.events[0].inst, rec.events[1].inst);
  EXPECT_EQ(rec.events[0].inst2, rec.events[1].inst2);
  EXPECT_STREQ(name(rec.events[1].cls), "drm_sched:gfx (finished)");
  EXPECT_STREQ(name(rec.events[1].cls2), "drm_sched:gfx (finished)");
}

TEST_F(ReaderTest, SkippedBadAndCutLines) {
  ReaderStats st = kernel("  t-1 [000] .... 1.0: sched_switch: x\n"
                          "nonsense\n"
                          "  t-1 [000] .... 1.1: lock_acquire: zz &a\n"
                          "  t-1 [000] .... 1.2: lock_release: 01 &a");
  // The last line parses, but has no newline: cut short, not read.
  EXPECT_EQ(st.events, 2u);
  EXPECT_EQ(st.skipped.at("sched_switch"), 1u);
  EXPECT_EQ(st.bad_lines, 2u);
  EXPECT_TRUE(st.partial);
  EXPECT_TRUE(st.cut_line);
  EXPECT_TRUE(rec.events.empty());
  ASSERT_EQ(st.errors.size(), 3u);
  EXPECT_EQ(st.errors[0].rfind("t.trace:2: ", 0), 0u);
  EXPECT_EQ(st.errors[1], "t.trace:3: expected a lock address");
  EXPECT_EQ(st.errors[2], "t.trace:4: last line has no newline: cut short, not read");
}

TEST(KernelLine, LatencyFormatOfTraceCmd) {
  // trace-cmd report -l: the CPU fused with the flags, comm cut to 8.
  KernelLine l = parse_ok("   sdma0-201     2.....   890.457497: dma_fence_signaled:   "
                          "driver=amd_sched timeline=sdma0 context=1690 seqno=1289");
  EXPECT_EQ(l.task, "sdma0");
  EXPECT_EQ(l.pid, 201u);
  EXPECT_EQ(l.cpu, 2u);
  EXPECT_EQ(l.flags, ".....");
  EXPECT_EQ(l.irq, IrqContext::Task);
  EXPECT_EQ(l.event, "dma_fence_signaled");
  l = parse_ok("  <idle>-0       13d.h2. 10.5: irq_handler_entry: irq=5 name=x");
  EXPECT_EQ(l.cpu, 13u);
  EXPECT_EQ(l.irq, IrqContext::HardIrq);
  l = parse_ok("Web Cont-2211    0..s1.   1.0: lock_acquire: 01 &a");
  EXPECT_EQ(l.task, "Web Cont");
  EXPECT_EQ(l.irq, IrqContext::SoftIrq);
  EXPECT_EQ(irq_context_from_flags("d.Z1."), IrqContext::Nmi);
  EXPECT_EQ(irq_context_from_flags(""), IrqContext::Unknown);
}

TEST(KernelLine, TsDiffAndRawTimestamps) {
  KernelLine l = parse_ok("   sdma0-201   [002]   890.457497: (+3)     dma_fence_signaled:   "
                          "driver=a timeline=b context=1 seqno=2");
  EXPECT_EQ(l.event, "dma_fence_signaled");
  EXPECT_EQ(l.ts_ns, 890457497000u);
  EXPECT_FALSE(l.raw_ts);
  l = parse_ok("   sdma0-201   [002]890457496774: dma_fence_signaled:   driver=a");
  EXPECT_EQ(l.cpu, 2u);
  EXPECT_TRUE(l.raw_ts);
  EXPECT_EQ(l.ts_ns, 890457496774u);
}

TEST_F(ReaderTest, SchedulerFencesArePairsOfClasses) {
  // amdgpu names the job's finished fence (context 11): context 10 is its
  // scheduled fence, and the finished one awaits it.
  kernel("  a-1 [000] .... 1.0: amdgpu_cs_ioctl: sched_job=5, timeline=gfx, context=11, "
         "seqno=3, ring_name=gfx, num_ibs=1\n"
         "  r-2 [001] .... 1.1: amdgpu_sched_run_job: sched_job=5, timeline=gfx, context=11, "
         "seqno=3, ring_name=gfx, num_ibs=1\n"
         "  r-2 [001] .... 1.2: dma_fence_signaled: driver=amd_sched timeline=gfx context=10 "
         "seqno=3\n"
         "  i-0 [001] d.h. 1.3: dma_fence_signaled: driver=amd_sched timeline=gfx context=11 "
         "seqno=3\n");
  using O = ModelOp;
  ASSERT_EQ(ops(), (std::vector<O>{O::Await, O::JobRun, O::Signal, O::FenceInit,
                                   O::ContextReset, O::Signal, O::FenceInit, O::JobDone}));
  EXPECT_STREQ(name(rec.events[0].cls), "drm_sched:gfx (finished)");
  EXPECT_STREQ(name(rec.events[0].cls2), "drm_sched:gfx (scheduled)");
  EXPECT_STREQ(name(rec.events[2].cls), "drm_sched:gfx (scheduled)");
  EXPECT_STREQ(name(rec.events[5].cls), "drm_sched:gfx (finished)");
  EXPECT_EQ(rec.events[7].inst, rec.events[1].inst);
}

TEST_F(ReaderTest, SectionGivesItsSignalledTimelineWhatItTook) {
  // A signalling section takes &L, then signals timeline 7's fence: on top
  // of lockdep's dma_fence_map -> &L, timeline 7 -> &L, replayed on the
  // task (it holds nothing else now), not drawn on timelines.
  kernel("  w-1 [000] .... 1.0: lock_acquire: 01 read dma_fence_map\n"
         "  w-1 [000] .... 1.1: lock_acquire: 02 &L\n"
         "  w-1 [000] .... 1.2: lock_release: 02 &L\n"
         "  w-1 [000] .... 1.3: dma_fence_signaled: driver=d timeline=t context=7 seqno=1\n"
         "  w-1 [000] .... 1.4: lock_release: 01 dma_fence_map\n");
  using O = ModelOp;
  ASSERT_EQ(ops(), (std::vector<O>{O::SectionBegin, O::Acquire, O::Release, O::Signal,
                                   O::FenceInit, O::SectionEnd, O::SectionBegin, O::Acquire,
                                   O::Release, O::SectionEnd}));
  EXPECT_STREQ(name(rec.events[6].cls), "d:t");
  EXPECT_EQ(rec.events[6].tid, 1u);
  EXPECT_TRUE(rec.events[6].derived);
  EXPECT_FALSE(rec.events[5].derived);
  EXPECT_STREQ(name(rec.events[7].cls), "&L");
  EXPECT_EQ(text_location_line(rec.events[7].pc), 2u); // where the section took it
}

TEST_F(ReaderTest, SectionInsideAHoldReplaysApart) {
  // The task still holds &M when the section ends: replayed where &M is not
  // held, or &M -> &L would be an edge nobody took.
  kernel("  w-1 [000] .... 1.0: lock_acquire: 03 &M\n"
         "  w-1 [000] .... 1.1: lock_acquire: 01 read dma_fence_map\n"
         "  w-1 [000] .... 1.2: lock_acquire: 02 &L\n"
         "  w-1 [000] .... 1.3: lock_release: 02 &L\n"
         "  w-1 [000] .... 1.4: dma_fence_signaled: driver=d timeline=t context=7 seqno=1\n"
         "  w-1 [000] .... 1.5: lock_release: 01 dma_fence_map\n");
  ASSERT_EQ(rec.events.size(), 11u);
  EXPECT_EQ(rec.events[7].op, ModelOp::SectionBegin);
  EXPECT_TRUE(rec.events[7].derived);
  EXPECT_NE(rec.events[7].tid, 1u);
  EXPECT_EQ(rec.events[8].tid, rec.events[7].tid);
}

TEST_F(ReaderTest, InterruptLevelsNest) {
  kernel("  t-1 [000] ..s. 1.0: lock_acquire: 01 &a\n"
         "  t-1 [000] d.H. 1.1: lock_acquire: 02 &b\n"
         "  t-1 [000] ..s. 1.2: lock_release: 01 &a\n");
  using O = ModelOp;
  // The hard interrupt is a context of its own; back in the softirq, the
  // same softirq goes on (no reset).
  ASSERT_EQ(ops(), (std::vector<O>{O::ContextReset, O::Acquire, O::ContextReset, O::Acquire,
                                   O::Release}));
  EXPECT_NE(rec.events[1].tid, rec.events[3].tid);
  EXPECT_EQ(rec.events[1].tid, rec.events[4].tid);
}

TEST_F(ReaderTest, DamageForgetsWhatTasksHeld) {
  std::string text = "  t-1 [000] .... 1.0: lock_acquire: 01 &a\n"
                     "  t-1 [000] .... 1.1: lock_rel";
  text += std::string(64, '\0');
  text += "ease: 01 &a\n  t-1 [000] .... 1.2: lock_acquire: 02 &b\n"
          "  t-1 [000] .... 1.0: lock_release: 02 &b\n";
  ReaderStats st = kernel(text);
  EXPECT_EQ(st.nul_bytes, 64u);
  EXPECT_EQ(st.nul_lines, 1u);
  ASSERT_EQ(st.nul_runs.size(), 1u);
  EXPECT_EQ(st.nul_runs[0].first, 72u); // after "lock_rel"
  EXPECT_EQ(st.backwards, 1u);
  EXPECT_EQ(st.first_backwards, 4u);
  EXPECT_TRUE(st.partial);
  using O = ModelOp;
  EXPECT_EQ(ops(), (std::vector<O>{O::Acquire, O::ContextReset, O::Acquire, O::Release}));
}

TEST_F(ReaderTest, StrictStopsAtTheFirstBadLine) {
  ctx.strict = true;
  ReaderStats st = kernel("  t-1 [000] .... 1.0: lock_acquire: 01 &a\nnonsense\n"
                          "  t-1 [000] .... 1.1: lock_release: 01 &a\n");
  EXPECT_TRUE(st.stopped);
  EXPECT_EQ(st.events, 1u);
  EXPECT_EQ(rec.events.size(), 1u);
}

TEST_F(ReaderTest, StdRequestsJoinsAndSkippedAccesses) {
  std::string text = "T0|acq(L1)|1\nT0|req(L2)|2\nT0|acq(L2)|2\nT1|w(x)|3\nT0|join(T1)|4\n";
  ReaderStats st = read_std_trace(text.data(), text.size(), ctx);
  EXPECT_EQ(st.events, 5u);
  EXPECT_EQ(st.skipped.at("w"), 1u);
  using O = ModelOp;
  EXPECT_EQ(ops(), (std::vector<O>{O::Acquire, O::AcquireBegin, O::AcquireEnd, O::Signal,
                                   O::WaitBegin, O::WaitEnd}));
  EXPECT_EQ(rec.events[3].tid, 2u); // T1 exits...
  EXPECT_EQ(rec.events[4].tid, 1u); // ...T0 waits for that
  EXPECT_EQ(engine.classes().info(rec.events[4].cls).kind, ClassKind::ThreadExit);
  EXPECT_TRUE(is_std_line("T9|rel(lock)"));
  EXPECT_FALSE(is_std_line("T 9|rel(lock)|1"));
  EXPECT_FALSE(is_std_line("  t-1 [000] .... 1.0: ev: x"));
}

TEST(Detect, EachFormatFromItsFirstLines) {
  auto detect = [](const std::string &s) { return detect_trace_format(s.data(), s.size()); };
  EXPECT_EQ(detect(std::string(kTraceMagic, 8) + "rest"), TraceFormat::Native);
  EXPECT_EQ(detect("# tracer: nop\n#\n  t-1 [000] 1.0: ev: x\n"), TraceFormat::Ftrace);
  EXPECT_EQ(detect("  t-1 (  1) [000] d... 1.0: ev: x\n"), TraceFormat::Ftrace);
  EXPECT_EQ(detect("cpus=2\n  t-1 [000] d... 1.0: ev: x\n"), TraceFormat::TraceCmd);
  EXPECT_EQ(detect("  t-1 [000]  1.0: ev: x\n"), TraceFormat::TraceCmd);
  EXPECT_EQ(detect("  comm 12 [000] 1.0: sub:ev: x\n"), TraceFormat::Perf);
  EXPECT_EQ(detect("# c\nT0|acq(L)|1\n"), TraceFormat::Std);
  EXPECT_EQ(detect("hello\nworld\n"), TraceFormat::Unknown);
  EXPECT_EQ(detect(std::string("\x17\x08\x44tracing6\0", 12)), TraceFormat::TraceDat);
  EXPECT_EQ(detect("cpus=4\nRenderTh-4615    0.....   884.283047: print: x\n"),
            TraceFormat::TraceCmd); // trace-cmd report -l
  EXPECT_TRUE(is_kernel_format(TraceFormat::TraceDat));
  TraceFormat f;
  EXPECT_TRUE(parse_trace_format("trace-cmd", &f));
  EXPECT_EQ(f, TraceFormat::TraceCmd);
  EXPECT_FALSE(parse_trace_format("csv", &f));
}

TEST(FindLine, ThroughTheSparseIndex) {
  std::string text;
  for (int i = 1; i <= 200000; ++i)
    text += "line " + std::to_string(i) + "\n";
  std::vector<uint64_t> index;
  LineCursor cur(text.data(), text.size());
  std::string_view line;
  bool complete;
  while (cur.next(&line, &complete))
    if ((cur.number() - 1) % ReaderStats::kIndexStride == 0)
      index.push_back(cur.offset());
  EXPECT_EQ(find_line(text.data(), text.size(), index, 1), "line 1");
  EXPECT_EQ(find_line(text.data(), text.size(), index, 65537), "line 65537");
  EXPECT_EQ(find_line(text.data(), text.size(), index, 199999), "line 199999");
  EXPECT_EQ(find_line(text.data(), text.size(), index, 200001), "");
}

} // namespace
