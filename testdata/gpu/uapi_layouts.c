/*
 * Prints the size of every struct and the offset of every field the GPU
 * submit model reads, from either the kernel's own UAPI headers
 * (-DFROM_KERNEL, -I .../include/uapi of Linux 6.12) or the scenarios'
 * transcription (drm_drivers_abi.h): check_uapi_layouts.sh compares the
 * two outputs. (The runtime's transcriptions, runtime/src/drm_*.cpp, check
 * the same figures with static_assert.)
 */
#include <stddef.h>
#include <stdio.h>

#ifdef FROM_KERNEL
#define __user
#include <drm/amdgpu_drm.h>
#include <drm/drm.h>
#include <drm/i915_drm.h>
#include <drm/msm_drm.h>
#include <drm/panthor_drm.h>
#include <drm/v3d_drm.h>
#include <drm/virtgpu_drm.h>
#include <drm/xe_drm.h>
#else
#include "drm_drivers_abi.h"
#endif

#define S(t) printf("sizeof(%s) = %zu\n", #t, sizeof(t))
#define O(t, f) printf("offsetof(%s, %s) = %zu\n", #t, #f, offsetof(t, f))
#define R(r) printf("%s = 0x%lx\n", #r, (unsigned long)(r))

int main(void) {
  S(struct drm_version);
  O(struct drm_version, name_len);
  O(struct drm_version, name);
  R(DRM_IOCTL_VERSION);

  S(struct drm_xe_sync);
  O(struct drm_xe_sync, type);
  O(struct drm_xe_sync, flags);
  O(struct drm_xe_sync, handle);
  O(struct drm_xe_sync, timeline_value);
  S(struct drm_xe_exec);
  O(struct drm_xe_exec, exec_queue_id);
  O(struct drm_xe_exec, num_syncs);
  O(struct drm_xe_exec, syncs);
  R(DRM_IOCTL_XE_EXEC);
  O(struct drm_xe_sync, addr);
  R(DRM_XE_SYNC_TYPE_USER_FENCE);
  R(DRM_XE_SYNC_FLAG_SIGNAL);
  S(struct drm_xe_wait_user_fence);
  O(struct drm_xe_wait_user_fence, addr);
  O(struct drm_xe_wait_user_fence, op);
  O(struct drm_xe_wait_user_fence, flags);
  O(struct drm_xe_wait_user_fence, value);
  O(struct drm_xe_wait_user_fence, mask);
  O(struct drm_xe_wait_user_fence, timeout);
  O(struct drm_xe_wait_user_fence, exec_queue_id);
  R(DRM_XE_UFENCE_WAIT_OP_EQ);
  R(DRM_XE_UFENCE_WAIT_OP_GT);
  R(DRM_XE_UFENCE_WAIT_OP_GTE);
  R(DRM_XE_UFENCE_WAIT_OP_LTE);
  R(DRM_XE_UFENCE_WAIT_FLAG_ABSTIME);
  R(DRM_IOCTL_XE_WAIT_USER_FENCE);

  S(union drm_amdgpu_cs);
  O(struct drm_amdgpu_cs_in, ctx_id);
  O(struct drm_amdgpu_cs_in, num_chunks);
  O(struct drm_amdgpu_cs_in, chunks);
  S(struct drm_amdgpu_cs_chunk);
  O(struct drm_amdgpu_cs_chunk, length_dw);
  O(struct drm_amdgpu_cs_chunk, chunk_data);
  S(struct drm_amdgpu_cs_chunk_ib);
  O(struct drm_amdgpu_cs_chunk_ib, ip_type);
  O(struct drm_amdgpu_cs_chunk_ib, ring);
  S(struct drm_amdgpu_cs_chunk_dep);
  O(struct drm_amdgpu_cs_chunk_dep, ctx_id);
  O(struct drm_amdgpu_cs_chunk_dep, handle);
  S(struct drm_amdgpu_cs_chunk_sem);
  S(struct drm_amdgpu_cs_chunk_syncobj);
  O(struct drm_amdgpu_cs_chunk_syncobj, flags);
  O(struct drm_amdgpu_cs_chunk_syncobj, point);
  S(union drm_amdgpu_wait_cs);
  O(struct drm_amdgpu_wait_cs_in, timeout);
  O(struct drm_amdgpu_wait_cs_in, ip_type);
  O(struct drm_amdgpu_wait_cs_in, ctx_id);
  S(union drm_amdgpu_ctx);
  R(DRM_IOCTL_AMDGPU_CTX);
  R(DRM_IOCTL_AMDGPU_CS);
  R(DRM_IOCTL_AMDGPU_WAIT_CS);
  R(AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_WAIT);
  R(AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_SIGNAL);

  S(struct drm_i915_gem_execbuffer2);
  O(struct drm_i915_gem_execbuffer2, num_cliprects);
  O(struct drm_i915_gem_execbuffer2, cliprects_ptr);
  O(struct drm_i915_gem_execbuffer2, flags);
  O(struct drm_i915_gem_execbuffer2, rsvd1);
  O(struct drm_i915_gem_execbuffer2, rsvd2);
  S(struct drm_i915_gem_exec_fence);
  S(struct i915_user_extension);
  S(struct drm_i915_gem_execbuffer_ext_timeline_fences);
  O(struct drm_i915_gem_execbuffer_ext_timeline_fences, fence_count);
  O(struct drm_i915_gem_execbuffer_ext_timeline_fences, handles_ptr);
  O(struct drm_i915_gem_execbuffer_ext_timeline_fences, values_ptr);
  R(DRM_IOCTL_I915_GEM_EXECBUFFER2_WR);
  R(I915_EXEC_FENCE_IN);
  R(I915_EXEC_FENCE_OUT);
  R(I915_EXEC_FENCE_ARRAY);
  R(I915_EXEC_FENCE_SUBMIT);
  R(I915_EXEC_USE_EXTENSIONS);

  S(struct drm_msm_gem_submit);
  O(struct drm_msm_gem_submit, fence);
  O(struct drm_msm_gem_submit, fence_fd);
  O(struct drm_msm_gem_submit, queueid);
  O(struct drm_msm_gem_submit, in_syncobjs);
  O(struct drm_msm_gem_submit, nr_out_syncobjs);
  O(struct drm_msm_gem_submit, syncobj_stride);
  S(struct drm_msm_gem_submit_syncobj);
  S(struct drm_msm_wait_fence);
  O(struct drm_msm_wait_fence, timeout);
  O(struct drm_msm_wait_fence, queueid);
  R(DRM_IOCTL_MSM_GEM_SUBMIT);
  R(DRM_IOCTL_MSM_WAIT_FENCE);
  R(MSM_SUBMIT_FENCE_FD_IN);
  R(MSM_SUBMIT_FENCE_FD_OUT);
  R(MSM_SUBMIT_SYNCOBJ_IN);
  R(MSM_SUBMIT_SYNCOBJ_OUT);

  S(struct drm_panthor_obj_array);
  S(struct drm_panthor_sync_op);
  S(struct drm_panthor_queue_submit);
  O(struct drm_panthor_queue_submit, syncs);
  S(struct drm_panthor_group_submit);
  O(struct drm_panthor_group_submit, queue_submits);
  R(DRM_IOCTL_PANTHOR_GROUP_SUBMIT);

  S(struct drm_v3d_extension);
  S(struct drm_v3d_sem);
  S(struct drm_v3d_multi_sync);
  O(struct drm_v3d_multi_sync, in_syncs);
  O(struct drm_v3d_multi_sync, in_sync_count);
  O(struct drm_v3d_multi_sync, wait_stage);
  S(struct drm_v3d_submit_cl);
  O(struct drm_v3d_submit_cl, in_sync_bcl);
  O(struct drm_v3d_submit_cl, in_sync_rcl);
  O(struct drm_v3d_submit_cl, out_sync);
  O(struct drm_v3d_submit_cl, flags);
  O(struct drm_v3d_submit_cl, extensions);
  S(struct drm_v3d_submit_csd);
  O(struct drm_v3d_submit_csd, in_sync);
  O(struct drm_v3d_submit_csd, out_sync);
  O(struct drm_v3d_submit_csd, extensions);
  O(struct drm_v3d_submit_csd, flags);
  R(DRM_IOCTL_V3D_SUBMIT_CL);
  R(DRM_IOCTL_V3D_SUBMIT_CSD);

  S(struct drm_virtgpu_execbuffer);
  O(struct drm_virtgpu_execbuffer, fence_fd);
  O(struct drm_virtgpu_execbuffer, ring_idx);
  O(struct drm_virtgpu_execbuffer, syncobj_stride);
  O(struct drm_virtgpu_execbuffer, in_syncobjs);
  O(struct drm_virtgpu_execbuffer, out_syncobjs);
  S(struct drm_virtgpu_execbuffer_syncobj);
  R(DRM_IOCTL_VIRTGPU_EXECBUFFER);
  return 0;
}
