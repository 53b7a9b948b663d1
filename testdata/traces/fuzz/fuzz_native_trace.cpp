// libFuzzer target: native traces through the decoder and the replayer.
// Random bytes rarely pass a magic and a checksum, so besides raw inputs
// (first byte 0 mod 4) the input may become the payload of a well-formed
// events chunk of the current version (1), a classes chunk (2) or an events
// chunk of version 1 (3), which reaches the record decoders and the engine.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fencedep/core/trace_codec.h"
#include "fencedep/core/trace_replay.h"
#include "fuzz_engine.h"

namespace {

using namespace fencedep;

void chunk(std::vector<uint8_t> &out, uint32_t version, ChunkType type, uint32_t tid,
           const uint8_t *p, size_t n) {
  size_t at = out.size();
  out.resize(at + kChunkHeaderSize);
  ChunkHeader h{type, 7, tid, uint32_t(n), 1, trace_checksum_for(version, p, n)};
  encode_chunk_header(out.data() + at, h);
  out.insert(out.end(), p, p + n);
}

// A few classes of every kind the events may name.
std::vector<uint8_t> classes() {
  std::vector<uint8_t> out(4096);
  size_t pos = 0;
  const char *names[] = {"lock", "fence", "cv", "rw"};
  ClassKind kinds[] = {ClassKind::Mutex, ClassKind::Fence, ClassKind::CondVar, ClassKind::RwLock};
  for (uint32_t i = 0; i < 4; ++i) {
    TraceClass c{};
    c.id = i + 1;
    c.key = class_key_for_name(kinds[i], names[i]);
    c.kind = kinds[i];
    c.flags = i == 1 ? kClassLongRunning : 0;
    c.name = names[i];
    c.name_len = uint32_t(std::strlen(names[i]));
    encode_class(out.data(), out.size(), &pos, c);
  }
  out.resize(pos);
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Engine &engine = fuzz_engine();
  TraceReplayer replayer(engine);
  std::vector<uint8_t> trace;
  unsigned mode = size ? data[0] % 4 : 0;
  if (mode == 0) {
    trace.assign(data + (size ? 1 : 0), data + size);
  } else {
    uint32_t version = mode == 3 ? 1 : kTraceVersion;
    trace.resize(kFileHeaderSize);
    encode_file_header(trace.data(), FileHeader{version, 7, 1000});
    std::vector<uint8_t> cls = classes();
    chunk(trace, version, ChunkType::Classes, 0, cls.data(), cls.size());
    chunk(trace, version, mode == 2 ? ChunkType::Classes : ChunkType::Events, 8, data + 1,
          size - 1);
  }
  (void)replayer.replay(trace.data(), trace.size(), 1);
  fuzz_drain(engine);
  return 0;
}
