#include "fencedep/core/trace_codec.h"

#include <cstring>

// Header-only use: the runtime links nothing beyond libc and libstdc++.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace fencedep {

static void put_u16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put_u32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put_u64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint16_t get_u16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t get_u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get_u64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static uint32_t fnv1a32(const uint8_t *p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 16777619u;
  }
  return h;
}

uint32_t trace_checksum(const uint8_t *p, size_t n) { return uint32_t(XXH3_64bits(p, n)); }

uint32_t trace_checksum_for(uint32_t version, const uint8_t *p, size_t n) {
  return version == 1 ? fnv1a32(p, n) : trace_checksum(p, n);
}

void encode_file_header(uint8_t *out, const FileHeader &h) {
  memcpy(out, kTraceMagic, 8);
  put_u32(out + 8, h.version);
  put_u32(out + 12, uint32_t(kFileHeaderSize));
  put_u32(out + 16, h.pid);
  put_u32(out + 20, 0);
  put_u64(out + 24, h.start_ns);
}

void encode_chunk_header(uint8_t *out, const ChunkHeader &h) {
  put_u32(out, kChunkMagic);
  put_u16(out + 4, uint16_t(h.type));
  put_u16(out + 6, 0);
  put_u32(out + 8, h.pid);
  put_u32(out + 12, h.tid);
  put_u32(out + 16, h.payload_size);
  put_u32(out + 20, h.count);
  put_u32(out + 24, h.checksum);
}

static size_t varint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Bytes a packed field needs: 0 for 0.
static unsigned packed_size(uint64_t v) {
  return v ? unsigned(8 - __builtin_clzll(v) / 8) : 0;
}

static void put_packed(uint8_t *out, size_t *pos, uint64_t v, unsigned len) {
  for (unsigned i = 0; i < len; ++i)
    out[(*pos)++] = uint8_t(v >> (8 * i));
}

bool trace_detail::read_packed_event_slow(const uint8_t *p, size_t n, size_t *pos, TraceEvent *e,
                                          uint64_t *dt) {
  if (n - *pos < 4)
    return false;
  const uint8_t *r = p + *pos;
  unsigned op, len[6];
  if (!packed_header(get_u32(r), &op, len))
    return false;
  size_t at = 4;
  uint64_t v[6];
  for (int f = 0; f < 6; ++f) {
    if (len[f] > n - *pos - at)
      return false;
    v[f] = 0;
    for (unsigned i = 0; i < len[f]; ++i)
      v[f] |= uint64_t(r[at + i]) << (8 * i);
    at += len[f];
  }
  *dt = v[4];
  *e = TraceEvent{TraceOp(op), 0, ClassId(v[0]), v[1], v[2], v[3], ClassId(v[5])};
  *pos += at;
  return true;
}

static void put_varint(uint8_t *out, size_t *pos, uint64_t v) {
  while (v >= 0x80) {
    out[(*pos)++] = uint8_t(v | 0x80);
    v >>= 7;
  }
  out[(*pos)++] = uint8_t(v);
}

static bool get_varint_slow(const uint8_t *p, size_t n, size_t *pos, uint64_t *v) {
  uint64_t r = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (*pos >= n)
      return false;
    uint8_t b = p[(*pos)++];
    r |= uint64_t(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *v = r;
      return true;
    }
  }
  return false;
}

// Most fields (class ids, small args, time deltas) fit one byte: decode
// those inline and leave the loop to the rest.
static inline __attribute__((always_inline)) bool get_varint(const uint8_t *p, size_t n,
                                                              size_t *pos, uint64_t *v) {
  if (__builtin_expect(*pos < n && p[*pos] < 0x80, 1)) {
    *v = p[(*pos)++];
    return true;
  }
  return get_varint_slow(p, n, pos, v);
}

