// The native trace codec (docs/trace-format.md): records round-trip, and a
// reader stops cleanly at the first chunk that is cut short or corrupt.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "trace_test_support.h"

using namespace fencedep;
using fdtest::ev;
using fdtest::TraceBuilder;

namespace {

TEST(TraceCodec, EventsRoundTrip) {
  const TraceEvent in[] = {
      ev(TraceOp::Acquire, 1, 0x7ffd1000, 0, 0x401234),
      ev(TraceOp::TryAcquireRead, 0xffffffffu, UINT64_MAX, UINT64_MAX, UINT64_MAX),
      ev(TraceOp::WaitBegin, 3, 0x5000, 0x6000, 0x401240),
      ev(TraceOp::Await, 4, 0xf1, 0xf2, 0x401250, 9),
      ev(TraceOp::ThreadExit, 0, 0, 0, 0),
  };
  uint8_t buf[512];
  size_t pos = 0;
  uint64_t dts[] = {0, 127, 128, UINT64_MAX, 1};
  for (size_t i = 0; i < 5; ++i)
    ASSERT_TRUE(encode_event(buf, sizeof buf, &pos, in[i], dts[i]));
  size_t end = pos;
  pos = 0;
  for (size_t i = 0; i < 5; ++i) {
    TraceEvent out;
    uint64_t dt = 0;
    ASSERT_TRUE(TraceDecoder::read_event(buf, end, &pos, &out, &dt)) << i;
    EXPECT_EQ(out.op, in[i].op) << i;
    EXPECT_EQ(out.cls, in[i].cls) << i;
    EXPECT_EQ(out.object, in[i].object) << i;
    EXPECT_EQ(out.arg, in[i].arg) << i;
    EXPECT_EQ(out.pc, in[i].pc) << i;
    EXPECT_EQ(out.cls2, in[i].cls2) << i;
    EXPECT_EQ(dt, dts[i]) << i;
  }
  EXPECT_EQ(pos, end);
  TraceEvent out;
  uint64_t dt;
  EXPECT_FALSE(TraceDecoder::read_event(buf, end, &pos, &out, &dt));
}

TEST(TraceCodec, EncodeEventDoesNotOverrun) {
  uint8_t buf[8];
  size_t pos = 0;
  TraceEvent big = ev(TraceOp::Acquire, 1, UINT64_MAX, UINT64_MAX, UINT64_MAX);
  EXPECT_FALSE(encode_event(buf, sizeof buf, &pos, big, 0));
  EXPECT_EQ(pos, 0u);
  TraceEvent small = ev(TraceOp::Release, 1, 2, 0, 3);
  EXPECT_TRUE(encode_event(buf, sizeof buf, &pos, small, 0));
  EXPECT_EQ(pos, 7u); // op, field lengths, three one-byte fields, two empty ones
  EXPECT_FALSE(encode_event(buf, sizeof buf, &pos, small, 0));
  EXPECT_EQ(pos, 7u);
}

// Packed records (version 2): op, the six fields' byte lengths, the fields.
TEST(TraceCodec, BadEventsAreRejected) {
  const uint8_t A = uint8_t(TraceOp::Acquire);
  std::vector<std::vector<uint8_t>> bad = {
      {0, 0x11, 0x11, 0x01, 1, 2, 3, 4, 5},                        // op 0
      {uint8_t(TraceOp::Count_), 0x11, 0x11, 0x01, 1, 2, 3, 4, 5}, // op past the last
      {A, 0x11, 0x11, 0x01, 1, 2, 3},                              // fields cut short
      {A, 0x11},                                                   // header cut short
      {A, 0x15, 0x11, 0x01, 1, 1, 1, 1, 1, 2, 3, 4},               // class id of 5 bytes
      {A, 0x91, 0x11, 0x01, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},   // object of 9 bytes
      {A, 0x11, 0x11, 0x11, 1, 2, 3, 4, 5, 6},                     // cls2 outside an await
      {uint8_t(TraceOp::Await), 0x11, 0x11, 0x51, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5}, // cls2 of 5
  };
  TraceEvent e;
  uint64_t dt;
  for (const auto &b : bad)
    for (size_t pad : {size_t(0), size_t(64)}) {
      // Far from the end of a chunk (fast path) and at its end (checked path).
      std::vector<uint8_t> buf = b;
      buf.resize(b.size() + pad, 0);
      size_t pos = 0;
      bool cut = b.size() < 4 || &b == &bad[2];
      if (cut && pad)
        continue; // with more bytes behind it the record is whole
      EXPECT_FALSE(TraceDecoder::read_event(buf.data(), buf.size(), &pos, &e, &dt))
          << unsigned(b[0]) << " " << unsigned(b[1]) << " pad " << pad;
    }
  // Version 1 (LEB128): a class id above 32 bits.
  uint8_t wide_v1[] = {uint8_t(TraceOp::Acquire), 0x80, 0x80, 0x80, 0x80, 0x10, 1, 1, 1, 1};
  size_t pos = 0;
  EXPECT_FALSE(TraceDecoder::read_event_v1(wide_v1, sizeof wide_v1, &pos, &e, &dt));
  // A packed record read field by field: zero-length fields are 0.
  uint8_t one[] = {uint8_t(TraceOp::Release), 0x81, 0x00, 0x01, 0x7f, 1, 2, 3, 4, 5, 6, 7, 8, 0x28};
  pos = 0;
  ASSERT_TRUE(TraceDecoder::read_event(one, sizeof one, &pos, &e, &dt));
  EXPECT_EQ(e.op, TraceOp::Release);
  EXPECT_EQ(e.cls, 127u);
  EXPECT_EQ(e.object, 0x0807060504030201ull);
  EXPECT_EQ(e.arg, 0u);
  EXPECT_EQ(e.pc, 0u);
  EXPECT_EQ(dt, 0x28u);
  EXPECT_EQ(pos, sizeof one);
}

TEST(TraceCodec, ClassesRoundTrip) {
  auto bytes = fdtest::encode_classes({
      fdtest::trace_class(1, 0x1122334455667788ull, ClassKind::Fence, "gpu-ring",
                          kClassLongRunning | kClassNamed),
      fdtest::trace_class(2, 0x99, ClassKind::Mutex, nullptr, kClassStatic, "/usr/lib/libgpu.so",
                          0x4040),
  });
  ASSERT_FALSE(bytes.empty());
  size_t pos = 0;
  TraceClass c;
  ASSERT_TRUE(TraceDecoder::read_class(bytes.data(), bytes.size(), &pos, &c));
  EXPECT_EQ(c.id, 1u);
  EXPECT_EQ(c.key, 0x1122334455667788ull);
  EXPECT_EQ(c.kind, ClassKind::Fence);
  EXPECT_EQ(c.flags, kClassLongRunning | kClassNamed);
  EXPECT_EQ(std::string(c.name, c.name_len), "gpu-ring");
  EXPECT_EQ(c.module, nullptr);
  ASSERT_TRUE(TraceDecoder::read_class(bytes.data(), bytes.size(), &pos, &c));
  EXPECT_EQ(c.id, 2u);
  EXPECT_EQ(c.name, nullptr);
  EXPECT_EQ(c.name_len, 0u);
  EXPECT_EQ(std::string(c.module, c.module_len), "/usr/lib/libgpu.so");
  EXPECT_EQ(c.offset, 0x4040u);
  EXPECT_EQ(pos, bytes.size());
  // A name length running past the payload is rejected.
  auto one = fdtest::encode_classes({fdtest::trace_class(3, 1, ClassKind::Mutex, "abcdef")});
  one.resize(one.size() - 4);
  pos = 0;
  EXPECT_FALSE(TraceDecoder::read_class(one.data(), one.size(), &pos, &c));
  // An unknown class kind is rejected.
  auto bad = fdtest::encode_classes({fdtest::trace_class(3, 1, ClassKind::Mutex, "x")});
  bad[1 + 8] = uint8_t(ClassKind::Count_);
  pos = 0;
  EXPECT_FALSE(TraceDecoder::read_class(bad.data(), bad.size(), &pos, &c));
}

TEST(TraceCodec, ModulesRoundTrip) {
  uint8_t buf[128];
  size_t pos = 0;
  const char *path = "/usr/bin/app";
  ASSERT_TRUE(encode_module(buf, sizeof buf, &pos,
                            TraceModule{0x555500000000, 0x21000, path, uint32_t(strlen(path))}));
  size_t end = pos;
  pos = 0;
  TraceModule m;
  ASSERT_TRUE(TraceDecoder::read_module(buf, end, &pos, &m));
  EXPECT_EQ(m.base, 0x555500000000u);
  EXPECT_EQ(m.size, 0x21000u);
  EXPECT_EQ(std::string(m.path, m.path_len), path);
  pos = 0;
  EXPECT_FALSE(TraceDecoder::read_module(buf, end - 1, &pos, &m));
}

TEST(TraceCodec, DecoderWalksHeadersAndChunks) {
  TraceBuilder b;
  b.file_header(100, /*extra trailing header bytes=*/8);
  b.classes(100, {fdtest::trace_class(1, 0x42, ClassKind::Mutex, "A")});
  b.events(100, 101, {ev(TraceOp::Acquire, 1, 0x10), ev(TraceOp::Release, 1, 0x10)});
  b.chunk(ChunkType(77), 100, 0, {1, 2, 3}); // unknown type: still a chunk
  b.file_header(200);
  TraceDecoder d(b.bytes.data(), b.bytes.size());
  ASSERT_EQ(d.next(), TraceDecoder::Item::FileHeader);
  EXPECT_EQ(d.file_header().pid, 100u);
  EXPECT_EQ(d.file_header().start_ns, 1000u);
  ASSERT_EQ(d.next(), TraceDecoder::Item::Chunk);
  EXPECT_EQ(d.chunk().type, ChunkType::Classes);
  EXPECT_EQ(d.offset(), kFileHeaderSize + 8);
  ASSERT_EQ(d.next(), TraceDecoder::Item::Chunk);
  EXPECT_EQ(d.chunk().type, ChunkType::Events);
  EXPECT_EQ(d.chunk().tid, 101u);
  EXPECT_EQ(d.chunk().count, 2u);
  size_t pos = 0;
  TraceEvent e;
  uint64_t dt;
  ASSERT_TRUE(TraceDecoder::read_event(d.payload(), d.chunk().payload_size, &pos, &e, &dt));
  EXPECT_EQ(e.op, TraceOp::Acquire);
  ASSERT_EQ(d.next(), TraceDecoder::Item::Chunk);
  EXPECT_EQ(uint16_t(d.chunk().type), 77u);
  ASSERT_EQ(d.next(), TraceDecoder::Item::FileHeader);
  EXPECT_EQ(d.file_header().pid, 200u);
  EXPECT_EQ(d.next(), TraceDecoder::Item::End);
  EXPECT_EQ(d.consumed(), b.bytes.size());
}

TEST(TraceCodec, TruncatedChunkStopsTheReader) {
  TraceBuilder b;
  b.file_header(100);
  b.events(100, 101, {ev(TraceOp::Acquire, 1, 0x10)});
  size_t second = b.bytes.size();
  b.events(100, 101, {ev(TraceOp::Release, 1, 0x10), ev(TraceOp::Acquire, 1, 0x20)});
  // Every cut inside the second chunk (header or payload) is "truncated" at
  // the second chunk's offset; the first chunk is still read.
  for (size_t cut = second + 1; cut < b.bytes.size(); ++cut) {
    TraceDecoder d(b.bytes.data(), cut);
    ASSERT_EQ(d.next(), TraceDecoder::Item::FileHeader);
    ASSERT_EQ(d.next(), TraceDecoder::Item::Chunk);
    TraceDecoder::Item it = d.next();
    EXPECT_EQ(it, TraceDecoder::Item::Truncated) << "cut at " << cut;
    EXPECT_EQ(d.offset(), second);
    EXPECT_NE(d.error(), nullptr);
  }
  TraceDecoder cut_header(b.bytes.data(), 20);
  EXPECT_EQ(cut_header.next(), TraceDecoder::Item::Truncated);
  EXPECT_STREQ(cut_header.error(), "file header cut short");
}

TEST(TraceCodec, CorruptionIsReported) {
  TraceBuilder b;
  b.file_header(100);
  size_t chunk_at = b.bytes.size();
  b.events(100, 101, {ev(TraceOp::Acquire, 1, 0x10)});
  {
    auto bytes = b.bytes;
    bytes.back() ^= 0x01; // payload bit flip
    TraceDecoder d(bytes.data(), bytes.size());
    ASSERT_EQ(d.next(), TraceDecoder::Item::FileHeader);
    EXPECT_EQ(d.next(), TraceDecoder::Item::Corrupt);
    EXPECT_STREQ(d.error(), "chunk checksum mismatch");
    EXPECT_EQ(d.offset(), chunk_at);
  }
  {
    auto bytes = b.bytes;
    bytes[chunk_at] = 'X'; // chunk magic
    TraceDecoder d(bytes.data(), bytes.size());
    ASSERT_EQ(d.next(), TraceDecoder::Item::FileHeader);
    EXPECT_EQ(d.next(), TraceDecoder::Item::Corrupt);
    EXPECT_STREQ(d.error(), "expected a chunk or file header");
  }
  {
    auto bytes = b.bytes;
    bytes[8] = 9; // version
    TraceDecoder d(bytes.data(), bytes.size());
    EXPECT_EQ(d.next(), TraceDecoder::Item::Corrupt);
    EXPECT_STREQ(d.error(), "unsupported trace version");
  }
  {
    auto bytes = b.bytes;
    uint32_t hs = 8; // header size below the minimum
    memcpy(bytes.data() + 12, &hs, 4);
    TraceDecoder d(bytes.data(), bytes.size());
    EXPECT_EQ(d.next(), TraceDecoder::Item::Corrupt);
  }
}

TEST(TraceCodec, ChecksumV1IsFnv1a32) {
  EXPECT_EQ(trace_checksum_for(1, nullptr, 0), 2166136261u);
  const uint8_t a[] = {'a'};
  EXPECT_EQ(trace_checksum_for(1, a, 1), 0xe40c292cu);
  const uint8_t foobar[] = {'f', 'o', 'o', 'b', 'a', 'r'};
  EXPECT_EQ(trace_checksum_for(1, foobar, 6), 0xbf9cf968u);
}

TEST(TraceCodec, ChecksumV2IsXxh3Low32) {
  // XXH3_64bits("") = 0x2d06800538d394c2 (the reference test vector).
  EXPECT_EQ(trace_checksum(nullptr, 0), 0x38d394c2u);
  EXPECT_EQ(trace_checksum_for(2, nullptr, 0), 0x38d394c2u);
  // Every byte and every position counts, as with FNV-1a.
  std::vector<uint8_t> big(70000);
  for (size_t i = 0; i < big.size(); ++i)
    big[i] = uint8_t(i * 7 + 3);
  uint32_t h = trace_checksum(big.data(), big.size());
  for (size_t at : {size_t(0), size_t(17), size_t(4096), big.size() - 1}) {
    big[at] ^= 0x40;
    EXPECT_NE(trace_checksum(big.data(), big.size()), h) << at;
    big[at] ^= 0x40;
  }
  EXPECT_NE(trace_checksum_for(1, big.data(), big.size()), h);
}

// Version 1 traces (FNV-1a checksums) read as before; a chunk's checksum is
// that of its file header's version.
TEST(TraceCodec, Version1TracesStillRead) {
  TraceBuilder v1;
  v1.version = 1;
  v1.file_header(100);
  v1.events(100, 101, {ev(TraceOp::Acquire, 1, 0x10), ev(TraceOp::Release, 1, 0x10)});
  TraceDecoder d(v1.bytes.data(), v1.bytes.size());
  ASSERT_EQ(d.next(), TraceDecoder::Item::FileHeader);
  EXPECT_EQ(d.file_header().version, 1u);
  EXPECT_EQ(d.next(), TraceDecoder::Item::Chunk);
  EXPECT_EQ(d.next(), TraceDecoder::Item::End);

  // The same bytes claiming version 2 fail the v2 checksum.
  auto bytes = v1.bytes;
  bytes[8] = 2;
  TraceDecoder d2(bytes.data(), bytes.size());
  ASSERT_EQ(d2.next(), TraceDecoder::Item::FileHeader);
  EXPECT_EQ(d2.next(), TraceDecoder::Item::Corrupt);
  EXPECT_STREQ(d2.error(), "chunk checksum mismatch");

  bytes[8] = 0;
  TraceDecoder d0(bytes.data(), bytes.size());
  EXPECT_EQ(d0.next(), TraceDecoder::Item::Corrupt);
  EXPECT_STREQ(d0.error(), "unsupported trace version");
}

// Fields of every length, in both record layouts, in the middle of a
// payload (version 2: the unchecked fast path) and in its last bytes (the
// bounds-checked path).
TEST(TraceCodec, FieldsOfEveryLength) {
  for (uint32_t version : {1u, 2u}) {
    SCOPED_TRACE(version);
    std::vector<uint64_t> values;
    for (unsigned k = 0; k < 64; ++k) {
      uint64_t p = 1ull << k;
      values.insert(values.end(), {p - 1, p, p + 1, p | (p >> 1), ~0ull >> (63 - k)});
    }
    values.push_back(UINT64_MAX);
    for (uint64_t v : values) {
      TraceEvent in = ev(TraceOp::WaitBegin, ClassId(v & 0xffffffffu), v, ~v, v >> 3);
      for (size_t pad : {size_t(0), size_t(64)}) {
        std::vector<uint8_t> buf(128 + pad);
        size_t pos = 0;
        ASSERT_TRUE(encode_event(buf.data(), buf.size(), &pos, in, v ^ 0x5555, version));
        size_t end = pos;
        // Trailing bytes of other records let the word path read past the end.
        for (size_t i = end; i < end + pad; ++i)
          buf[i] = 0x80 | uint8_t(i);
        pos = 0;
        TraceEvent out;
        uint64_t dt = 0;
        ASSERT_TRUE(TraceDecoder::read_event_for(version, buf.data(), end + pad, &pos, &out, &dt))
            << v;
        EXPECT_EQ(pos, end) << v;
        EXPECT_EQ(out.cls, in.cls) << v;
        EXPECT_EQ(out.object, v) << v;
        EXPECT_EQ(out.arg, ~v) << v;
        EXPECT_EQ(out.pc, v >> 3) << v;
        EXPECT_EQ(dt, v ^ 0x5555) << v;
      }
    }
  }
  // A LEB128 varint longer than ten bytes is corrupt on both paths.
  for (size_t pad : {size_t(0), size_t(16)}) {
    std::vector<uint8_t> buf(1 + 11 + pad, 0x80);
    buf[0] = uint8_t(TraceOp::Release);
    buf[11] = 0x01;
    size_t pos = 0;
    TraceEvent out;
    uint64_t dt;
    EXPECT_FALSE(TraceDecoder::read_event_v1(buf.data(), 12, &pos, &out, &dt));
    pos = 0;
    EXPECT_FALSE(TraceDecoder::read_event_v1(buf.data(), buf.size(), &pos, &out, &dt));
  }
}

TEST(TraceCodec, OpNames) {
  EXPECT_STREQ(trace_op_name(TraceOp::Acquire), "acquire");
  EXPECT_STREQ(trace_op_name(TraceOp::WaitBegin), "wait-begin");
  EXPECT_STREQ(trace_op_name(TraceOp::ThreadExit), "thread-exit");
}

} // namespace
