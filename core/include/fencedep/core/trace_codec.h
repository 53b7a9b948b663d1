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
// Low `n` bytes, n = 0..8.
inline constexpr uint64_t kByteMask[9] = {0,          0xff,           0xffff,
                                          0xffffff,   0xffffffff,     0xffffffffffull,
                                          0xffffffffffffull, 0xffffffffffffffull, ~0ull};

// Packed event record (version 2): op, then byte lengths of cls | obj << 4,
// arg | pc << 4, dt | cls2 << 4, then each field's low bytes, little-endian.
// Class ids take at most 4 bytes, other fields 8; cls2 only in awaits.
// Splits the 4-byte header `h` into op and field lengths; false when it is
// not one of a packed record.
inline bool packed_header(uint32_t h, unsigned *op, unsigned len[6]) {
  *op = h & 0xff;
  for (unsigned f = 0; f < 6; ++f)
    len[f] = (h >> (8 + 4 * f)) & 15;
  return *op != 0 && *op < unsigned(TraceOp::Count_) && len[0] <= 4 && len[1] <= 8 &&
         len[2] <= 8 && len[3] <= 8 && len[4] <= 8 &&
         len[5] <= (TraceOp(*op) == TraceOp::Await ? 4u : 0u);
}
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
  // version's packed layout) is inline: replay decodes tens of millions of
  // records. read_event_v1 reads the LEB128 layout of version 1.
  static inline __attribute__((always_inline)) bool read_event(const uint8_t *p, size_t n,
                                                                size_t *pos, TraceEvent *e,
                                                                uint64_t *dt);
  static bool read_event_v1(const uint8_t *p, size_t n, size_t *pos, TraceEvent *e,
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
    unsigned op, len[6];
    if (!trace_detail::packed_header(h, &op, len))
      return false;
    unsigned lc = len[0], lo = len[1], la = len[2], lp = len[3], ld = len[4], lc2 = len[5];
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

} // namespace fencedep
