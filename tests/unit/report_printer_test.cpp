// The report builder + printers: lockdep's text layout and the JSON form.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sstream>

#include "test_support.h"

using namespace fencedep;
using fdtest::EngineHarness;
using nlohmann::json;

namespace {

std::vector<std::string> lines(const std::string &s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);)
    out.push_back(l);
  return out;
}

bool has_line(const std::string &text, const std::string &line) {
  for (const auto &l : lines(text))
    if (l == line)
      return true;
  return false;
}

class PrinterTest : public ::testing::Test {
protected:
  void SetUp() override { ASSERT_TRUE(h.ok()); }

  // T1 takes B then A; T2 takes A then B: the report is raised in T2 with
  // chain A -> B (new) then B -> A.
  PendingReport abba() {
    A = h.cls("A");
    B = h.cls("B");
    h.st().base = 0x401100;
    h.lock(1, B);
    h.lock(1, A);
    h.unlock(1, A);
    h.unlock(1, B);
    h.st().base = 0x402200;
    h.lock(2, A);
    h.lock(2, B);
    auto rs = h.drain();
    EXPECT_EQ(rs.size(), 1u);
    return rs.empty() ? PendingReport{} : rs[0];
  }

  EngineHarness h;
  ClassId A = kNoClass, B = kNoClass;
};

