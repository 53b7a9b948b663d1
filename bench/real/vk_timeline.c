/* A small Vulkan program for bench/real_gpu_stack.sh: frames in flight on
 * timeline semaphores, as a renderer and a presenter run them, on whatever
 * Vulkan device comes first (here: Mesa's lavapipe, llvmpipe's Vulkan).
 *
 * - a render thread waits on the host for the present of frame k-2
 *   (vkWaitSemaphores), then submits frame k: a command buffer that fills
 *   a buffer, waiting for timeline `host` to reach k (a wait-before-signal:
 *   the host thread signals it later) and signalling `frame` = k;
 * - a present thread waits on the host for `frame` = k, then submits a
 *   copy that waits for it and signals `present` = k, with a VkFence it
 *   waits for every 8th frame (vkWaitForFences);
 * - a host thread signals `host` = k from the CPU (vkSignalSemaphore).
 * The device has one queue (lavapipe's only one): the render and present
 * threads share it under a mutex, as Vulkan requires.
 *
 *   usage: vk_timeline [FRAMES [wait-under-lock]]   default 200
 *
 * wait-under-lock adds a known bug, to see it found through Mesa's own
 * semaphores: once, the render thread waits on the host for `host` to
 * reach 1 while holding the queue mutex, and the host thread takes the
 * queue mutex (as a submitting thread would) before it signals 1. So that
 * it does not hang, the render thread's wait has a 50 ms timeout and the
 * host thread starts only once it timed out: the wait did block, which is
 * what a runtime sees of a semaphore made of a mutex and a condition
 * variable (lavapipe's).
 *
 * Prints "frames=N seconds=S" and exits 0; exits 1 with a message when no
 * device with timeline semaphores is found (77: skipped).
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vulkan/vulkan.h>

static VkDevice dev;
static VkQueue queue;
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static VkSemaphore host_tl, frame_tl, present_tl;
static VkCommandBuffer render_cmd[2], present_cmd[2];
static VkFence present_fence;
static uint64_t frames = 200;
static int wait_under_lock;
static _Atomic int bug_waited;

#define CHECK(call)                                                                         \
  do {                                                                                      \
    VkResult r_ = (call);                                                                   \
    if (r_ != VK_SUCCESS) {                                                                 \
      fprintf(stderr, "vk_timeline: %s: VkResult %d\n", #call, r_);                         \
      exit(1);                                                                              \
    }                                                                                       \
  } while (0)

static VkSemaphore timeline(void) {
  VkSemaphoreTypeCreateInfo type = {VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO, NULL,
                                    VK_SEMAPHORE_TYPE_TIMELINE, 0};
  VkSemaphoreCreateInfo info = {VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO, &type, 0};
  VkSemaphore s;
  CHECK(vkCreateSemaphore(dev, &info, NULL, &s));
  return s;
}

static void host_wait(VkSemaphore s, uint64_t value) {
  VkSemaphoreWaitInfo w = {VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO, NULL, 0, 1, &s, &value};
  CHECK(vkWaitSemaphores(dev, &w, UINT64_MAX));
}

static void submit(VkCommandBuffer cmd, VkSemaphore wait, uint64_t wait_value, VkSemaphore signal,
                   uint64_t signal_value, VkFence fence) {
  VkTimelineSemaphoreSubmitInfo tl = {VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO, NULL,
                                      1, &wait_value, 1, &signal_value};
  VkPipelineStageFlags stage = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
  VkSubmitInfo info = {VK_STRUCTURE_TYPE_SUBMIT_INFO, &tl, 1, &wait, &stage, 1, &cmd, 1, &signal};
  pthread_mutex_lock(&queue_lock);
  CHECK(vkQueueSubmit(queue, 1, &info, fence));
  pthread_mutex_unlock(&queue_lock);
}

static void *render(void *arg) {
  if (wait_under_lock) {
    pthread_mutex_lock(&queue_lock);
    uint64_t one = 1;
    VkSemaphoreWaitInfo w = {VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO, NULL, 0, 1, &host_tl, &one};
    if (vkWaitSemaphores(dev, &w, 50000000ull) != VK_TIMEOUT) {
      fprintf(stderr, "vk_timeline: the wait under the lock did not time out\n");
      exit(1);
    }
    pthread_mutex_unlock(&queue_lock);
    bug_waited = 1;
  }
  for (uint64_t k = 1; k <= frames; ++k) {
    if (k > 2)
      host_wait(present_tl, k - 2);
    submit(render_cmd[k & 1], host_tl, k, frame_tl, k, VK_NULL_HANDLE);
  }
  return arg;
}

static void *present(void *arg) {
  for (uint64_t k = 1; k <= frames; ++k) {
    host_wait(frame_tl, k);
    int fenced = k % 8 == 0;
    submit(present_cmd[k & 1], frame_tl, k, present_tl, k, fenced ? present_fence : VK_NULL_HANDLE);
    if (fenced) {
      CHECK(vkWaitForFences(dev, 1, &present_fence, VK_TRUE, UINT64_MAX));
      CHECK(vkResetFences(dev, 1, &present_fence));
    }
  }
  host_wait(present_tl, frames);
  return arg;
}

static void *host(void *arg) {
  for (uint64_t k = 1; k <= frames; ++k) {
    VkSemaphoreSignalInfo s = {VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO, NULL, host_tl, k};
    if (wait_under_lock && k == 1) {
      while (!bug_waited)
        sched_yield();
      pthread_mutex_lock(&queue_lock);
      pthread_mutex_unlock(&queue_lock);
    }
    CHECK(vkSignalSemaphore(dev, &s));
    if (k > 2)
      host_wait(frame_tl, k - 2);
  }
  return arg;
}

int main(int argc, char **argv) {
  if (argc > 1)
    frames = strtoull(argv[1], NULL, 10);
  wait_under_lock = argc > 2 && strcmp(argv[2], "wait-under-lock") == 0;
  VkApplicationInfo app = {VK_STRUCTURE_TYPE_APPLICATION_INFO, NULL, "vk_timeline", 1, NULL, 0,
                           VK_API_VERSION_1_2};
  VkInstanceCreateInfo ii = {VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO, NULL, 0, &app, 0, NULL, 0, NULL};
  VkInstance inst;
  CHECK(vkCreateInstance(&ii, NULL, &inst));
  uint32_t n = 1;
  VkPhysicalDevice phys;
  VkResult r = vkEnumeratePhysicalDevices(inst, &n, &phys);
  if ((r != VK_SUCCESS && r != VK_INCOMPLETE) || n == 0) {
    fprintf(stderr, "vk_timeline: no Vulkan device\n");
    return 77;
  }
  VkPhysicalDeviceProperties props;
  vkGetPhysicalDeviceProperties(phys, &props);
  fprintf(stderr, "vk_timeline: device %s\n", props.deviceName);

  float prio = 1.0f;
  VkDeviceQueueCreateInfo qi = {VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO, NULL, 0, 0, 1, &prio};
  VkPhysicalDeviceTimelineSemaphoreFeatures tlf = {
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES, NULL, VK_TRUE};
  VkDeviceCreateInfo di = {VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, &tlf, 0, 1, &qi, 0, NULL, 0, NULL, NULL};
  CHECK(vkCreateDevice(phys, &di, NULL, &dev));
  vkGetDeviceQueue(dev, 0, 0, &queue);

  /* A host-visible buffer the command buffers fill and copy. */
  VkBufferCreateInfo bi = {VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO, NULL, 0, 1 << 20,
                           VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                           VK_SHARING_MODE_EXCLUSIVE, 0, NULL};
  VkBuffer buf[2];
  VkDeviceMemory mem[2];
  for (int i = 0; i < 2; ++i) {
    CHECK(vkCreateBuffer(dev, &bi, NULL, &buf[i]));
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(dev, buf[i], &req);
    VkMemoryAllocateInfo ai = {VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO, NULL, req.size, 0};
    CHECK(vkAllocateMemory(dev, &ai, NULL, &mem[i]));
    CHECK(vkBindBufferMemory(dev, buf[i], mem[i], 0));
  }
  VkCommandPoolCreateInfo pi = {VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO, NULL, 0, 0};
  VkCommandPool pool;
  CHECK(vkCreateCommandPool(dev, &pi, NULL, &pool));
  VkCommandBuffer cmds[4];
  VkCommandBufferAllocateInfo cai = {VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO, NULL, pool,
                                     VK_COMMAND_BUFFER_LEVEL_PRIMARY, 4};
  CHECK(vkAllocateCommandBuffers(dev, &cai, cmds));
  VkCommandBufferBeginInfo begin = {VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO, NULL,
                                    VK_COMMAND_BUFFER_USAGE_SIMULTANEOUS_USE_BIT, NULL};
  for (int i = 0; i < 4; ++i) {
    CHECK(vkBeginCommandBuffer(cmds[i], &begin));
    if (i < 2) {
      vkCmdFillBuffer(cmds[i], buf[0], 0, VK_WHOLE_SIZE, 0x01010101u * (uint32_t)(i + 1));
    } else {
      VkBufferCopy c = {0, 0, 1 << 20};
      vkCmdCopyBuffer(cmds[i], buf[0], buf[1], 1, &c);
    }
    CHECK(vkEndCommandBuffer(cmds[i]));
  }
  render_cmd[0] = cmds[0], render_cmd[1] = cmds[1];
  present_cmd[0] = cmds[2], present_cmd[1] = cmds[3];
  host_tl = timeline();
  frame_tl = timeline();
  present_tl = timeline();
  VkFenceCreateInfo fi = {VK_STRUCTURE_TYPE_FENCE_CREATE_INFO, NULL, 0};
  CHECK(vkCreateFence(dev, &fi, NULL, &present_fence));

  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pthread_t t[3];
  pthread_create(&t[0], NULL, render, NULL);
  pthread_create(&t[1], NULL, present, NULL);
  pthread_create(&t[2], NULL, host, NULL);
  for (int i = 0; i < 3; ++i)
    pthread_join(t[i], NULL);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  CHECK(vkDeviceWaitIdle(dev));

  vkDestroyFence(dev, present_fence, NULL);
  vkDestroySemaphore(dev, host_tl, NULL);
  vkDestroySemaphore(dev, frame_tl, NULL);
  vkDestroySemaphore(dev, present_tl, NULL);
  vkDestroyCommandPool(dev, pool, NULL);
  for (int i = 0; i < 2; ++i) {
    vkDestroyBuffer(dev, buf[i], NULL);
    vkFreeMemory(dev, mem[i], NULL);
  }
  vkDestroyDevice(dev, NULL);
  vkDestroyInstance(inst, NULL);
  printf("frames=%llu seconds=%.6f\n", (unsigned long long)frames,
         (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
  return 0;
}
