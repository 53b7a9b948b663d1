// Builds native traces in memory for the codec and replay tests.
#pragma once
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "fencedep/core/trace_codec.h"

namespace fdtest {

using namespace fencedep;

inline std::vector<uint8_t> encode_events(std::initializer_list<TraceEvent> evs,
                                          uint64_t dt = 5, uint32_t version = kTraceVersion) {
  std::vector<uint8_t> out(64 * evs.size() + 16);
  size_t pos = 0;
  for (const TraceEvent &e : evs)
    if (!encode_event(out.data(), out.size(), &pos, e, dt, version))
      return {};
  out.resize(pos);
  return out;
}

inline TraceClass trace_class(ClassId id, uint64_t key, ClassKind kind, const char *name,
                              uint32_t flags = 0, const char *module = nullptr,
                              uint64_t offset = 0) {
  TraceClass c{};
  c.id = id;
  c.key = key;
  c.kind = kind;
  c.flags = flags;
  c.name = name;
  c.name_len = name ? uint32_t(std::strlen(name)) : 0;
  c.module = module;
  c.module_len = module ? uint32_t(std::strlen(module)) : 0;
  c.offset = offset;
  return c;
}

inline std::vector<uint8_t> encode_classes(std::initializer_list<TraceClass> cs) {
  std::vector<uint8_t> out(1024 * cs.size() + 16);
  size_t pos = 0;
  for (const TraceClass &c : cs)
    if (!encode_class(out.data(), out.size(), &pos, c))
      return {};
  out.resize(pos);
  return out;
}

struct TraceBuilder {
  std::vector<uint8_t> bytes;
  uint32_t version = kTraceVersion; // of the file headers and chunk checksums

  TraceBuilder &file_header(uint32_t pid, uint32_t extra = 0) {
    size_t at = bytes.size();
    bytes.resize(at + kFileHeaderSize + extra, 0xee);
    encode_file_header(bytes.data() + at, FileHeader{version, pid, 1000});
    if (extra) {
      uint32_t hs = uint32_t(kFileHeaderSize + extra);
      std::memcpy(bytes.data() + at + 12, &hs, 4);
    }
    return *this;
  }
  TraceBuilder &chunk(ChunkType type, uint32_t pid, uint32_t tid,
                      const std::vector<uint8_t> &payload, uint32_t count = 1) {
    size_t at = bytes.size();
    bytes.resize(at + kChunkHeaderSize);
    ChunkHeader h{type, pid, tid, uint32_t(payload.size()), count,
                  trace_checksum_for(version, payload.data(), payload.size())};
    encode_chunk_header(bytes.data() + at, h);
    bytes.insert(bytes.end(), payload.begin(), payload.end());
    return *this;
  }
  TraceBuilder &events(uint32_t pid, uint32_t tid, std::initializer_list<TraceEvent> evs) {
    return chunk(ChunkType::Events, pid, tid, encode_events(evs, 5, version),
                 uint32_t(evs.size()));
  }
  TraceBuilder &classes(uint32_t pid, std::initializer_list<TraceClass> cs) {
    return chunk(ChunkType::Classes, pid, 0, encode_classes(cs), uint32_t(cs.size()));
  }
};

inline TraceEvent ev(TraceOp op, ClassId cls, uint64_t obj, uint64_t arg = 0,
                     uint64_t pc = 0x401000, ClassId cls2 = kNoClass) {
  return TraceEvent{op, 0, cls, obj, arg, pc, cls2};
}

} // namespace fdtest