bool encode_event(uint8_t *out, size_t cap, size_t *pos, const TraceEvent &e, uint64_t dt,
                  uint32_t version) {
  bool two = e.op == TraceOp::Await;
  if (version == 1) {
    size_t need = 1 + varint_size(e.cls) + varint_size(e.object) + varint_size(e.arg) +
                  varint_size(e.pc) + varint_size(dt) + (two ? varint_size(e.cls2) : 0);
    if (*pos + need > cap)
      return false;
    out[(*pos)++] = uint8_t(e.op);
    put_varint(out, pos, e.cls);
    put_varint(out, pos, e.object);
    put_varint(out, pos, e.arg);
    put_varint(out, pos, e.pc);
    put_varint(out, pos, dt);
    if (two)
      put_varint(out, pos, e.cls2);
    return true;
  }
  unsigned len[6] = {packed_size(e.cls), packed_size(e.object), packed_size(e.arg),
                     packed_size(e.pc),  packed_size(dt),       two ? packed_size(e.cls2) : 0};
  size_t need = 4 + len[0] + len[1] + len[2] + len[3] + len[4] + len[5];
  if (*pos + need > cap)
    return false;
  out[(*pos)++] = uint8_t(e.op);
  out[(*pos)++] = uint8_t(len[0] | len[1] << 4);
  out[(*pos)++] = uint8_t(len[2] | len[3] << 4);
  out[(*pos)++] = uint8_t(len[4] | len[5] << 4);
  put_packed(out, pos, e.cls, len[0]);
  put_packed(out, pos, e.object, len[1]);
  put_packed(out, pos, e.arg, len[2]);
  put_packed(out, pos, e.pc, len[3]);
  put_packed(out, pos, dt, len[4]);
  put_packed(out, pos, e.cls2, len[5]);
  return true;
}

bool encode_class(uint8_t *out, size_t cap, size_t *pos, const TraceClass &c) {
  size_t need = varint_size(c.id) + 8 + 1 + varint_size(c.flags) + varint_size(c.name_len) +
                c.name_len + varint_size(c.module_len) + c.module_len + varint_size(c.offset);
  if (*pos + need > cap)
    return false;
  put_varint(out, pos, c.id);
  put_u64(out + *pos, c.key);
  *pos += 8;
  out[(*pos)++] = uint8_t(c.kind);
  put_varint(out, pos, c.flags);
  put_varint(out, pos, c.name_len);
  if (c.name_len)
    memcpy(out + *pos, c.name, c.name_len);
  *pos += c.name_len;
  put_varint(out, pos, c.module_len);
  if (c.module_len)
    memcpy(out + *pos, c.module, c.module_len);
  *pos += c.module_len;
  put_varint(out, pos, c.offset);
  return true;
}

bool encode_module(uint8_t *out, size_t cap, size_t *pos, const TraceModule &m) {
  size_t need = varint_size(m.base) + varint_size(m.size) + varint_size(m.path_len) + m.path_len;
  if (*pos + need > cap)
    return false;
  put_varint(out, pos, m.base);
  put_varint(out, pos, m.size);
  put_varint(out, pos, m.path_len);
  if (m.path_len)
    memcpy(out + *pos, m.path, m.path_len);
  *pos += m.path_len;
  return true;
}

bool TraceDecoder::read_module(const uint8_t *p, size_t n, size_t *pos, TraceModule *m) {
  uint64_t len;
  if (!get_varint(p, n, pos, &m->base) || !get_varint(p, n, pos, &m->size) ||
      !get_varint(p, n, pos, &len) || len > n - *pos)
    return false;
  m->path = reinterpret_cast<const char *>(p + *pos);
  m->path_len = uint32_t(len);
  *pos += len;
  return true;
}

