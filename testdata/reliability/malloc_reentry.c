/*
 * The program brings its own allocator, which takes a pthread mutex: every
 * malloc (including those glibc and the loader make before main) re-enters
 * the runtime's mutex hook. The run must finish cleanly with no report.
 */
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
// CHECK: allocations: 40000
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static pthread_mutex_t heap_lock = PTHREAD_MUTEX_INITIALIZER;
static char *heap_cur, *heap_end;

static void *bump(size_t n, size_t align) {
  pthread_mutex_lock(&heap_lock);
  if (!heap_cur) {
    size_t size = 512u << 20;
    heap_cur = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    heap_end = heap_cur + size;
  }
  char *p = (char *)(((size_t)heap_cur + 16 + align - 1) & ~(align - 1));
  if (p + n > heap_end) {
    pthread_mutex_unlock(&heap_lock);
    return NULL;
  }
  ((size_t *)p)[-1] = n;
  heap_cur = p + n;
  pthread_mutex_unlock(&heap_lock);
  return p;
}

void *malloc(size_t n) { return bump(n, 16); }
void free(void *p) { (void)p; }
void *calloc(size_t a, size_t b) { return bump(a * b, 16); } /* mmap memory is zeroed */
void *realloc(void *p, size_t n) {
  void *q = bump(n, 16);
  if (p && q) {
    size_t old = ((size_t *)p)[-1];
    memcpy(q, p, old < n ? old : n);
  }
  return q;
}
void *memalign(size_t align, size_t n) { return bump(n, align < 16 ? 16 : align); }
void *aligned_alloc(size_t align, size_t n) { return memalign(align, n); }
int posix_memalign(void **out, size_t align, size_t n) {
  *out = memalign(align, n);
  return *out ? 0 : 12;
}

static pthread_mutex_t work_lock = PTHREAD_MUTEX_INITIALIZER;
static long allocations;

static void *worker(void *arg) {
  (void)arg;
  for (int i = 0; i < 10000; ++i) {
    pthread_mutex_lock(&work_lock);
    void *p = malloc(32); /* allocator lock nested in work_lock, always */
    allocations += p != NULL;
    pthread_mutex_unlock(&work_lock);
    free(p);
  }
  return NULL;
}

int main(void) {
  pthread_t t[4];
  for (int i = 0; i < 4; ++i)
    pthread_create(&t[i], NULL, worker, NULL);
  for (int i = 0; i < 4; ++i)
    pthread_join(t[i], NULL);
  fprintf(stderr, "allocations: %ld\n", allocations);
  return 0;
}
