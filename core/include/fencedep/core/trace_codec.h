// Encoding and decoding of native traces (docs/trace-format.md). The
// runtime encodes into fixed buffers without allocation; readers decode
// chunk by chunk and stop cleanly at the first incomplete one.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "fencedep/core/trace_format.h"

namespace fencedep {

inline constexpr char kTraceMagic[8] = {'F', 'E', 'N', 'C', 'E', 'D', 'E', 'P'};
// Version 2: chunk checksums are XXH3 instead of FNV-1a (a multiply per
// byte), and event records are packed: the op and every field's byte length
// in one 4-byte header, then the fields, so that a reader finds all of them
// at once instead of walking LEB128 bytes one field after the other.
// Version 1 traces stay readable.
inline constexpr uint32_t kTraceVersion = 2;
inline constexpr uint32_t kOldestTraceVersion = 1;
inline constexpr uint32_t kChunkMagic = 0x4b4e4843; // "CHNK"
inline constexpr size_t kFileHeaderSize = 32;
inline constexpr size_t kChunkHeaderSize = 28;

enum class ChunkType : uint16_t { Events = 1, Classes = 2, Modules = 3 };

struct FileHeader {
  uint32_t version;
  uint32_t pid;
  uint64_t start_ns;
};

struct ChunkHeader {
  ChunkType type;
  uint32_t pid;
  uint32_t tid;
  uint32_t payload_size;
  uint32_t count;
  uint32_t checksum;
};

struct TraceClass {
  ClassId id;
  uint64_t key;
  ClassKind kind;
  uint32_t flags;
  const char *name;   // may be null
  uint32_t name_len;
  const char *module; // may be null
  uint32_t module_len;
  uint64_t offset;
};

// A loaded module of the traced process, to symbolize pcs later.
struct TraceModule {
  uint64_t base;
  uint64_t size;
  const char *path;
  uint32_t path_len;
};

// Chunk payload checksum of the current version; trace_checksum_for() of any
// readable one (v1: FNV-1a 32-bit; v2: low 32 bits of XXH3-64, seed 0).
uint32_t trace_checksum(const uint8_t *p, size_t n);
uint32_t trace_checksum_for(uint32_t version, const uint8_t *p, size_t n);
void encode_file_header(uint8_t *out, const FileHeader &h);
void encode_chunk_header(uint8_t *out, const ChunkHeader &h);
// Appends one record at out[*pos]; false (nothing written) when it does not
// fit. Events are encoded as `version` lays them out (1 or 2).
bool encode_event(uint8_t *out, size_t cap, size_t *pos, const TraceEvent &e, uint64_t dt_ns,
                  uint32_t version = kTraceVersion);
bool encode_class(uint8_t *out, size_t cap, size_t *pos, const TraceClass &c);
bool encode_module(uint8_t *out, size_t cap, size_t *pos, const TraceModule &m);

namespace trace_detail {
bool get_varint_slow(const uint8_t *p, size_t n, size_t *pos, uint64_t *v);

// Up to eight bytes of LEB128 at once: the terminating byte is the first
// without its top bit; the 7-bit groups are then packed in three steps.
// Addresses and pcs take 5-7 bytes, and a byte loop mispredicts on their
// varying lengths.
inline __attribute__((always_inline)) bool get_varint_word(const uint8_t *p, size_t *pos,
                                                            uint64_t *v) {
  uint64_t w;
  memcpy(&w, p + *pos, 8);
  uint64_t stops = ~w & 0x8080808080808080ull;
  if (__builtin_expect(stops == 0, 0))
    return false; // 9 or 10 bytes
  unsigned bits = unsigned(__builtin_ctzll(stops)) + 1; // through the stop bit
  uint64_t x = (bits == 64 ? w : w & ((1ull << bits) - 1)) & 0x7f7f7f7f7f7f7f7full;
  x = (x & 0x007f007f007f007full) | ((x & 0x7f007f007f007f00ull) >> 1);
  x = (x & 0x00003fff00003fffull) | ((x & 0x3fff00003fff0000ull) >> 2);
  x = (x & 0x000000000fffffffull) | ((x & 0x0fffffff00000000ull) >> 4);
  *v = x;
  *pos += bits >> 3;
  return true;
}

// Most fields (class ids, small args, time deltas) fit one byte: decoded
// inline; longer ones a word at a time while eight bytes remain.
inline __attribute__((always_inline)) bool get_varint(const uint8_t *p, size_t n, size_t *pos,
                                                       uint64_t *v) {
  if (__builtin_expect(*pos < n && p[*pos] < 0x80, 1)) {
    *v = p[(*pos)++];
    return true;
  }
  if (__builtin_expect(n - *pos >= 8, 1) && get_varint_word(p, pos, v))
    return true;
  return get_varint_slow(p, n, pos, v);
}
// Low `n` bytes, n = 0..8.
inline constexpr uint64_t kByteMask[9] = {0,          0xff,           0xffff,
                                          0xffffff,   0xffffffff,     0xffffffffffull,
                                          0xffffffffffffull, 0xffffffffffffffull, ~0ull};

// Packed event record (version 2): op, then byte lengths of cls | obj << 4,
// arg | pc << 4, dt | cls2 << 4, then each field's low bytes, little-endian.
// Class ids take at most 4 bytes, other fields 8; cls2 only in awaits.
bool read_packed_event_slow(const uint8_t *p, size_t n, size_t *pos, TraceEvent *e, uint64_t *dt);
} // namespace trace_detail

// Pull decoder over an in-memory trace.
class TraceDecoder {
public:
  TraceDecoder(const uint8_t *data, size_t size) : data_(data), size_(size) {}

