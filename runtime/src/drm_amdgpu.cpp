// amdgpu submissions (include/uapi/drm/amdgpu_drm.h, Linux 6.12).
// DRM_IOCTL_AMDGPU_CS takes an array of pointers to chunks; the ones that
// name fences:
//   SYNCOBJ_IN / SYNCOBJ_OUT          binary syncobjs waited on / replaced
//   SYNCOBJ_TIMELINE_WAIT / _SIGNAL    timeline points; a wait chunk's flags
//                                      may say WAIT_FOR_SUBMIT: the kernel
//                                      then waits inside the call (5 s at
//                                      most) for the point's submission
//   DEPENDENCIES                       earlier jobs (context, ring, sequence)
//   SCHEDULED_DEPENDENCIES             the same, waited for only until they
//                                      are scheduled: modelled as an await
//                                      of the job (a coarser dependency)
// The job runs on the ring of its first IB chunk in its context; the call
// returns its sequence number, which DEPENDENCIES chunks and
// DRM_IOCTL_AMDGPU_WAIT_CS name it by. IB, FENCE, BO_HANDLES and
// CP_GFX_SHADOW chunks name no fence; other chunk ids are counted.
#include <cstddef>
#include <cstring>

#include "drm_model.h"
#include "drm_submit.h"
#include "drm_uapi.h"
#include "safe_copy.h"

