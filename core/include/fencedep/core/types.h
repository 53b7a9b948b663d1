// Vocabulary shared by every part of fencedep: class kinds, edge kinds,
// report kinds. Plain enums so that the runtime, the trace codec and the CLI
// agree on numbering (the numbers appear in traces and JSON).
#pragma once
#include <cstdint>

namespace fencedep {

using ClassId = uint32_t;
using EdgeId = uint32_t;
using StackId = uint32_t;

inline constexpr ClassId kNoClass = 0;
inline constexpr EdgeId kNoEdge = 0;
inline constexpr StackId kNoStack = 0;

// What a class stands for. Locks are held; waits are waited on and signalled;
// contexts are pseudo-locks entered for a region (lockdep's lock maps).
enum class ClassKind : uint8_t {
  Mutex,
  RwLock,
  SpinLock,
  CondVar,
  Semaphore,
  EventFd,
  Barrier,
  ThreadExit,   // "exit of threads started at site S": joins wait on it
  Fence,        // annotated fence timeline / context
  Reclaim,      // memory reclaim pseudo-lock (fs_reclaim analogue)
  Syncobj,
  SyncFile,
  UserLock,     // lock named only by annotation
  Count_
};

inline bool is_lock_kind(ClassKind k) {
  return k == ClassKind::Mutex || k == ClassKind::RwLock ||
         k == ClassKind::SpinLock || k == ClassKind::UserLock;
}
inline bool is_context_kind(ClassKind k) { return k == ClassKind::Reclaim; }
// One-shot fences of a timeline: dma-fence-like objects, DRM syncobjs,
// sync_file fds.
inline bool is_fence_kind(ClassKind k) {
  return k == ClassKind::Fence || k == ClassKind::Syncobj || k == ClassKind::SyncFile;
}
inline bool is_wait_kind(ClassKind k) {
  return !is_lock_kind(k) && !is_context_kind(k);
}

const char *class_kind_name(ClassKind k);
bool parse_class_kind(const char *s, ClassKind *out);

// Class flags.
enum : uint32_t {
  kClassLongRunning = 1u << 0, // LR fence: completes only when userspace lets it
  kClassMm = 1u << 1,          // lock class taken on memory-management paths
  kClassNamed = 1u << 2,       // name came from an annotation
  kClassStatic = 1u << 3,      // identified by a static object's address
  kClassInstance = 1u << 4,    // class=instance mode: one class per object
  kClassEntry = 1u << 5,       // keyed by a function's entry (a thread's start routine)
  kClassOneShot = 1u << 6,     // one-shot handshakes: any object stands for the next
};

// How the edge's destination was entered.
enum class EdgeKind : uint8_t {
  Acquire,  // lock taken while holding `from`
  Wait,     // wait started while holding `from`
  Signal,   // `from` is signalled only after `to` was taken/waited
  Section,  // taken/waited inside the signalling section of fence `from`
  Await,    // fence `from` will not signal before `to`
  Reclaim,  // allocation that may reclaim while holding `from`
  // Wait, started while holding `from`, on a fence that does not exist yet:
  // DRM syncobj WAIT_FOR_SUBMIT / WAIT_AVAILABLE waits for a future
  // submission, which whoever submits may never make.
  WaitForSubmit,
  Count_
};
const char *edge_kind_name(EdgeKind k);
bool parse_edge_kind(const char *s, EdgeKind *out);

// Lockdep's dependency types: whether the source was held for read and
// whether the destination was taken for (recursive) read.
enum : uint8_t {
  kDepNN = 1u << 0,
  kDepNR = 1u << 1,
  kDepRN = 1u << 2,
  kDepRR = 1u << 3,
};
inline uint8_t dep_type(bool src_read, bool dst_read) {
  return uint8_t(1u << ((src_read ? 2 : 0) + (dst_read ? 1 : 0)));
}

enum class ReportKind : uint8_t {
  LockOrder,
  WaitCycle,
  LrViolation,
  AwaitCycle,
  LiveHang,
  Count_
};
const char *report_kind_name(ReportKind k);
bool parse_report_kind(const char *s, ReportKind *out);

// What an LR violation was.
enum class LrUse : uint8_t { ResvAttach, Export, WaitInReclaim, WaitUnderMmLock };
const char *lr_use_name(LrUse u);

} // namespace fencedep

namespace fencedep {
// Short machine names for LR uses (JSON, suppressions).
const char *lr_use_id(LrUse u);
bool parse_lr_use(const char *s, LrUse *out);
} // namespace fencedep