TEST_F(PrinterTest, LockOrderTextLayout) {
  std::string t = h.text(abba());
  EXPECT_NE(t.find("WARNING: possible circular locking dependency detected\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("fencedep: lock-order in pid 4242, thread 2"), std::string::npos) << t;
  EXPECT_NE(t.find("thread 2 is trying to lock(B);"), std::string::npos) << t;
  // The chain: new edge first, then the existing path back.
  size_t c0 = t.find("-> #0 (A) -> (B): acquire, first seen in pid 4242 thread 2:");
  size_t c1 = t.find("-> #1 (B) -> (A): acquire, first seen in pid 4242 thread 1:");
  ASSERT_NE(c0, std::string::npos) << t;
  ASSERT_NE(c1, std::string::npos) << t;
  EXPECT_LT(c0, c1);
  // Each edge's first-occurrence stack, symbolized.
  EXPECT_NE(t.find("#0 0x401101 in fn_401101 /src/scenario.c:257 (libscenario.so+0x1101)"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("#0 0x402201 in fn_402201"), std::string::npos) << t;
  // The scenario table for a two-edge cycle.
  size_t sc = t.find(" Possible unsafe scenario:");
  ASSERT_NE(sc, std::string::npos) << t;
  std::string table = t.substr(sc);
  EXPECT_NE(table.find("T0"), std::string::npos);
  EXPECT_NE(table.find("T1"), std::string::npos);
  EXPECT_NE(table.find("----"), std::string::npos);
  EXPECT_NE(table.find("lock(A);"), std::string::npos);
  EXPECT_NE(table.find("lock(B);"), std::string::npos);
  EXPECT_NE(table.find(" *** DEADLOCK ***"), std::string::npos);
  // Held locks.
  EXPECT_NE(t.find("1 lock held by thread 2:\n #0: (A), at: fn_"), std::string::npos) << t;
  EXPECT_NE(t.find(" scenario.c:"), std::string::npos) << t;
  // The summary is the last text line before the closing rule.
  auto ls = lines(t);
  ASSERT_GE(ls.size(), 3u);
  EXPECT_EQ(ls[ls.size() - 2], "SUMMARY: fencedep: lock-order A -> B -> A (pid 4242)");
  EXPECT_EQ(ls.front(), ls.back());
}

TEST_F(PrinterTest, ScenarioRowsFollowTheChain) {
  std::string t = h.text(abba());
  auto ls = lines(t);
  // Context i holds chain[i].from (column i), then they try chain[i].to in
  // reverse order: T0 lock(A) / T1 lock(B) / T1 lock(A) / T0 lock(B).
  std::vector<std::string> rows;
  bool table = false, in = false;
  for (const auto &l : ls) {
    if (l.find("Possible unsafe scenario:") != std::string::npos)
      table = true;
    if (table && !in && l.find("----") != std::string::npos) {
      in = true;
      continue;
    }
    if (in && l.find("DEADLOCK") != std::string::npos)
      break;
    if (in && !l.empty())
      rows.push_back(l);
  }
  ASSERT_EQ(rows.size(), 4u) << t;
  auto col = [](const std::string &l) { return l.find_first_not_of(' '); };
  EXPECT_EQ(rows[0].substr(col(rows[0])), "lock(A);");
  EXPECT_EQ(rows[1].substr(col(rows[1])), "lock(B);");
  EXPECT_EQ(rows[2].substr(col(rows[2])), "lock(A);");
  EXPECT_EQ(rows[3].substr(col(rows[3])), "lock(B);");
  EXPECT_LT(col(rows[0]), col(rows[1]));
  EXPECT_EQ(col(rows[1]), col(rows[2]));
  EXPECT_EQ(col(rows[0]), col(rows[3]));
}

TEST_F(PrinterTest, SummaryFunctionMatchesTextSummary) {
  PendingReport p = abba();
  ReportView v = h.view(p);
  char buf[512];
  BufferWriter w(buf, sizeof buf);
  print_report_summary(v, w);
  EXPECT_STREQ(buf, "SUMMARY: fencedep: lock-order A -> B -> A (pid 4242)");
}

TEST_F(PrinterTest, ScenarioTableForThreeContexts) {
  ClassId X = h.cls("X"), Y = h.cls("Y"), Z = h.cls("Z", ClassKind::RwLock);
  h.lock(1, X), h.lock(1, Y), h.unlock(1, Y), h.unlock(1, X);
  h.lock(2, Y), h.lock(2, Z), h.unlock(2, Z), h.unlock(2, Y);
  h.lock(3, Z, 0, /*read=*/true);
  h.lock(3, X);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  std::string t = h.text(rs[0]);
  size_t sc = t.find(" Possible unsafe scenario:");
  ASSERT_NE(sc, std::string::npos) << t;
  auto ls = lines(t.substr(sc));
  ASSERT_GE(ls.size(), 11u) << t;
  EXPECT_EQ(ls[2], "       T0                              T1                              T2") << t;
  // Chain: Z -> X (new), X -> Y, Y -> Z. Rows: each context's first lock,
  // then the locks they wait for, last context first.
  std::vector<std::string> want = {"  read_lock(Z);", std::string(34, ' ') + "lock(X);",
                                   std::string(66, ' ') + "lock(Y);",
                                   std::string(66, ' ') + "lock(Z);",
                                   std::string(34, ' ') + "lock(Y);", "  lock(X);"};
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_EQ(ls[4 + i], want[i]) << "row " << i << "\n" << t;
  // Held locks show the read hold.
  EXPECT_NE(t.find(" #0: (Z) read, at: "), std::string::npos) << t;
}

TEST_F(PrinterTest, NoScenarioTableForLongChains) {
  // A five-class cycle: the table is only drawn for 2..4 contexts.
  std::vector<ClassId> cs;
  for (int i = 0; i < 5; ++i)
    cs.push_back(h.cls(("C" + std::to_string(i)).c_str()));
  for (int i = 0; i + 1 < 5; ++i) {
    h.lock(1, cs[i]);
    h.lock(1, cs[i + 1]);
    h.unlock(1, cs[i + 1]);
    h.unlock(1, cs[i]);
  }
  h.lock(2, cs[4]);
  h.lock(2, cs[0]);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  std::string t = h.text(rs[0]);
  EXPECT_EQ(t.find("Possible unsafe scenario"), std::string::npos);
  EXPECT_TRUE(has_line(t, "SUMMARY: fencedep: lock-order C4 -> C0 -> C1 -> C2 -> C3 -> C4 "
                          "(pid 4242)"))
      << t;
}

TEST_F(PrinterTest, WaitCycleText) {
  ClassId L = h.cls("L"), W = h.cls("ring", ClassKind::Fence);
  h.lock(1, L);
  h.unlock(1, L);
  h.signal(1, W);
  h.lock(2, L);
  h.wait_begin(2, W);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  std::string t = h.text(rs[0]);
  EXPECT_NE(t.find("WARNING: possible circular wait dependency detected"), std::string::npos)
      << t;
  EXPECT_NE(t.find("thread 2 is trying to wait(ring);"), std::string::npos) << t;
  EXPECT_NE(t.find("-> #0 (L) -> (ring): wait"), std::string::npos) << t;
  EXPECT_NE(t.find("-> #1 (ring) -> (L): signal"), std::string::npos) << t;
  EXPECT_NE(t.find("/* will signal ring */"), std::string::npos) << t;
  EXPECT_TRUE(has_line(t, "SUMMARY: fencedep: wait-cycle L -> ring -> L (pid 4242)")) << t;
}

TEST_F(PrinterTest, SignallingSectionAndReclaimText) {
  ClassId F = h.cls("ring", ClassKind::Fence);
  int cookie = h.e().section_begin(h.thread(1), F, 0xf1, 0x10);
  h.e().might_reclaim(h.thread(1), 0x20, h.st());
  h.e().section_end(h.thread(1), cookie);
  h.e().mm_begin(h.thread(2), "shrinker", 0x30, h.st());
  h.wait_begin(2, F);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  std::string t = h.text(rs[0]);
  EXPECT_NE(t.find("begin_signalling(ring);"), std::string::npos) << t;
  EXPECT_NE(t.find(" #0: (reclaim) [shrinker]"), std::string::npos) << t;
  EXPECT_TRUE(has_line(t, "SUMMARY: fencedep: wait-cycle reclaim -> ring -> reclaim (pid 4242)"))
      << t;
}

TEST_F(PrinterTest, SameClassInversionHeadline) {
  ClassId X = h.cls("obj->lock");
  h.st().base = 0x401100;
  h.lock(1, X, 0x1000), h.lock(1, X, 0x2000);
  h.st().base = 0x402200;
  h.lock(2, X, 0x2000), h.lock(2, X, 0x1000);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  std::string t = h.text(rs[0]);
  EXPECT_NE(t.find("instances 0x2000 and 0x1000 of one class were nested in both orders"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("WARNING: possible ABBA deadlock between two locks of one class"),
            std::string::npos)
      << t;
  // Both nestings, each with the thread and stack that made it.
  size_t now = t.find("-> #0 (obj->lock, object 0x2000) -> (obj->lock, object 0x1000): acquire, "
                      "first seen in pid 4242 thread 2:\n       #0 0x402201");
  size_t before = t.find("-> #1 (obj->lock, object 0x1000) -> (obj->lock, object 0x2000): acquire, "
                         "first seen in pid 4242 thread 1:\n       #0 0x401101");
  EXPECT_NE(now, std::string::npos) << t;
  EXPECT_NE(before, std::string::npos) << t;
}

TEST_F(PrinterTest, AwaitCycleText) {
  ClassId F = h.cls("render", ClassKind::Fence), G = h.cls("copy", ClassKind::Fence);
  h.e().await(h.thread(1), F, 0xf1, G, 0x91, 0x10, h.st());
  h.e().await(h.thread(1), G, 0x91, F, 0xf1, 0x11, h.st());
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  std::string t = h.text(rs[0]);
  EXPECT_NE(t.find("WARNING: fence await cycle detected: these fences can never signal"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("fence instances 0x91 -> 0xf1 -> 0x91 await each other"),
            std::string::npos)
      << t;
  EXPECT_TRUE(has_line(t, "SUMMARY: fencedep: await-cycle copy -> render -> copy (pid 4242)"))
      << t;
}

TEST_F(PrinterTest, LrViolationText) {
  ClassId LR = h.cls("lr-fence", ClassKind::Fence, kClassLongRunning);
  ClassId MM = h.cls("mmap_lock", ClassKind::RwLock, kClassMm);
  h.e().resv_attach(h.thread(1), LR, 1, 0x10, h.st());
  h.lock(2, MM);
  h.wait_begin(2, LR);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 2u);
  std::string t0 = h.text(rs[0]);
  EXPECT_NE(t0.find("WARNING: long-running fence misuse detected"), std::string::npos) << t0;
  EXPECT_NE(t0.find("long-running fence lr-fence was attached to a reservation object:"),
            std::string::npos)
      << t0;
  EXPECT_TRUE(has_line(t0, "SUMMARY: fencedep: lr-violation long-running fence lr-fence "
                           "attached to a reservation object (pid 4242)"))
      << t0;
  EXPECT_NE(t0.find("0 locks held by thread 1."), std::string::npos) << t0;
  std::string t1 = h.text(rs[1]);
  EXPECT_TRUE(has_line(t1, "SUMMARY: fencedep: lr-violation long-running fence lr-fence "
                           "waited on while holding a memory-management lock (mmap_lock) "
                           "(pid 4242)"))
      << t1;
}

TEST_F(PrinterTest, GatedCycleIsMarked) {
  EngineHarness g(/*report_gated=*/true);
  ASSERT_TRUE(g.ok());
  ClassId G = g.cls("big"), X = g.cls("X"), Y = g.cls("Y");
  g.lock(1, G), g.lock(1, X), g.lock(1, Y);
  g.unlock(1, Y), g.unlock(1, X), g.unlock(1, G);
  g.lock(2, G), g.lock(2, Y), g.lock(2, X);
  auto rs = g.drain();
  ASSERT_EQ(rs.size(), 1u);
  std::string t = g.text(rs[0]);
  EXPECT_NE(t.find("Note: every edge of this cycle was taken under big, so it cannot deadlock."),
            std::string::npos)
      << t;
  EXPECT_TRUE(has_line(t, "SUMMARY: fencedep: lock-order Y -> X -> Y [gated by big] (pid 4242)"))
      << t;
  json j = json::parse(g.json(rs[0]));
  EXPECT_EQ(j["gated"], true);
  EXPECT_EQ(j["gate"]["name"], "big");
}

// --- JSON ---------------------------------------------------------------------

TEST_F(PrinterTest, JsonParsesAndCarriesTheReport) {
  PendingReport p = abba();
  std::string s = h.json(p);
  ASSERT_FALSE(s.empty());
  EXPECT_NE(s.back(), '\n');
  json j;
  ASSERT_NO_THROW(j = json::parse(s)) << s;
  EXPECT_EQ(j["fencedep_report"], 1);
  EXPECT_EQ(j["kind"], "lock-order");
  EXPECT_EQ(j["pid"], 4242);
  EXPECT_EQ(j["tid"], 2);
  EXPECT_TRUE(j["program"].is_null());
  EXPECT_EQ(j["summary"], "SUMMARY: fencedep: lock-order A -> B -> A (pid 4242)");
  EXPECT_EQ(j["subject"]["name"], "B");
  EXPECT_EQ(j["subject"]["kind"], "mutex");
  EXPECT_EQ(j["subject_kind"], "acquire");
  EXPECT_EQ(j["subject_read"], false);
  ASSERT_EQ(j["chain"].size(), 2u);
  EXPECT_EQ(j["chain"][0]["from"]["name"], "A");
  EXPECT_EQ(j["chain"][0]["to"]["name"], "B");
  EXPECT_EQ(j["chain"][0]["kind"], "acquire");
  EXPECT_EQ(j["chain"][0]["tid"], 2);
  EXPECT_EQ(j["chain"][1]["from"]["display"], "B");
  EXPECT_EQ(j["chain"][1]["tid"], 1);
  const json &st = j["chain"][1]["stack"];
  ASSERT_EQ(st.size(), 3u);
  EXPECT_EQ(st[0]["pc"], "0x401101");
  EXPECT_EQ(st[0]["function"], "fn_401101");
  EXPECT_EQ(st[0]["file"], "/src/scenario.c");
  EXPECT_EQ(st[0]["line"], 0x101);
  EXPECT_EQ(st[0]["module"], "/usr/lib/libscenario.so");
  ASSERT_EQ(j["held"].size(), 1u);
  EXPECT_EQ(j["held"][0]["class"]["name"], "A");
  EXPECT_EQ(j["held"][0]["read"], false);
  EXPECT_TRUE(j["held"][0]["label"].is_null());
  EXPECT_EQ(j["stack"].size(), 3u);
  EXPECT_EQ(j["gated"], false);
  EXPECT_TRUE(j["gate"].is_null());
  EXPECT_TRUE(j["lr_use"].is_null());
  EXPECT_TRUE(j["lr_context"].is_null());
  EXPECT_TRUE(j["detail"].is_null());
  // Class keys are hex strings (64-bit values do not fit a JSON double).
  std::string key = j["subject"]["key"];
  EXPECT_EQ(key.rfind("0x", 0), 0u);
  EXPECT_EQ(std::stoull(key, nullptr, 16), h.e().classes().info(B).key);
}

TEST_F(PrinterTest, JsonLrFields) {
  ClassId LR = h.cls("lr-fence", ClassKind::Fence, kClassLongRunning);
  ClassId MM = h.cls("mmap_lock", ClassKind::RwLock, kClassMm);
  h.e().fence_export(h.thread(1), LR, 1, 0x10, h.st());
  h.lock(2, MM, 0, true);
  h.wait_begin(2, LR);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 2u);
  json a = json::parse(h.json(rs[0]));
  EXPECT_EQ(a["kind"], "lr-violation");
  EXPECT_EQ(a["lr_use"], "export");
  EXPECT_TRUE(a["lr_context"].is_null());
  EXPECT_EQ(a["chain"].size(), 0u);
  EXPECT_EQ(a["subject"]["flags"].get<uint32_t>() & kClassLongRunning, kClassLongRunning);
  json b = json::parse(h.json(rs[1]));
  EXPECT_EQ(b["lr_use"], "wait-under-mm-lock");
  EXPECT_EQ(b["lr_context"]["name"], "mmap_lock");
  EXPECT_EQ(b["held"][0]["read"], true);
}

TEST_F(PrinterTest, JsonEscapesNames) {
  const std::string nasty = "quote\" back\\slash\nnew\ttab\r\x01\x1f ctl / \x7f end";
  ClassId X = h.cls(nasty.c_str()), Y = h.cls("plain");
  h.lock(1, X), h.lock(1, Y), h.unlock(1, Y), h.unlock(1, X);
  h.lock(2, Y), h.lock(2, X);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 1u);
  std::string s = h.json(rs[0]);
  // No raw control characters may appear inside the JSON text.
  for (char c : s)
    ASSERT_GE(static_cast<unsigned char>(c), 0x20u) << "raw control character in " << s;
  json j;
  ASSERT_NO_THROW(j = json::parse(s)) << s;
  EXPECT_EQ(j["subject"]["name"], nasty);
  EXPECT_EQ(j["subject"]["display"], nasty);
  EXPECT_EQ(j["chain"][0]["from"]["name"], "plain");
  EXPECT_EQ(j["chain"][0]["to"]["name"], nasty);
  std::string summary = j["summary"];
  EXPECT_NE(summary.find(nasty), std::string::npos);
}

TEST_F(PrinterTest, JsonOfEveryKindParses) {
  // Await, same-class and wait-cycle reports through the JSON printer.
  ClassId F = h.cls("F", ClassKind::Fence), G = h.cls("G", ClassKind::Fence);
  h.e().await(h.thread(1), F, 1, G, 2, 0, h.st());
  h.e().await(h.thread(1), G, 2, F, 1, 0, h.st());
  ClassId X = h.cls("X");
  h.lock(2, X, 0x10), h.lock(2, X, 0x20), h.unlock(2, X, 0x20), h.unlock(2, X, 0x10);
  h.lock(3, X, 0x20), h.lock(3, X, 0x10);
  auto rs = h.drain();
  ASSERT_EQ(rs.size(), 2u);
  json a = json::parse(h.json(rs[0]));
  EXPECT_EQ(a["kind"], "await-cycle");
  EXPECT_FALSE(a["detail"].is_null());
  EXPECT_EQ(a["chain"][0]["kind"], "await");
  json b = json::parse(h.json(rs[1]));
  EXPECT_EQ(b["kind"], "lock-order");
  EXPECT_EQ(b["chain"].size(), 2u);
  EXPECT_EQ(b["chain"][0]["from"]["name"], "X");
  EXPECT_EQ(b["chain"][0]["to"]["name"], "X");
}

// --- class display names --------------------------------------------------

TEST(ClassDisplayName, Forms) {
  char buf[128];
  ClassView named;
  named.name = "gpu-ring";
  named.kind = ClassKind::Fence;
  EXPECT_STREQ(class_display_name(named, buf, sizeof buf), "gpu-ring");

  // A creation site: file:line:column and the function holding it.
  ClassView site;
  site.kind = ClassKind::Mutex;
  site.site.pc = 0x401234;
  site.site.module = "/usr/lib/libring.so";
  site.site.offset = 0x1234;
  site.site.file = "/home/u/src/ring.c";
  site.site.line = 42;
  site.site.column = 7;
  site.site.function = "ring_create";
  EXPECT_STREQ(class_display_name(site, buf, sizeof buf), "mutex ring.c:42:7 in ring_create");
  ClassView nocol = site;
  nocol.site.column = 0;
  EXPECT_STREQ(class_display_name(nocol, buf, sizeof buf), "mutex ring.c:42 in ring_create");

  // A static object by its own symbol, inside a larger one by its offset.
  ClassView stat = site;
  stat.flags = kClassStatic;
  stat.site.function = "m1";
  EXPECT_STREQ(class_display_name(stat, buf, sizeof buf), "mutex m1");
  stat.site.function = "g_state";
  stat.site.symbol_offset = 0x40;
  EXPECT_STREQ(class_display_name(stat, buf, sizeof buf), "mutex g_state+0x40");
  // No symbol holds it: where it is in its module.
  ClassView nosym = stat;
  nosym.site.function = nullptr;
  nosym.site.file = nullptr;
  EXPECT_STREQ(class_display_name(nosym, buf, sizeof buf), "mutex libring.so+0x1234");

  ClassView entry;
  entry.kind = ClassKind::ThreadExit;
  entry.flags = kClassEntry;
  entry.site.pc = 0x401000;
  entry.site.function = "worker";
  EXPECT_STREQ(class_display_name(entry, buf, sizeof buf), "thread-exit worker");

  // No debug info: module + offset, with the function when the symbol
  // table names it.
  ClassView mod;
  mod.kind = ClassKind::CondVar;
  mod.site.module = "/usr/bin/python3.11";
  mod.site.offset = 0x585ae6;
  EXPECT_STREQ(class_display_name(mod, buf, sizeof buf), "condvar python3.11+0x585ae6");
  mod.site.function = "PyThread_allocate_lock";
  EXPECT_STREQ(class_display_name(mod, buf, sizeof buf),
               "condvar python3.11+0x585ae6 in PyThread_allocate_lock");

  ClassView bare;
  bare.kind = ClassKind::Semaphore;
  bare.key = 0x1122334455667788ull;
  EXPECT_STREQ(class_display_name(bare, buf, sizeof buf), "semaphore#55667788");

  // Truncation into a small buffer stays NUL-terminated.
  char tiny[8];
  EXPECT_STREQ(class_display_name(site, tiny, sizeof tiny), "mutex r");
}

TEST(ClassDisplayName, LegacyForm) {
  char buf[128];
  ClassView site;
  site.kind = ClassKind::Mutex;
  site.site.pc = 0x401234;
  site.site.file = "/home/u/src/ring.c";
  site.site.line = 42;
  site.site.column = 7;
  site.site.function = "ring_create";
  EXPECT_STREQ(class_legacy_name(site, buf, sizeof buf), "mutex@ring.c:42");
  ClassView stat = site;
  stat.flags = kClassStatic;
  stat.site.function = "m1";
  EXPECT_STREQ(class_legacy_name(stat, buf, sizeof buf), "mutex@m1");
}

// Two classes that would print the same: the module offset of each site,
// then the key.
TEST(ClassDisplayName, QualifiedApart) {
  char a[128], b[128];
  ClassView x;
  x.key = 0x1111;
  x.kind = ClassKind::Mutex;
  x.site.pc = 0x401234;
  x.site.module = "/usr/lib/libring.so";
  x.site.offset = 0x1234;
  x.site.file = "/src/ring.c";
  x.site.line = 42;
  x.site.column = 7;
  x.site.function = "ring_create";
  ClassView y = x;
  y.key = 0x2222;
  y.site.offset = 0x1240; // one line, one column, two calls (a macro)
  ClassView x2 = x;       // another copy of x in the report
  ClassView *views[] = {&x, &y, &x2};
  qualify_class_names(views, 3);
  EXPECT_STREQ(class_display_name(x, a, sizeof a),
               "mutex ring.c:42:7 in ring_create [libring.so+0x1234]");
  EXPECT_STREQ(class_display_name(y, b, sizeof b),
               "mutex ring.c:42:7 in ring_create [libring.so+0x1240]");
  EXPECT_EQ(x2.qualify, x.qualify);
  // Same site, same offset, two keys (two wrapper chains): the key too.
  y.site.offset = 0x1234;
  qualify_class_names(views, 3);
  class_display_name(x, a, sizeof a);
  class_display_name(y, b, sizeof b);
  EXPECT_STRNE(a, b);
  EXPECT_STREQ(b, "mutex ring.c:42:7 in ring_create [libring.so+0x1234]#2222");
  // Different names: nothing added.
  y.site.line = 43;
  qualify_class_names(views, 3);
  EXPECT_EQ(x.qualify, 0);
  EXPECT_EQ(y.qualify, 0);
}

// The place of an acquisition steps out of inlined one-line lock wrappers,
// not out of other inlined functions nor out of real frames.
TEST(ReportPlace, StepsOutOfInlinedLockWrappers) {
  FrameView worker;
  worker.function = "worker";
  worker.file = "/src/q.c";
  worker.line = 20;
  worker.function_line = 18;
  FrameView lock;
  lock.function = "lock";
  lock.file = "/src/q.c";
  lock.line = 5;
  lock.function_line = 5; // `static void lock(struct q *q) { pthread_mutex_lock(&q->m); }`
  lock.inlined_into = &worker;
  EXPECT_EQ(&report_place(lock), &worker);
  // A longer function of the same file, inlined, that takes the lock
  // further down stays.
  FrameView push = lock;
  push.function = "push";
  push.function_line = 1;
  EXPECT_EQ(&report_place(push), &push);
  // Helpers inlined from headers, whatever their length: libstdc++'s
  // std::unique_lock -> std::mutex::lock -> __gthread_mutex_lock chain.
  FrameView user;
  user.function = "ba()";
  user.file = "/src/cx.cpp";
  user.line = 8;
  user.function_line = 5;
  FrameView ctor;
  ctor.function = "std::unique_lock<std::mutex>::unique_lock(std::mutex&)";
  ctor.file = "/usr/include/c++/12/bits/unique_lock.h";
  ctor.line = 69;
  ctor.function_line = 64;
  ctor.inlined_into = &user;
  FrameView ulock = ctor;
  ulock.function = "std::unique_lock<std::mutex>::lock()";
  ulock.line = 139;
  ulock.function_line = 131;
  ulock.inlined_into = &ctor;
  FrameView mlock;
  mlock.function = "std::mutex::lock()";
  mlock.file = "/usr/include/c++/12/bits/std_mutex.h";
  mlock.line = 100;
  mlock.function_line = 98;
  mlock.inlined_into = &ulock;
  FrameView gthr;
  gthr.function = "__gthread_mutex_lock(pthread_mutex_t*)";
  gthr.file = "/usr/include/x86_64-linux-gnu/c++/12/bits/gthr-default.h";
  gthr.line = 749;
  gthr.function_line = 746;
  gthr.inlined_into = &mlock;
  EXPECT_EQ(&report_place(gthr), &user);
  // Nothing known about the caller: the frame itself.
  FrameView real = lock;
  real.inlined_into = nullptr;
  EXPECT_EQ(&report_place(real), &real);
}

TEST(ReportPlace, HeldAtLineNamesTheCaller) {
  FrameView worker;
  worker.pc = 0x401100;
  worker.module = "/usr/bin/q";
  worker.offset = 0x1100;
  worker.function = "worker";
  worker.file = "/src/q.c";
  worker.line = 20;
  worker.column = 3;
  FrameView lock = worker;
  lock.function = "lock";
  lock.line = 5;
  lock.column = 71;
  lock.function_line = 5;
  lock.inlined_into = &worker;
  HeldView held[1];
  held[0].cls.name = "q->m";
  held[0].cls.key = 1;
  held[0].at = lock;
  ReportView r;
  r.kind = ReportKind::LockOrder;
  r.held = held;
  r.nheld = 1;
  std::string t(1 << 14, '\0');
  BufferWriter w(t.data(), t.size());
  print_report_text(r, w);
  t.resize(w.size());
  EXPECT_NE(t.find(" #0: (q->m), at: worker q.c:20:3\n"), std::string::npos) << t;
  std::string j(1 << 14, '\0');
  BufferWriter jw(j.data(), j.size());
  print_report_json(r, jw);
  j.resize(jw.size());
  json doc = json::parse(j);
  EXPECT_EQ(doc["held"][0]["at"]["function"], "lock");
  EXPECT_EQ(doc["held"][0]["at"]["inlined_into"]["function"], "worker");
  EXPECT_EQ(doc["held"][0]["place"]["function"], "worker");
  EXPECT_EQ(doc["held"][0]["place"]["line"], 20);
}

} // namespace