namespace fencedep::runtime::drm {
namespace {

struct CsIn {
  uint32_t ctx_id;
  uint32_t bo_list_handle;
  uint32_t num_chunks;
  uint32_t flags;
  uint64_t chunks; // user pointer to uint64_t[num_chunks], each a pointer to a Chunk
};
static_assert(sizeof(CsIn) == 24, "union drm_amdgpu_cs, Linux 6.12");

struct Chunk {
  uint32_t chunk_id;
  uint32_t length_dw;
  uint64_t chunk_data;
};
static_assert(sizeof(Chunk) == 16, "struct drm_amdgpu_cs_chunk, Linux 6.12");

struct ChunkIb {
  uint32_t pad;
  uint32_t flags;
  uint64_t va_start;
  uint32_t ib_bytes;
  uint32_t ip_type;
  uint32_t ip_instance;
  uint32_t ring;
};
static_assert(sizeof(ChunkIb) == 32 && offsetof(ChunkIb, ip_type) == 20,
              "struct drm_amdgpu_cs_chunk_ib, Linux 6.12");

struct ChunkDep {
  uint32_t ip_type;
  uint32_t ip_instance;
  uint32_t ring;
  uint32_t ctx_id;
  uint64_t handle; // the job's sequence number
};
static_assert(sizeof(ChunkDep) == 24 && offsetof(ChunkDep, handle) == 16,
              "struct drm_amdgpu_cs_chunk_dep, Linux 6.12");

struct ChunkSem {
  uint32_t handle;
};
static_assert(sizeof(ChunkSem) == 4, "struct drm_amdgpu_cs_chunk_sem, Linux 6.12");

struct ChunkSyncobj {
  uint32_t handle;
  uint32_t flags;
  uint64_t point;
};
static_assert(sizeof(ChunkSyncobj) == 16, "struct drm_amdgpu_cs_chunk_syncobj, Linux 6.12");

struct WaitCsIn {
  uint64_t handle;
  uint64_t timeout; // absolute CLOCK_MONOTONIC ns; negative as int64: none
  uint32_t ip_type;
  uint32_t ip_instance;
  uint32_t ring;
  uint32_t ctx_id;
};
static_assert(sizeof(WaitCsIn) == 32, "union drm_amdgpu_wait_cs, Linux 6.12");

constexpr unsigned kNrCs = fencedep::drm::kDrmCommandBase + 0x04;
constexpr unsigned kNrWaitCs = fencedep::drm::kDrmCommandBase + 0x09;

enum : uint32_t {
  kChunkIb = 0x01,
  kChunkFence = 0x02,
  kChunkDependencies = 0x03,
  kChunkSyncobjIn = 0x04,
  kChunkSyncobjOut = 0x05,
  kChunkBoHandles = 0x06,
  kChunkScheduledDependencies = 0x07,
  kChunkTimelineWait = 0x08,
  kChunkTimelineSignal = 0x09,
  kChunkCpGfxShadow = 0x0a,
};

// A ring of a context: the queue its jobs are numbered on.
uint64_t ring_queue(uint32_t ctx, uint32_t ip_type, uint32_t ip_instance, uint32_t ring) {
  return uint64_t(ctx) << 32 | uint64_t(ip_type & 0xff) << 16 | (ip_instance & 0xff) << 8 |
         (ring & 0xff);
}

// How many bytes of a chunk's data the model reads: the first IB's ring, and
// the entries of the chunks that name fences (Submission::kMaxFences at
// most per chunk, the rest counted).
uint32_t wanted_bytes(Submission &s, const Chunk &c, bool *have_ring) {
  uint64_t bytes = uint64_t(c.length_dw) * 4;
  uint32_t entry = 0;
  switch (c.chunk_id) {
  case kChunkIb:
    if (*have_ring || bytes < sizeof(ChunkIb))
      return 0;
    *have_ring = true;
    return sizeof(ChunkIb);
  case kChunkDependencies:
  case kChunkScheduledDependencies:
    entry = sizeof(ChunkDep);
    break;
  case kChunkSyncobjIn:
  case kChunkSyncobjOut:
    entry = sizeof(ChunkSem);
    break;
  case kChunkTimelineWait:
  case kChunkTimelineSignal:
    entry = sizeof(ChunkSyncobj);
    break;
  case kChunkFence:
  case kChunkBoHandles:
  case kChunkCpGfxShadow:
    return 0;
  default:
    bump(submit_stats.unknown_parts);
    return 0;
  }
  uint64_t n = bytes / entry;
  uint64_t k = n < Submission::kMaxFences ? n : Submission::kMaxFences;
  s.lose(uint32_t(n - k));
  return uint32_t(k * entry);
}

// The fences one chunk's data names.
void decode_chunk(Submission &s, const Chunk &c, const char *data, uint32_t bytes,
                  uint32_t ctx_id) {
  switch (c.chunk_id) {
  case kChunkIb: {
    ChunkIb ib;
    memcpy(&ib, data, sizeof ib);
    s.on_queue(ring_queue(ctx_id, ib.ip_type, ib.ip_instance, ib.ring));
    return;
  }
  case kChunkDependencies:
  case kChunkScheduledDependencies:
    for (uint32_t at = 0; at + sizeof(ChunkDep) <= bytes; at += sizeof(ChunkDep)) {
      ChunkDep d;
      memcpy(&d, data + at, sizeof d);
      s.in_job(ring_queue(d.ctx_id, d.ip_type, d.ip_instance, d.ring), d.handle);
    }
    return;
  case kChunkSyncobjIn:
  case kChunkSyncobjOut:
    for (uint32_t at = 0; at + sizeof(ChunkSem) <= bytes; at += sizeof(ChunkSem)) {
      ChunkSem m;
      memcpy(&m, data + at, sizeof m);
      if (c.chunk_id == kChunkSyncobjIn)
        s.in_syncobj(m.handle, 0);
      else
        s.out_syncobj(m.handle, 0);
    }
    return;
  case kChunkTimelineWait:
  case kChunkTimelineSignal:
    for (uint32_t at = 0; at + sizeof(ChunkSyncobj) <= bytes; at += sizeof(ChunkSyncobj)) {
      ChunkSyncobj y;
      memcpy(&y, data + at, sizeof y);
      if (c.chunk_id == kChunkTimelineWait)
        s.in_syncobj(y.handle, y.point, y.flags & fencedep::drm::kWaitForSubmit);
      else
        s.out_syncobj(y.handle, y.point);
    }
    return;
  default:
    return;
  }
}

// The chunks of one CS into `s`: the pointer list, every chunk header, and
// the data of the chunks that name fences, each in one system call (two
// or more only when the data is larger than the scratch buffer). False
// when unreadable.
bool decode_cs(Submission &s, const CsIn &in) {
  constexpr uint32_t kMaxChunks = 32;
  uint32_t n = in.num_chunks < kMaxChunks ? in.num_chunks : kMaxChunks;
  if (in.num_chunks > n)
    bump(submit_stats.unknown_parts, in.num_chunks - n);
  uint64_t ptrs[kMaxChunks];
  Chunk chunks[kMaxChunks];
  ReadPiece list{ptrs, in.chunks, uint64_t(n) * sizeof ptrs[0]};
  if (!safe_read_pieces(&list, 1))
    return false;
  ReadPiece pieces[kMaxChunks];
  for (uint32_t i = 0; i < n; ++i)
    pieces[i] = ReadPiece{&chunks[i], ptrs[i], sizeof(Chunk)};
  if (!safe_read_pieces(pieces, n))
    return false;
  s.on_queue(ring_queue(in.ctx_id, 0xff, 0xff, 0xff)); // no IB chunk: the context
  alignas(8) char scratch[4096];
  uint32_t want[kMaxChunks];
  bool have_ring = false;
  for (uint32_t i = 0; i < n; ++i)
    want[i] = wanted_bytes(s, chunks[i], &have_ring);
  for (uint32_t i = 0; i < n;) {
    // As many chunks as fit in the scratch buffer, in one read.
    uint32_t used = 0, first = i, np = 0;
    for (; i < n && (used + ((want[i] + 7) & ~7u) <= sizeof scratch || np == 0); ++i) {
      uint32_t size = want[i] < sizeof scratch ? want[i] : sizeof scratch;
      want[i] = size;
      if (size)
        pieces[np++] = ReadPiece{scratch + used, chunks[i].chunk_data, size};
      used += (size + 7) & ~7u;
    }
    if (!safe_read_pieces(pieces, np))
      return false;
    used = 0;
    for (uint32_t k = first; k < i; ++k) {
      if (want[k])
        decode_chunk(s, chunks[k], scratch + used, want[k], in.ctx_id);
      used += (want[k] + 7) & ~7u;
    }
  }
  // The sequence number comes back: a job DEPENDENCIES and WAIT_CS name.
  s.job_fence_visible();
  return true;
}

int cs(HookScope &h, int fd, unsigned long req, void *arg, uint64_t pc) {
  CsIn in;
  Submission s;
  // Read before the call: the kernel may wait inside it, and its answer
  // overwrites the arguments (union drm_amdgpu_cs).
  if (!read_args(&in, arg, req, sizeof in) || !decode_cs(s, in)) {
    bump(submit_stats.unreadable);
    return REAL(ioctl)(fd, req, arg);
  }
  SubmitModel m(h, fd, DrmDriver::Amdgpu, pc);
  m.before(s);
  int r = REAL(ioctl)(fd, req, arg);
  ErrnoKeeper keep;
  uint64_t seq = 0;
  if (r == 0 && !read_user(&seq, arg, sizeof seq))
    seq = 0;
  m.after(s, r == 0, seq);
  return r;
}

int wait_cs(HookScope &h, int fd, unsigned long req, void *arg, uint64_t pc) {
  WaitCsIn w;
  if (!read_args(&w, arg, req, sizeof w))
    return REAL(ioctl)(fd, req, arg);
  JobWait jw(h, fd, ring_queue(w.ctx_id, w.ip_type, w.ip_instance, w.ring), w.handle,
             int64_t(w.timeout) < 0 ? -1 : int64_t(w.timeout), pc);
  int r = REAL(ioctl)(fd, req, arg);
  ErrnoKeeper keep;
  // out.status: 0 when the job completed, 1 when the timeout came first.
  uint64_t status = 1;
  if (r == 0 && !read_user(&status, arg, sizeof status))
    status = 1;
  jw.end(r == 0 && status == 0);
  return r;
}

} // namespace

int amdgpu_ioctl(HookScope &h, int fd, unsigned nr, unsigned long req, void *arg, uint64_t pc) {
  switch (nr) {
  case kNrCs:
    return cs(h, fd, req, arg, pc);
  case kNrWaitCs:
    return wait_cs(h, fd, req, arg, pc);
  default:
    return REAL(ioctl)(fd, req, arg);
  }
}

} // namespace fencedep::runtime::drm
