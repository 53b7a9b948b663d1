// fence-signalling-alloc: allocations that may enter reclaim on a
// dma-fence signalling path.
#include <drm/gpu_scheduler.h>
#include <linux/slab.h>

struct amdgpu_ring {
  struct kmem_cache *fence_slab;
};
struct amdgpu_job {
  struct drm_sched_job base;
  struct amdgpu_ring *ring;
};
struct amdgpu_fence {
  struct dma_fence base;
};

// Modelled on the amdgpu bug the dma-fence lockdep annotations found in
// 2020 ("drm/amdgpu: use GFP_ATOMIC in amdgpu_fence_emit"): run_job ->
// amdgpu_ib_schedule -> amdgpu_fence_emit allocated with GFP_KERNEL.
static int amdgpu_fence_emit(struct amdgpu_ring *ring, struct dma_fence **f) {
  struct amdgpu_fence *fence = kmem_cache_alloc(ring->fence_slab, GFP_KERNEL);
  // CHECK-MESSAGES: :[[@LINE-1]]:32: warning: allocation with GFP_KERNEL ('kmem_cache_alloc') may enter memory reclaim, which waits on dma-fences, on a signalling path; use GFP_NOWAIT or GFP_ATOMIC, or allocate before signalling starts [fence-signalling-alloc]
  // CHECK-MESSAGES: :[[@LINE+21]]:16: note: 'amdgpu_job_run' is on a dma-fence signalling path: registered as drm_sched_backend_ops.run_job here
  // CHECK-MESSAGES: :[[@LINE+15]]:3: note: 'amdgpu_job_run' calls 'amdgpu_ib_schedule' here
  // CHECK-MESSAGES: :[[@LINE+8]]:10: note: 'amdgpu_ib_schedule' calls 'amdgpu_fence_emit' here
  if (!fence)
    return -ENOMEM;
  *f = &fence->base;
  return 0;
}

static int amdgpu_ib_schedule(struct amdgpu_ring *ring, struct dma_fence **f) {
  return amdgpu_fence_emit(ring, f);
}

static struct dma_fence *amdgpu_job_run(struct drm_sched_job *sched_job) {
  struct amdgpu_job *job = (struct amdgpu_job *)sched_job;
  struct dma_fence *fence = NULL;
  amdgpu_ib_schedule(job->ring, &fence);
  return fence;
}

static const struct drm_sched_backend_ops amdgpu_sched_ops = {
    .run_job = amdgpu_job_run,
};

// The fix: GFP_ATOMIC cannot enter reclaim.
static int fixed_fence_emit(struct amdgpu_ring *ring, struct dma_fence **f) {
  struct amdgpu_fence *fence = kmem_cache_alloc(ring->fence_slab, GFP_ATOMIC);
  if (!fence)
    return -ENOMEM;
  *f = &fence->base;
  return 0;
}

static struct dma_fence *fixed_job_run(struct drm_sched_job *sched_job) {
  struct amdgpu_job *job = (struct amdgpu_job *)sched_job;
  struct dma_fence *fence = NULL;
  fixed_fence_emit(job->ring, &fence);
  return fence;
}

// GFP_KERNEL outside any signalling path is fine: free_job is not a root.
static void amdgpu_job_free(struct drm_sched_job *sched_job) {
  void *scratch = kmalloc(64, GFP_KERNEL);
  kfree(scratch);
}

static const struct drm_sched_backend_ops fixed_sched_ops = {
    .run_job = fixed_job_run,
    .free_job = amdgpu_job_free,
};

// The gfp argument travels through a helper: the caller's value decides.
static void *alloc_ctx(size_t size, gfp_t gfp) { return kzalloc(size, gfp); }
// CHECK-MESSAGES: :[[@LINE-1]]:57: warning: allocation with GFP_NOFS ('kzalloc') may enter memory reclaim{{.*}} [fence-signalling-alloc]
// CHECK-MESSAGES: :[[@LINE+6]]:12: note: the dma-fence signalling section begins here
// CHECK-MESSAGES: :[[@LINE+6]]:7: note: 'submit_section' calls 'alloc_ctx' here

void submit_section(void) {
  bool cookie;
  void *a;
  cookie = dma_fence_begin_signalling();
  a = alloc_ctx(32, GFP_NOFS);
  kfree(a);
  // Non-reclaiming flags through the same helper: no warning.
  a = alloc_ctx(32, GFP_NOWAIT);
  kfree(a);
  a = alloc_ctx(32, GFP_KERNEL & ~__GFP_DIRECT_RECLAIM);
  kfree(a);
  dma_fence_end_signalling(cookie);
  // After the section: no warning.
  a = kmalloc(32, GFP_KERNEL);
  kfree(a);
}

// vmalloc has no gfp argument and always may reclaim.
void vmalloc_in_section(void) {
  bool cookie = dma_fence_begin_signalling();
  void *p = vmalloc(4096);
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: allocation with an allocator that always may reclaim ('vmalloc') may enter memory reclaim{{.*}} [fence-signalling-alloc]
  // CHECK-MESSAGES: :[[@LINE-3]]:17: note: the dma-fence signalling section begins here
  kfree(p);
  dma_fence_end_signalling(cookie);
}
