#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <string>

#include "fencedep/core/types.h"
#include "fencedep/core/writer.h"

using namespace fencedep;

namespace {

TEST(Types, NamesRoundTrip) {
  for (unsigned i = 0; i < unsigned(ClassKind::Count_); ++i) {
    ClassKind k;
    ASSERT_TRUE(parse_class_kind(class_kind_name(ClassKind(i)), &k)) << i;
    EXPECT_EQ(unsigned(k), i);
  }
  for (unsigned i = 0; i < unsigned(EdgeKind::Count_); ++i) {
    EdgeKind k;
    ASSERT_TRUE(parse_edge_kind(edge_kind_name(EdgeKind(i)), &k)) << i;
    EXPECT_EQ(unsigned(k), i);
  }
  for (unsigned i = 0; i < unsigned(ReportKind::Count_); ++i) {
    ReportKind k;
    ASSERT_TRUE(parse_report_kind(report_kind_name(ReportKind(i)), &k)) << i;
    EXPECT_EQ(unsigned(k), i);
  }
  for (unsigned i = 0; i < 4; ++i) {
    LrUse u;
    ASSERT_TRUE(parse_lr_use(lr_use_id(LrUse(i)), &u)) << i;
    EXPECT_EQ(unsigned(u), i);
  }
  ClassKind ck;
  EXPECT_FALSE(parse_class_kind("mutexx", &ck));
  EXPECT_STREQ(class_kind_name(ClassKind::Count_), "?");
  EXPECT_STREQ(report_kind_name(ReportKind::WaitCycle), "wait-cycle");
  EXPECT_STREQ(edge_kind_name(EdgeKind::Section), "section");
}

TEST(Types, KindPredicatesAndDepTypes) {
  EXPECT_TRUE(is_lock_kind(ClassKind::RwLock));
  EXPECT_TRUE(is_lock_kind(ClassKind::UserLock));
  EXPECT_FALSE(is_lock_kind(ClassKind::Fence));
  EXPECT_TRUE(is_context_kind(ClassKind::Reclaim));
  EXPECT_TRUE(is_wait_kind(ClassKind::Semaphore));
  EXPECT_FALSE(is_wait_kind(ClassKind::Reclaim));
  EXPECT_FALSE(is_wait_kind(ClassKind::Mutex));
  EXPECT_EQ(dep_type(false, false), kDepNN);
  EXPECT_EQ(dep_type(false, true), kDepNR);
  EXPECT_EQ(dep_type(true, false), kDepRN);
  EXPECT_EQ(dep_type(true, true), kDepRR);
}

std::string fmt(void (*f)(Writer &)) {
  char buf[256];
  BufferWriter w(buf, sizeof buf);
  f(w);
  return std::string(buf, w.size());
}

TEST(Writer, Numbers) {
  EXPECT_EQ(fmt([](Writer &w) { w.dec(0); }), "0");
  EXPECT_EQ(fmt([](Writer &w) { w.dec(UINT64_MAX); }), "18446744073709551615");
  EXPECT_EQ(fmt([](Writer &w) { w.sdec(-42); }), "-42");
  EXPECT_EQ(fmt([](Writer &w) { w.sdec(INT64_MIN); }), "-9223372036854775808");
  EXPECT_EQ(fmt([](Writer &w) { w.hex(0); }), "0x0");
  EXPECT_EQ(fmt([](Writer &w) { w.hex(0xdeadbeef, false); }), "deadbeef");
  EXPECT_EQ(fmt([](Writer &w) { w.hex(UINT64_MAX); }), "0xffffffffffffffff");
  EXPECT_EQ(fmt([](Writer &w) { w.spaces(70).ch('|'); }), std::string(70, ' ') + "|");
}

TEST(Writer, JsonStringEscapes) {
  EXPECT_EQ(fmt([](Writer &w) { w.json_str(nullptr); }), "null");
  EXPECT_EQ(fmt([](Writer &w) { w.json_str(""); }), "\"\"");
  EXPECT_EQ(fmt([](Writer &w) { w.json_str("a\"b\\c\nd\te\rf\x01g\x1f"); }),
            "\"a\\\"b\\\\c\\nd\\te\\rf\\u0001g\\u001f\"");
}

TEST(Writer, BufferWriterTruncatesAndTerminates) {
  char buf[6];
  BufferWriter w(buf, sizeof buf);
  w.str("hello, world");
  EXPECT_EQ(w.size(), 5u);
  EXPECT_STREQ(w.c_str(), "hello");
  w.str("more");
  EXPECT_STREQ(w.c_str(), "hello");
  BufferWriter zero(nullptr, 0);
  zero.str("x"); // must not touch memory
  EXPECT_EQ(zero.size(), 0u);
}

TEST(Writer, FdWriterWritesEverythingOnFlush) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  std::string big(10000, 'x');
  {
    FdWriter w(p[1]);
    w.str("head:");
    w.str(big.c_str());
    w.dec(7);
  } // destructor flushes
  close(p[1]);
  std::string got;
  char buf[4096];
  for (ssize_t n; (n = read(p[0], buf, sizeof buf)) > 0;)
    got.append(buf, size_t(n));
  close(p[0]);
  EXPECT_EQ(got, "head:" + big + "7");
}

} // namespace