bool TraceDecoder::read_event_v1(const uint8_t *p, size_t n, size_t *pos, TraceEvent *e,
                                 uint64_t *dt) {
  if (*pos >= n)
    return false;
  uint8_t op = p[(*pos)++];
  if (op == 0 || op >= uint8_t(TraceOp::Count_))
    return false;
  uint64_t cls, obj, arg, pc, cls2 = 0;
  if (!get_varint(p, n, pos, &cls) || !get_varint(p, n, pos, &obj) ||
      !get_varint(p, n, pos, &arg) || !get_varint(p, n, pos, &pc) || !get_varint(p, n, pos, dt))
    return false;
  if (TraceOp(op) == TraceOp::Await && !get_varint(p, n, pos, &cls2))
    return false;
  if (cls > 0xffffffffu || cls2 > 0xffffffffu)
    return false;
  *e = TraceEvent{TraceOp(op), 0, ClassId(cls), obj, arg, pc, ClassId(cls2)};
  return true;
}

bool TraceDecoder::read_class(const uint8_t *p, size_t n, size_t *pos, TraceClass *c) {
  uint64_t id, flags, nl, ml, off;
  if (!get_varint(p, n, pos, &id) || *pos + 9 > n)
    return false;
  c->id = ClassId(id);
  c->key = get_u64(p + *pos);
  *pos += 8;
  uint8_t kind = p[(*pos)++];
  if (kind >= uint8_t(ClassKind::Count_) || id > 0xffffffffu)
    return false;
  c->kind = ClassKind(kind);
  if (!get_varint(p, n, pos, &flags) || !get_varint(p, n, pos, &nl) || nl > n - *pos)
    return false;
  c->flags = uint32_t(flags);
  c->name = nl ? reinterpret_cast<const char *>(p + *pos) : nullptr;
  c->name_len = uint32_t(nl);
  *pos += nl;
  if (!get_varint(p, n, pos, &ml) || ml > n - *pos)
    return false;
  c->module = ml ? reinterpret_cast<const char *>(p + *pos) : nullptr;
  c->module_len = uint32_t(ml);
  *pos += ml;
  return get_varint(p, n, pos, &off) && (c->offset = off, true);
}

TraceDecoder::Item TraceDecoder::next() {
  item_at_ = pos_;
  if (pos_ == size_)
    return Item::End;
  if (size_ - pos_ >= 8 && memcmp(data_ + pos_, kTraceMagic, 8) == 0) {
    if (size_ - pos_ < kFileHeaderSize) {
      error_ = "file header cut short";
      return Item::Truncated;
    }
    const uint8_t *p = data_ + pos_;
    fh_.version = get_u32(p + 8);
    uint32_t hsize = get_u32(p + 12);
    fh_.pid = get_u32(p + 16);
    fh_.start_ns = get_u64(p + 24);
    if (fh_.version < kOldestTraceVersion || fh_.version > kTraceVersion) {
      error_ = "unsupported trace version";
      return Item::Corrupt;
    }
    if (hsize < kFileHeaderSize || hsize > size_ - pos_) {
      error_ = "bad file header size";
      return Item::Corrupt;
    }
    pos_ += hsize;
    return Item::FileHeader;
  }
  const uint8_t *p = data_ + pos_;
  if (size_ - pos_ >= 4 && get_u32(p) != kChunkMagic) {
    error_ = "expected a chunk or file header";
    return Item::Corrupt;
  }
  if (size_ - pos_ < kChunkHeaderSize) {
    error_ = "chunk header cut short";
    return Item::Truncated;
  }
  ch_.type = ChunkType(get_u16(p + 4));
  ch_.pid = get_u32(p + 8);
  ch_.tid = get_u32(p + 12);
  ch_.payload_size = get_u32(p + 16);
  ch_.count = get_u32(p + 20);
  ch_.checksum = get_u32(p + 24);
  if (ch_.payload_size > size_ - pos_ - kChunkHeaderSize) {
    error_ = "chunk payload cut short";
    return Item::Truncated;
  }
  payload_at_ = pos_ + kChunkHeaderSize;
  if (trace_checksum_for(fh_.version, data_ + payload_at_, ch_.payload_size) != ch_.checksum) {
    error_ = "chunk checksum mismatch";
    return Item::Corrupt;
  }
  pos_ = payload_at_ + ch_.payload_size;
  return Item::Chunk;
}

} // namespace fencedep
