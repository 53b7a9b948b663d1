#include <gtest/gtest.h>

#include <string>

#include "fencedep/core/suppressions.h"

using namespace fencedep;

namespace {

bool parse(Suppressions &s, const std::string &text, std::string *err = nullptr) {
  char buf[256] = "untouched";
  bool ok = s.parse(text.data(), text.size(), buf, sizeof buf);
  if (err)
    *err = buf;
  return ok;
}

// A hand-built lock-order report: A -> B -> A, with one stack frame per edge.
struct Fixture {
  FrameView f_ab{0x1001, "/usr/lib/libgpu.so", 0x1001, "gpu_submit_locked", "/src/gpu/submit.c",
                 120, 3};
  FrameView f_ba{0x2002, "/usr/bin/app", 0x2002, "app_flush", "/src/app/flush.c", 88, 1};
  FrameView f_now{0x3003, "/usr/bin/app", 0x3003, "app_main", "/src/app/main.c", 7, 1};
  EdgeView chain[2];
  ReportView r;

  Fixture() {
    ClassView a, b;
    a.kind = b.kind = ClassKind::Mutex;
    a.name = "dev->lock";
    b.site.pc = 0x4004;
    b.site.file = "/src/gpu/ring.c";
    b.site.line = 42;
    b.site.column = 7;
    b.site.function = "ring_create"; // "mutex ring.c:42:7 in ring_create"
    chain[0].from = a;
    chain[0].to = b;
    chain[0].stack = &f_ab;
    chain[0].nstack = 1;
    chain[1].from = b;
    chain[1].to = a;
    chain[1].stack = &f_ba;
    chain[1].nstack = 1;
    r.kind = ReportKind::LockOrder;
    r.subject = b;
    r.chain = chain;
    r.nchain = 2;
    r.stack = &f_now;
    r.nstack = 1;
  }
};

TEST(Glob, Matching) {
  EXPECT_TRUE(glob_match("abc", "abc"));
  EXPECT_FALSE(glob_match("abc", "abcd"));
  EXPECT_FALSE(glob_match("abcd", "abc"));
  EXPECT_TRUE(glob_match("a*c", "ac"));
  EXPECT_TRUE(glob_match("a*c", "abbbc"));
  EXPECT_FALSE(glob_match("a*c", "abbbd"));
  EXPECT_TRUE(glob_match("a?c", "abc"));
  EXPECT_FALSE(glob_match("a?c", "ac"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("", ""));
  EXPECT_FALSE(glob_match("", "x"));
  EXPECT_TRUE(glob_match("**", "anything"));
  EXPECT_TRUE(glob_match("a*b*c", "axxbyyc"));
  EXPECT_TRUE(glob_match("a*b*c", "abcbc"));      // needs backtracking
  EXPECT_FALSE(glob_match("a*b*c", "axxbyyd"));
  EXPECT_TRUE(glob_match("*lock", "dev->lock"));
  EXPECT_TRUE(glob_match("mutex@*.c:*", "mutex@ring.c:42"));
}

TEST(Suppressions, ParsesRulesCommentsAndBlankLines) {
  Suppressions s;
  std::string err;
  ASSERT_TRUE(parse(s, "# fencedep suppressions\n\n  class:dev->lock  \n\tframe:foo\n"
                       "   # indented comment\nreport:wait-*\r\n",
                    &err))
      << err;
  EXPECT_EQ(s.size(), 3u);
  Suppressions empty;
  ASSERT_TRUE(parse(empty, ""));
  EXPECT_EQ(empty.size(), 0u);
  Fixture f;
  EXPECT_FALSE(empty.matches(f.r));
}

TEST(Suppressions, ClassRule) {
  Fixture f;
  Suppressions exact, glob, site, other;
  ASSERT_TRUE(parse(exact, "class:dev->lock"));
  ASSERT_TRUE(parse(glob, "class:dev->*"));
  ASSERT_TRUE(parse(site, "class:mutex@ring.c:*"));
  ASSERT_TRUE(parse(other, "class:dev->lock2\nclass:lock"));
  EXPECT_TRUE(exact.matches(f.r));
  EXPECT_TRUE(glob.matches(f.r));
  EXPECT_TRUE(site.matches(f.r));
  // Class patterns are anchored (no implied '*').
  EXPECT_FALSE(other.matches(f.r));
}

// Rules name a class as reports print it now, or as they printed it before
// sites had a column and a function (`mutex@ring.c:42`): files written for
// either keep working.
TEST(Suppressions, ClassRuleAcceptsTheNewAndTheOldName) {
  Fixture f;
  Suppressions now, now_glob, old_exact, old_glob, wrong_line, wrong_fn;
  ASSERT_TRUE(parse(now, "class:mutex ring.c:42:7 in ring_create"));
  ASSERT_TRUE(parse(now_glob, "class:mutex ring.c:42:* in ring_*"));
  ASSERT_TRUE(parse(old_exact, "class:mutex@ring.c:42"));
  ASSERT_TRUE(parse(old_glob, "class:mutex@ring.c:*"));
  ASSERT_TRUE(parse(wrong_line, "class:mutex ring.c:43:7 in ring_create\nclass:mutex@ring.c:43"));
  ASSERT_TRUE(parse(wrong_fn, "class:mutex ring.c:42:7 in ring_destroy"));
  EXPECT_TRUE(now.matches(f.r));
  EXPECT_TRUE(now_glob.matches(f.r));
  EXPECT_TRUE(old_exact.matches(f.r));
  EXPECT_TRUE(old_glob.matches(f.r));
  EXPECT_FALSE(wrong_line.matches(f.r));
  EXPECT_FALSE(wrong_fn.matches(f.r));
}

// A static lock: its symbol, as `mutex m1` or the old `mutex@m1`.
TEST(Suppressions, ClassRuleMatchesAStaticLockBothWays) {
  Fixture f;
  ClassView m1;
  m1.kind = ClassKind::Mutex;
  m1.flags = kClassStatic;
  m1.site.pc = 0x5005;
  m1.site.module = "/usr/bin/app";
  m1.site.function = "m1";
  f.chain[1].to = m1;
  Suppressions now, old;
  ASSERT_TRUE(parse(now, "class:mutex m1"));
  ASSERT_TRUE(parse(old, "class:mutex@m1"));
  EXPECT_TRUE(now.matches(f.r));
  EXPECT_TRUE(old.matches(f.r));
}

TEST(Suppressions, ClassRuleMatchesTheLrFence) {
  Suppressions s;
  ASSERT_TRUE(parse(s, "class:xe-lr-*"));
  ReportView r;
  r.kind = ReportKind::LrViolation;
  r.subject.kind = ClassKind::Fence;
  r.subject.name = "xe-lr-exec";
  EXPECT_TRUE(s.matches(r));
  r.subject.name = "xe-exec";
  EXPECT_FALSE(s.matches(r));
}

TEST(Suppressions, FrameRuleMatchesAnywhereInAnyStack) {
  Fixture f;
  Suppressions fn, sub, file, mod, none;
  ASSERT_TRUE(parse(fn, "frame:gpu_submit_locked"));
  ASSERT_TRUE(parse(sub, "frame:submit")); // implied *submit*
  ASSERT_TRUE(parse(file, "frame:app/flush.c"));
  ASSERT_TRUE(parse(mod, "frame:libgpu.so"));
  ASSERT_TRUE(parse(none, "frame:vulkan_*_queue"));
  EXPECT_TRUE(fn.matches(f.r));
  EXPECT_TRUE(sub.matches(f.r));
  EXPECT_TRUE(file.matches(f.r));
  EXPECT_TRUE(mod.matches(f.r));
  EXPECT_FALSE(none.matches(f.r));
  // The reporting thread's own stack counts too.
  Suppressions now;
  ASSERT_TRUE(parse(now, "frame:app_m?in"));
  EXPECT_TRUE(now.matches(f.r));
  f.r.nstack = 0;
  EXPECT_FALSE(now.matches(f.r));
}

TEST(Suppressions, ReportRule) {
  Fixture f;
  Suppressions lo, wait, all;
  ASSERT_TRUE(parse(lo, "report:lock-order"));
  ASSERT_TRUE(parse(wait, "report:wait-*"));
  ASSERT_TRUE(parse(all, "report:*"));
  EXPECT_TRUE(lo.matches(f.r));
  EXPECT_FALSE(wait.matches(f.r));
  EXPECT_TRUE(all.matches(f.r));
  f.r.kind = ReportKind::WaitCycle;
  EXPECT_FALSE(lo.matches(f.r));
  EXPECT_TRUE(wait.matches(f.r));
}

TEST(Suppressions, CarriageReturnIsNotPartOfThePattern) {
  Suppressions s;
  ASSERT_TRUE(parse(s, "report:lock-order\r\n"));
  Fixture f;
  EXPECT_TRUE(s.matches(f.r));
}

TEST(Suppressions, UnknownTypeNamesLineAndColumn) {
  Suppressions s;
  std::string err;
  EXPECT_FALSE(parse(s, "class:a\n# c\n   clas:b\n", &err));
  EXPECT_NE(err.find("line 3, column 4"), std::string::npos) << err;
  EXPECT_NE(err.find("unknown rule type 'clas'"), std::string::npos) << err;
}

TEST(Suppressions, MissingColonOrPatternNamesLineAndColumn) {
  Suppressions a, b;
  std::string err;
  EXPECT_FALSE(parse(a, "report:lock-order\n\tjust-a-name\n", &err));
  EXPECT_NE(err.find("line 2, column 2"), std::string::npos) << err;
  EXPECT_NE(err.find("expected 'type:pattern'"), std::string::npos) << err;
  EXPECT_FALSE(parse(b, "frame:\n", &err));
  EXPECT_NE(err.find("line 1, column 1"), std::string::npos) << err;
}

TEST(Suppressions, FirstErrorIsReportedGoodRulesStillLoad) {
  Suppressions s;
  std::string err;
  EXPECT_FALSE(parse(s, "bogus\nclass:x\nfoo:bar\n", &err));
  EXPECT_EQ(err.rfind("line 1, column 1", 0), 0u) << err;
  EXPECT_EQ(err.find("line 3"), std::string::npos) << err;
  EXPECT_EQ(s.size(), 1u);
}

TEST(Suppressions, TooManyRules) {
  Suppressions s;
  std::string text;
  for (int i = 0; i < 300; ++i)
    text += "class:c" + std::to_string(i) + "\n";
  std::string err;
  EXPECT_FALSE(parse(s, text, &err));
  EXPECT_NE(err.find("line 257"), std::string::npos) << err;
  EXPECT_NE(err.find("too many rules"), std::string::npos) << err;
  EXPECT_EQ(s.size(), 256u);
}

} // namespace
