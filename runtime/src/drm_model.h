// What the DRM hooks share: syncobj objects behind handles, their classes,
// fence descriptors, and the engine calls a fence event makes (signal,
// submission, await), each with its trace event. Used by the syncobj and
// sync_file hooks (hooks_drm.cpp) and by the drivers' submit ioctls
// (drm_submit.h).
#pragma once
#include <linux/ioctl.h>

#include <cstdint>

#include "fence_objects.h"
#include "hooks_common.h"

// Used only inside the runtime: hidden, so that calls between its files
// bind directly instead of through the PLT (the submit path makes dozens).
#pragma GCC visibility push(hidden)

namespace fencedep::runtime::drm {

inline const void *as_obj(uint64_t instance) { return reinterpret_cast<const void *>(instance); }

// N fence references left uninitialised (a FenceRef zeroes itself): a call
// fills only the entries it names, and zeroing all of them on every
// submission or wait was a measurable share of the hook's cost.
template <uint32_t N> union FenceRefs {
  FenceRefs() {}
  FenceRef &operator[](uint32_t i) { return refs[i]; }
  const FenceRef &operator[](uint32_t i) const { return refs[i]; }
  FenceRef refs[N];
};

// Where a syncobj (or a queue) is made: `pc`, or for calls through libdrm
// (libdrm, libdrm_amdgpu, ...) the first caller outside it, so that libdrm's
// own call site is not the class of every fence of the program.
uint64_t creation_site(uint64_t pc);

// The object behind a handle; one is made (class: this site) for handles
// the runtime never saw created (made before it loaded, or by a driver).
uint32_t new_object_for(int drm_fd, uint32_t handle, uint64_t pc);
inline uint32_t object_for(int drm_fd, uint32_t handle, uint64_t pc) {
  if (uint32_t o = fence_objects.handle_object(drm_fd, handle))
    return o;
  return new_object_for(drm_fd, handle, pc);
}

// An xe user fence's object: one per address in the process, whose points
// are the values written there (a timeline of values); made when new, its
// class the site of its first submission (or wait).
uint32_t user_fence_object(uint64_t addr, uint64_t pc);

// The fence a descriptor stands for (a sync_file, or a syncobj fd's
// object); object 0 when it is not a fence the runtime knows.
FenceRef fd_ref(int fd);
void bind_fence_fd(int fd, FenceFdKind kind, FenceRef ref, bool available = false);

// This thread puts `ref` in and completes it (host signal, transfer,
// import): a signal, depending on what it holds and took since its last
// completed wait.
void signal_fence(HookScope &h, FenceRef ref, uint64_t pc);
// This thread submits `ref` for the GPU to complete: only waits for its
// submission depend on what the thread holds (Engine::submit).
void submit_fence(HookScope &h, FenceRef ref, uint64_t pc);
// A new fence replaces what `ref` stood for: its old awaits are forgotten.
void reset_fence(HookScope &h, FenceRef ref);
// `f` will not signal before `dep` (class edge and instance DAG; fences of
// one class only in the DAG).
void fence_await(HookScope &h, FenceRef f, FenceRef dep, uint64_t pc);
// The same, the class edge alone: `dep` was submitted before `f` and
// nothing awaited `f` before its submission, so no cycle of instances can
// run through this link (drm_submit.h).
void fence_await_class(HookScope &h, FenceRef f, FenceRef dep, uint64_t pc);

int64_t monotonic_now_ns();

// Reads `n` pieces of the host's memory in one system call (safe_read's
// way: a bad address fails cleanly). True when all were read.
struct ReadPiece {
  void *dst;
  uint64_t src; // user address
  uint64_t size;
};
bool safe_read_pieces_slow(const ReadPiece *pieces, uint32_t n);
// The top of the calling thread's stack once known (drm_model.cpp), else 0
// or 1 (never trusted).
extern __thread uint64_t own_stack_top __attribute__((tls_model("initial-exec")));
// Pieces all in the live part of this thread's stack (this frame up to the
// top: where userspace builds most ioctl arguments) are copied here,
// without the general path's call and loop.
inline bool safe_read_pieces(const ReadPiece *pieces, uint32_t n) {
  uint64_t sp = reinterpret_cast<uint64_t>(__builtin_frame_address(0));
  uint64_t top = own_stack_top;
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t a = pieces[i].src, size = pieces[i].size;
    if (size && !(a >= sp && a + size >= a && a + size <= top))
      return safe_read_pieces_slow(pieces, n);
  }
  for (uint32_t i = 0; i < n; ++i)
    if (pieces[i].size)
      __builtin_memcpy(pieces[i].dst, reinterpret_cast<const void *>(pieces[i].src),
                       pieces[i].size);
  return true;
}
inline bool read_user(void *dst, const void *src, uint64_t size) {
  ReadPiece p{dst, reinterpret_cast<uint64_t>(src), size};
  return safe_read_pieces(&p, 1);
}
// An ioctl's argument struct, as read_arg (safe_copy.h): the request's size
// field says how much the caller has, fields past it read as zero.
template <typename T>
bool read_args(T *out, const void *arg, unsigned long req, size_t min_size) {
  *out = T{};
  size_t have = (req >> _IOC_SIZESHIFT) & _IOC_SIZEMASK;
  if (have < min_size)
    return false;
  return read_user(out, arg, have < sizeof(T) ? have : sizeof(T));
}

} // namespace fencedep::runtime::drm

#pragma GCC visibility pop
