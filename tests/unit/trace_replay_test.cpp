// Offline replay of native traces into the engine: the same model as the
// runtime, merging classes across processes and traces by their keys.
#include <gtest/gtest.h>

#include "fencedep/core/trace_replay.h"
#include "test_support.h"
#include "trace_test_support.h"

using namespace fencedep;
using fdtest::ev;
using fdtest::TraceBuilder;

namespace {

const uint64_t kKeyA = class_key_for_name(ClassKind::Mutex, "A");
const uint64_t kKeyB = class_key_for_name(ClassKind::Mutex, "B");

class ReplayTest : public ::testing::Test {
protected:
  void SetUp() override { ASSERT_TRUE(h.ok()); }
  ReplayStats replay(const TraceBuilder &b, uint32_t index) {
    return rp.replay(b.bytes.data(), b.bytes.size(), index);
  }
  ClassId find(uint64_t key) { return h.e().classes().find(key); }

  fdtest::EngineHarness h;
  TraceReplayer rp{h.e()};
};

// One half of an ABBA in each of two traces (two processes): the classes
// merge by key, so the second trace closes the cycle.
TEST_F(ReplayTest, AbbaAcrossTwoTraces) {
  TraceBuilder one;
  one.file_header(100);
  one.classes(100, {fdtest::trace_class(1, kKeyA, ClassKind::Mutex, "A"),
                    fdtest::trace_class(2, kKeyB, ClassKind::Mutex, "B")});
  one.events(100, 101, {ev(TraceOp::Acquire, 1, 0x1000, 0, 0x401111),
                        ev(TraceOp::Acquire, 2, 0x2000, 0, 0x402222),
                        ev(TraceOp::Release, 2, 0x2000), ev(TraceOp::Release, 1, 0x1000)});
  ReplayStats s1 = replay(one, 1);
  EXPECT_FALSE(s1.partial) << s1.error;
  EXPECT_EQ(s1.events, 4u);
  EXPECT_EQ(s1.chunks, 2u);
  EXPECT_FALSE(h.e().has_pending());

  // The second process numbers its classes differently.
  TraceBuilder two;
  two.file_header(200);
  two.classes(200, {fdtest::trace_class(7, kKeyB, ClassKind::Mutex, "B"),
                    fdtest::trace_class(9, kKeyA, ClassKind::Mutex, "A")});
  two.events(200, 201, {ev(TraceOp::Acquire, 7, 0x1000), ev(TraceOp::Acquire, 9, 0x2000)});
  ReplayStats s2 = replay(two, 2);
  EXPECT_FALSE(s2.partial) << s2.error;

  ClassId A = find(kKeyA), B = find(kKeyB);
  ASSERT_NE(A, kNoClass);
  ASSERT_NE(B, kNoClass);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::LockOrder);
  EXPECT_EQ(rs[0].pid, 200u);
  EXPECT_EQ(rs[0].tid, 201u);
  EXPECT_EQ(h.cycle_from(rs[0]), (std::vector<ClassId>{B, A}));
  const EdgeInfo &ab = h.e().graph().edge(h.e().graph().find_edge(A, B));
  EXPECT_EQ(ab.pid, 100u);
  EXPECT_EQ(ab.tid, 101u);
  EXPECT_EQ(ab.trace, 1u);
  const EdgeInfo &ba = h.e().graph().edge(h.e().graph().find_edge(B, A));
  EXPECT_EQ(ba.trace, 2u);
  // The edge keeps the event's pc as its stack.
  StackView sv = h.e().stacks().get(ab.stack);
  ASSERT_EQ(sv.size, 1u);
  EXPECT_EQ(sv.pcs[0], 0x402222u);

  // Reports name the trace of each edge.
  const char *names[] = {"one.fdt", "two.fdt"};
  fdtest::FakeSymbolizer sym;
  std::unique_ptr<ReportScratch> scratch(new ReportScratch);
  ReportView v;
  build_report_view(h.e(), rs[0], sym, *scratch, &v, names, 2);
  ASSERT_EQ(v.nchain, 2u);
  EXPECT_STREQ(v.chain[0].trace, "two.fdt");
  EXPECT_STREQ(v.chain[1].trace, "one.fdt");
  std::string text(1 << 16, '\0');
  BufferWriter w(text.data(), text.size());
  print_report_text(v, w);
  EXPECT_NE(std::string(w.c_str()).find("first seen in pid 100 thread 101 of one.fdt:"),
            std::string::npos)
      << w.c_str();
}