  enum class Item { FileHeader, Chunk, End, Truncated, Corrupt };
  // Advances to the next file header or chunk. On Truncated/Corrupt,
  // error() says what and offset() where.
  Item next();
  const FileHeader &file_header() const { return fh_; }
  const ChunkHeader &chunk() const { return ch_; }
  const uint8_t *payload() const { return data_ + payload_at_; }
  size_t offset() const { return item_at_; }
  const char *error() const { return error_; }
  size_t consumed() const { return pos_; }

  // Record decoders over a chunk payload. read_event (the current
  // version's packed layout) and read_event_v1 (LEB128) are inline: replay
  // decodes tens of millions of records.
  static inline __attribute__((always_inline)) bool read_event(const uint8_t *p, size_t n,
                                                                size_t *pos, TraceEvent *e,
                                                                uint64_t *dt);
  static inline __attribute__((always_inline)) bool read_event_v1(const uint8_t *p, size_t n,
                                                                   size_t *pos, TraceEvent *e,
                                                                   uint64_t *dt);
  static bool read_event_for(uint32_t version, const uint8_t *p, size_t n, size_t *pos,
                             TraceEvent *e, uint64_t *dt) {
    return version == 1 ? read_event_v1(p, n, pos, e, dt) : read_event(p, n, pos, e, dt);
  }
  static bool read_class(const uint8_t *p, size_t n, size_t *pos, TraceClass *c);
  static bool read_module(const uint8_t *p, size_t n, size_t *pos, TraceModule *m);

private:
  const uint8_t *data_;
  size_t size_;
  size_t pos_ = 0;
  size_t item_at_ = 0;
  size_t payload_at_ = 0;
  FileHeader fh_{};
  ChunkHeader ch_{};
  const char *error_ = nullptr;
};

namespace trace_detail {
template <bool (*Get)(const uint8_t *, size_t, size_t *, uint64_t *)>
inline __attribute__((always_inline)) bool read_event_with(const uint8_t *p, size_t n,
                                                            size_t *pos, TraceEvent *e,
                                                            uint64_t *dt) {
  if (*pos >= n)
    return false;
  uint8_t op = p[(*pos)++];
  if (op == 0 || op >= uint8_t(TraceOp::Count_))
    return false;
  uint64_t cls, obj, arg, pc, cls2 = 0;
  if (!Get(p, n, pos, &cls) || !Get(p, n, pos, &obj) || !Get(p, n, pos, &arg) ||
      !Get(p, n, pos, &pc) || !Get(p, n, pos, dt))
    return false;
  if (TraceOp(op) == TraceOp::Await && !Get(p, n, pos, &cls2))
    return false;
  if (cls > 0xffffffffu || cls2 > 0xffffffffu)
    return false;
  *e = TraceEvent{TraceOp(op), 0, ClassId(cls), obj, arg, pc, ClassId(cls2)};
  return true;
}
} // namespace trace_detail

inline bool TraceDecoder::read_event(const uint8_t *p, size_t n, size_t *pos, TraceEvent *e,
                                     uint64_t *dt) {
  using trace_detail::kByteMask;
  // A record takes at most 4 + 4 + 4 * 8 + 4 bytes, and the header gives
  // every field's place: far from the end of the chunk the fields are
  // loaded in parallel, without bounds checks.
  if (__builtin_expect(n - *pos >= 64, 1)) {
    const uint8_t *r = p + *pos;
    uint32_t h;
    memcpy(&h, r, 4);
    unsigned op = h & 0xff, lc = (h >> 8) & 15, lo = (h >> 12) & 15, la = (h >> 16) & 15,
             lp = (h >> 20) & 15, ld = (h >> 24) & 15, lc2 = h >> 28;
    if (op == 0 || op >= unsigned(TraceOp::Count_) || lc > 4 || lo > 8 || la > 8 || lp > 8 ||
        ld > 8 || lc2 > (TraceOp(op) == TraceOp::Await ? 4u : 0u))
      return false;
    size_t o1 = 4 + lc, o2 = o1 + lo, o3 = o2 + la, o4 = o3 + lp, o5 = o4 + ld;
    uint64_t w0, w1, w2, w3, w4, w5;
    memcpy(&w0, r + 4, 8);
    memcpy(&w1, r + o1, 8);
    memcpy(&w2, r + o2, 8);
    memcpy(&w3, r + o3, 8);
    memcpy(&w4, r + o4, 8);
    memcpy(&w5, r + o5, 8);
    *dt = w4 & kByteMask[ld];
    *e = TraceEvent{TraceOp(op),
                    0,
                    ClassId(w0 & kByteMask[lc]),
                    w1 & kByteMask[lo],
                    w2 & kByteMask[la],
                    w3 & kByteMask[lp],
                    ClassId(w5 & kByteMask[lc2])};
    *pos += o5 + lc2;
    return true;
  }
  return trace_detail::read_packed_event_slow(p, n, pos, e, dt);
}

inline bool TraceDecoder::read_event_v1(const uint8_t *p, size_t n, size_t *pos, TraceEvent *e,
                                        uint64_t *dt) {
  return trace_detail::read_event_with<trace_detail::get_varint>(p, n, pos, e, dt);
}

} // namespace fencedep
