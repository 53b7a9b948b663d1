// v3d submissions (include/uapi/drm/v3d_drm.h, Linux 6.12): SUBMIT_CL (a
// binner and a render job, the render job's fence is the out fence),
// SUBMIT_TFU, SUBMIT_CSD and SUBMIT_CPU, one queue each per descriptor.
// Without extensions a job waits on in_sync (CL: in_sync_bcl and
// in_sync_rcl) and replaces out_sync's fence, 0 meaning none. With
// DRM_V3D_SUBMIT_EXTENSION, a DRM_V3D_EXT_ID_MULTI_SYNC extension names
// arrays of struct drm_v3d_sem to wait on and to signal instead (v3d takes
// them as binary syncobjs: their points are not used); the other
// extensions (CPU job queries, indirect CSD) name no fence, unknown ids are
// counted.
#include <cstddef>

#include "drm_model.h"
#include "drm_submit.h"
#include "drm_uapi.h"
#include "safe_copy.h"

namespace fencedep::runtime::drm {
namespace {

struct Extension {
  uint64_t next;
  uint32_t id;
  uint32_t flags;
};
static_assert(sizeof(Extension) == 16, "struct drm_v3d_extension, Linux 6.12");

struct Sem {
  uint32_t handle;
  uint32_t flags;
  uint64_t point;
  uint64_t mbz[2];
};
static_assert(sizeof(Sem) == 32, "struct drm_v3d_sem, Linux 6.12");

struct MultiSync {
  Extension base;
  uint64_t in_syncs;
  uint64_t out_syncs;
  uint32_t in_sync_count;
  uint32_t out_sync_count;
  uint32_t wait_stage;
  uint32_t pad;
};
static_assert(sizeof(MultiSync) == 48 && offsetof(MultiSync, in_sync_count) == 32,
              "struct drm_v3d_multi_sync, Linux 6.12");

// Where each submit struct keeps what a submission needs (offsets from
// include/uapi/drm/v3d_drm.h, Linux 6.12): two in-syncs for CL, one for
// TFU and CSD, none for CPU jobs (extensions only).
struct Layout {
  unsigned nr;
  uint32_t size;
  int32_t in_sync[2]; // offsets, -1: none
  int32_t out_sync;
  uint32_t flags;
  uint32_t extensions;
};
constexpr unsigned kBase = fencedep::drm::kDrmCommandBase;
constexpr Layout kLayouts[] = {
    {kBase + 0x00, 72, {16, 20}, 24, 52, 64}, // struct drm_v3d_submit_cl
    {kBase + 0x06, 88, {60, -1}, 64, 68, 72}, // struct drm_v3d_submit_tfu
    {kBase + 0x07, 88, {60, -1}, 64, 80, 72}, // struct drm_v3d_submit_csd
    {kBase + 0x0b, 24, {-1, -1}, -1, 12, 16}, // struct drm_v3d_submit_cpu
};
constexpr uint32_t kMaxSize = 88;

constexpr uint32_t kSubmitExtension = 0x02;
constexpr uint32_t kExtMultiSync = 0x01;
constexpr uint32_t kExtLastKnown = 0x07; // CPU job queries and indirect CSD

template <typename T> T field(const unsigned char *args, int32_t at) {
  T v;
  __builtin_memcpy(&v, args + at, sizeof v);
  return v;
}

// The in and out arrays of a multisync extension, in one system call.
bool decode_sems(Submission &s, const MultiSync &ms) {
  constexpr uint32_t kMax = Submission::kMaxFences / 2;
  Sem in[kMax], out[kMax];
  uint32_t nin = ms.in_sync_count < kMax ? ms.in_sync_count : kMax;
  uint32_t nout = ms.out_sync_count < kMax ? ms.out_sync_count : kMax;
  s.lose(ms.in_sync_count - nin + ms.out_sync_count - nout);
  ReadPiece p[2] = {{in, ms.in_syncs, uint64_t(nin) * sizeof(Sem)},
                    {out, ms.out_syncs, uint64_t(nout) * sizeof(Sem)}};
  if (!safe_read_pieces(p, 2))
    return false;
  for (uint32_t i = 0; i < nin; ++i)
    s.in_syncobj(in[i].handle, 0);
  for (uint32_t i = 0; i < nout; ++i)
    s.out_syncobj(out[i].handle, 0);
  return true;
}

bool decode(Submission &s, const Layout &l, const unsigned char *args) {
  s.on_queue(l.nr);
  if (field<uint32_t>(args, l.flags) & kSubmitExtension) {
    uint64_t next = field<uint64_t>(args, l.extensions);
    for (uint32_t depth = 0; next; ++depth) {
      // The whole extension in one read; its header alone when that fails
      // (another, shorter extension at the end of a mapping).
      MultiSync ms;
      if (depth == 16)
        return false;
      if (!read_user(&ms, reinterpret_cast<const void *>(next), sizeof ms) &&
          (!read_user(&ms.base, reinterpret_cast<const void *>(next), sizeof ms.base) ||
           ms.base.id == kExtMultiSync))
        return false;
      next = ms.base.next;
      if (ms.base.id != kExtMultiSync) {
        if (ms.base.id == 0 || ms.base.id > kExtLastKnown)
          bump(submit_stats.unknown_parts);
        continue;
      }
      if (!decode_sems(s, ms))
        return false;
      // The multisync extension replaces the single in and out syncs.
      return true;
    }
  }
  for (int32_t at : l.in_sync)
    if (at >= 0)
      if (uint32_t handle = field<uint32_t>(args, at))
        s.in_syncobj(handle, 0);
  if (l.out_sync >= 0)
    if (uint32_t handle = field<uint32_t>(args, l.out_sync))
      s.out_syncobj(handle, 0);
  return true;
}

int submit(HookScope &h, int fd, const Layout &l, unsigned long req, void *arg, uint64_t pc) {
  unsigned char args[kMaxSize] = {};
  Submission s;
  bool known = fencedep::drm::ioc_size(req) >= l.size && read_user(args, arg, l.size) &&
               decode(s, l, args);
  int r = REAL(ioctl)(fd, req, arg);
  ErrnoKeeper keep;
  if (!known) {
    bump(submit_stats.unreadable);
    return r;
  }
  SubmitModel(h, fd, DrmDriver::V3d, pc).after(s, r == 0);
  return r;
}

} // namespace

int v3d_ioctl(HookScope &h, int fd, unsigned nr, unsigned long req, void *arg, uint64_t pc) {
  for (const Layout &l : kLayouts)
    if (l.nr == nr)
      return submit(h, fd, l, req, arg, pc);
  return REAL(ioctl)(fd, req, arg);
}

} // namespace fencedep::runtime::drm
