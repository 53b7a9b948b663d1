// Encoding and decoding of native traces (docs/trace-format.md). The
// runtime encodes into fixed buffers without allocation; readers decode
// chunk by chunk and stop cleanly at the first incomplete one.
#pragma once
#include <cstddef>
#include <cstdint>

#include "fencedep/core/trace_format.h"

namespace fencedep {

inline constexpr char kTraceMagic[8] = {'F', 'E', 'N', 'C', 'E', 'D', 'E', 'P'};
inline constexpr uint32_t kTraceVersion = 1;
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

uint32_t trace_checksum(const uint8_t *p, size_t n);
void encode_file_header(uint8_t *out, const FileHeader &h);
void encode_chunk_header(uint8_t *out, const ChunkHeader &h);
// Appends one record at out[*pos]; false (nothing written) when it does not fit.
bool encode_event(uint8_t *out, size_t cap, size_t *pos, const TraceEvent &e, uint64_t dt_ns);
bool encode_class(uint8_t *out, size_t cap, size_t *pos, const TraceClass &c);
bool encode_module(uint8_t *out, size_t cap, size_t *pos, const TraceModule &m);

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

  // Record decoders over a chunk payload.
  static bool read_event(const uint8_t *p, size_t n, size_t *pos, TraceEvent *e, uint64_t *dt);
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

} // namespace fencedep