TEST_F(ReplayTest, ObjectsOfDifferentProcessesAreDistinct) {
  // Both processes use address 0x1000 for different instances of one class:
  // nesting "0x1000 then 0x2000" in one and "0x2000 then 0x1000" in the
  // other is no inversion of the same two objects.
  const uint64_t kX = class_key_for_name(ClassKind::Mutex, "X");
  TraceBuilder b;
  b.file_header(100);
  b.classes(100, {fdtest::trace_class(1, kX, ClassKind::Mutex, "X")});
  b.events(100, 101, {ev(TraceOp::Acquire, 1, 0x1000), ev(TraceOp::Acquire, 1, 0x2000),
                      ev(TraceOp::Release, 1, 0x2000), ev(TraceOp::Release, 1, 0x1000)});
  b.file_header(300);
  b.classes(300, {fdtest::trace_class(1, kX, ClassKind::Mutex, "X")});
  b.events(300, 301, {ev(TraceOp::Acquire, 1, 0x2000), ev(TraceOp::Acquire, 1, 0x1000)});
  ReplayStats s = replay(b, 1);
  EXPECT_FALSE(s.partial);
  EXPECT_TRUE(h.drain().empty());
}

TEST_F(ReplayTest, WaitsSignalsAndSectionsReplay) {
  const uint64_t kL = class_key_for_name(ClassKind::Mutex, "L");
  const uint64_t kF = class_key_for_name(ClassKind::Fence, "ring");
  TraceBuilder b;
  b.file_header(100);
  b.classes(100, {fdtest::trace_class(1, kL, ClassKind::Mutex, "L"),
                  fdtest::trace_class(2, kF, ClassKind::Fence, "ring")});
  // Signaller: inside the signalling section of the fence, takes L.
  b.events(100, 101, {ev(TraceOp::SectionBegin, 2, 0xf0, /*cookie*/ 77),
                      ev(TraceOp::Acquire, 1, 0x1000), ev(TraceOp::Release, 1, 0x1000),
                      ev(TraceOp::Signal, 2, 0xf0), ev(TraceOp::SectionEnd, 0, 0, 77)});
  // Waiter: holds L and waits on the fence.
  b.events(100, 102, {ev(TraceOp::Acquire, 1, 0x1000), ev(TraceOp::WaitBegin, 2, 0xf0),
                      ev(TraceOp::WaitEnd, 2, 0xf0, 1), ev(TraceOp::Release, 1, 0x1000)});
  ReplayStats s = replay(b, 1);
  EXPECT_FALSE(s.partial) << s.error;
  ClassId L = find(kL), F = find(kF);
  EXPECT_TRUE(h.has_edge(F, L));
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::WaitCycle);
  EXPECT_EQ(rs[0].tid, 102u);
}

TEST_F(ReplayTest, LongRunningFlagComesFromTheTrace) {
  const uint64_t kF = class_key_for_name(ClassKind::Fence, "lr");
  TraceBuilder b;
  b.file_header(100);
  b.classes(100, {fdtest::trace_class(1, kF, ClassKind::Fence, "lr", kClassLongRunning)});
  b.events(100, 101, {ev(TraceOp::Export, 1, 0xf0)});
  replay(b, 1);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReportKind::LrViolation);
  EXPECT_EQ(rs[0].lr_use, LrUse::Export);
}

TEST_F(ReplayTest, TruncatedTraceReplaysCompleteChunks) {
  TraceBuilder b;
  b.file_header(100);
  b.classes(100, {fdtest::trace_class(1, kKeyA, ClassKind::Mutex, "A"),
                  fdtest::trace_class(2, kKeyB, ClassKind::Mutex, "B")});
  b.events(100, 101, {ev(TraceOp::Acquire, 1, 0x1000), ev(TraceOp::Acquire, 2, 0x2000)});
  size_t good = b.bytes.size();
  b.events(100, 102, {ev(TraceOp::Acquire, 2, 0x2000), ev(TraceOp::Acquire, 1, 0x1000)});
  b.bytes.resize(b.bytes.size() - 3); // the crash cut the last chunk
  ReplayStats s = replay(b, 1);
  EXPECT_TRUE(s.partial);
  EXPECT_EQ(s.events, 2u);
  EXPECT_EQ(s.bytes_unread, b.bytes.size() - good);
  EXPECT_NE(s.error.find("at byte " + std::to_string(good)), std::string::npos) << s.error;
  EXPECT_TRUE(h.has_edge(find(kKeyA), find(kKeyB)));
  EXPECT_FALSE(h.has_edge(find(kKeyB), find(kKeyA)));
}

