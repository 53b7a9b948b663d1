// The kernel ABI of DRM syncobjs and sync_files (include/uapi/drm/drm.h and
// include/uapi/linux/sync_file.h), spelled out here with their newest
// layouts so that the runtime builds without libdrm headers and reads
// arguments from programs built against any kernel's headers.
//
// Requests are matched by _IOC_TYPE and _IOC_NR only: the size field of a
// request code changed whenever a struct grew (deadline_nsec, point), so a
// caller's argument is copied for min(_IOC_SIZE(request), sizeof ours)
// bytes into a zeroed struct and fields it does not have read as zero.
#pragma once
#include <linux/ioctl.h>
#include <stddef.h>
#include <stdint.h>

namespace fencedep::drm {

inline constexpr unsigned kDrmType = 'd';
inline constexpr unsigned kSyncFileType = '>';
// Driver ioctls are numbered from here (DRM_COMMAND_BASE .. DRM_COMMAND_END).
inline constexpr unsigned kDrmCommandBase = 0x40;
inline constexpr unsigned kDrmCommandEnd = 0xA0;

enum : unsigned {
  kNrSyncobjCreate = 0xBF,
  kNrSyncobjDestroy = 0xC0,
  kNrSyncobjHandleToFd = 0xC1,
  kNrSyncobjFdToHandle = 0xC2,
  kNrSyncobjWait = 0xC3,
  kNrSyncobjReset = 0xC4,
  kNrSyncobjSignal = 0xC5,
  kNrSyncobjTimelineWait = 0xCA,
  kNrSyncobjQuery = 0xCB,
  kNrSyncobjTransfer = 0xCC,
  kNrSyncobjTimelineSignal = 0xCD,
  kNrSyncobjEventfd = 0xCF,
  kNrVersion = 0x00,
  kNrSyncFileMerge = 3,
  kNrSyncFileInfo = 4,
};

enum : uint32_t {
  kCreateSignaled = 1u << 0,
  kImportSyncFile = 1u << 0, // FD_TO_HANDLE
  kExportSyncFile = 1u << 0, // HANDLE_TO_FD
  kWaitAll = 1u << 0,
  kWaitForSubmit = 1u << 1,
  kWaitAvailable = 1u << 2,
  kWaitDeadline = 1u << 3,
  kQueryLastSubmitted = 1u << 0,
};

struct SyncobjCreate {
  uint32_t handle;
  uint32_t flags;
};

struct SyncobjDestroy {
  uint32_t handle;
  uint32_t pad;
};

struct SyncobjHandle {
  uint32_t handle;
  uint32_t flags;
  int32_t fd;
  uint32_t pad;
  uint64_t point; // newer kernels: timeline point to export / import at
};

struct SyncobjTransfer {
  uint32_t src_handle;
  uint32_t dst_handle;
  uint64_t src_point;
  uint64_t dst_point;
  uint32_t flags;
  uint32_t pad;
};

struct SyncobjWait {
  uint64_t handles; // user pointer to uint32_t[count_handles]
  int64_t timeout_nsec; // absolute, CLOCK_MONOTONIC
  uint32_t count_handles;
  uint32_t flags;
  uint32_t first_signaled; // out, when not waiting for all
  uint32_t pad;
  uint64_t deadline_nsec;
};

struct SyncobjTimelineWait {
  uint64_t handles;
  uint64_t points; // user pointer to uint64_t[count_handles]
  int64_t timeout_nsec;
  uint32_t count_handles;
  uint32_t flags;
  uint32_t first_signaled;
  uint32_t pad;
  uint64_t deadline_nsec;
};

struct SyncobjEventfd {
  uint32_t handle;
  uint32_t flags;
  uint64_t point;
  int32_t fd;
  uint32_t pad;
};

struct SyncobjArray {
  uint64_t handles;
  uint32_t count_handles;
  uint32_t pad;
};

struct SyncobjTimelineArray {
  uint64_t handles;
  uint64_t points;
  uint32_t count_handles;
  uint32_t flags;
};

// DRM_IOCTL_VERSION (drm.h): the driver's name tells whose submit ioctls
// a descriptor takes.
struct Version {
  int32_t version_major;
  int32_t version_minor;
  int32_t version_patchlevel;
  uint64_t name_len; // size_t: in, the buffer's size; out, the name's length
  uint64_t name;     // char *
  uint64_t date_len;
  uint64_t date;
  uint64_t desc_len;
  uint64_t desc;
};
static_assert(sizeof(Version) == 64 && offsetof(Version, name) == 24, "drm.h, Linux 6.12");
inline constexpr unsigned long kIoctlVersion = _IOWR('d', kNrVersion, Version);

struct SyncMergeData {
  char name[32];
  int32_t fd2;
  int32_t fence; // out: the merged sync_file
  uint32_t flags;
  uint32_t pad;
};

struct SyncFileInfo {
  char name[32];
  int32_t status; // 1 signalled, 0 active, < 0 error
  uint32_t flags;
  uint32_t num_fences;
  uint32_t pad;
  uint64_t sync_fence_info;
};

inline constexpr unsigned ioc_type(unsigned long req) {
  return (req >> _IOC_TYPESHIFT) & _IOC_TYPEMASK;
}
inline constexpr unsigned ioc_nr(unsigned long req) { return (req >> _IOC_NRSHIFT) & _IOC_NRMASK; }
inline constexpr unsigned ioc_size(unsigned long req) {
  return (req >> _IOC_SIZESHIFT) & _IOC_SIZEMASK;
}

} // namespace fencedep::drm