TEST_F(ReplayTest, UnknownChunkTypesAreSkipped) {
  TraceBuilder b;
  b.file_header(100);
  b.chunk(ChunkType(42), 100, 0, {9, 9, 9});
  b.classes(100, {fdtest::trace_class(1, kKeyA, ClassKind::Mutex, "A")});
  b.events(100, 101, {ev(TraceOp::Acquire, 1, 0x1000)});
  ReplayStats s = replay(b, 1);
  EXPECT_FALSE(s.partial);
  EXPECT_EQ(s.skipped_chunks, 1u);
  EXPECT_EQ(s.events, 1u);
}

// docs/trace-format.md: "treat an unknown op inside a known chunk as
// corruption of that chunk" -- the loss must be said, and the rest of the
// trace still read.
TEST_F(ReplayTest, UnknownOpIsReportedAndTheRestIsRead) {
  TraceBuilder b;
  b.file_header(100);
  b.classes(100, {fdtest::trace_class(1, kKeyA, ClassKind::Mutex, "A"),
                  fdtest::trace_class(2, kKeyB, ClassKind::Mutex, "B")});
  std::vector<uint8_t> bad = fdtest::encode_events({ev(TraceOp::Acquire, 1, 0x1000)});
  bad.insert(bad.end(), {0x63, 1, 1, 1, 1, 1}); // op 99
  b.chunk(ChunkType::Events, 100, 101, bad, 2);
  b.events(100, 102, {ev(TraceOp::Acquire, 1, 0x1000), ev(TraceOp::Acquire, 2, 0x2000)});
  ReplayStats s = replay(b, 1);
  EXPECT_FALSE(s.error.empty()) << "an unknown op was dropped silently";
  EXPECT_TRUE(h.has_edge(find(kKeyA), find(kKeyB))) << "the next chunk was not read";
}

// Two traces from two runs may well share a pid and tid (containers start
// every test at the same pid). Thread state must not leak from one trace into
// the next: a lock the first run held when it was cut off is not held by the
// second run's thread.
TEST_F(ReplayTest, ThreadStateDoesNotLeakAcrossTraces) {
  TraceBuilder one;
  one.file_header(7);
  one.classes(7, {fdtest::trace_class(1, kKeyA, ClassKind::Mutex, "A")});
  one.events(7, 7, {ev(TraceOp::Acquire, 1, 0x1000)}); // cut off holding A
  replay(one, 1);
  TraceBuilder two;
  two.file_header(7);
  two.classes(7, {fdtest::trace_class(1, kKeyB, ClassKind::Mutex, "B")});
  two.events(7, 7, {ev(TraceOp::Acquire, 1, 0x2000), ev(TraceOp::Release, 1, 0x2000)});
  replay(two, 2);
  EXPECT_FALSE(h.has_edge(find(kKeyA), find(kKeyB)));
}

// The class id map answers without its table while ids arrive in order with
// one offset, and falls back to the table, exactly, once they do not.
TEST(TraceClassMap, AffineWhileInOrderThenExact) {
  TraceClassMap m;
  EXPECT_EQ(m.get(1), kNoClass);
  for (ClassId id = 1; id <= 1000; ++id)
    m.set(id, id + 7);
  EXPECT_EQ(m.get(0), kNoClass);
  EXPECT_EQ(m.get(1), 8u);
  EXPECT_EQ(m.get(1000), 1007u);
  EXPECT_EQ(m.get(1001), kNoClass);
  EXPECT_EQ(m.get(5000000), kNoClass);
  m.set(500, 507); // the same again: still affine
  EXPECT_EQ(m.get(500), 507u);
  m.set(1001, 42); // a class the engine already knew
  EXPECT_EQ(m.get(1001), 42u);
  EXPECT_EQ(m.get(1000), 1007u);
  m.set(1002, 1009);
  EXPECT_EQ(m.get(1002), 1009u);
  m.set(3, 99); // redefined
  EXPECT_EQ(m.get(3), 99u);
  EXPECT_EQ(m.get(4), 11u);
  m.set(6000000, 5); // beyond the dense range
  EXPECT_EQ(m.get(6000000), 5u);

  TraceClassMap gap;
  gap.set(10, 20);
  gap.set(12, 22); // a hole at 11
  EXPECT_EQ(gap.get(11), kNoClass);
  EXPECT_EQ(gap.get(12), 22u);
  EXPECT_EQ(gap.get(10), 20u);
}

} // namespace
