// One thread, inside a dl_iterate_phdr callback (the dynamic linker's lock
// held), blocks on a mutex another thread holds; that thread meanwhile
// takes a new lock, which makes the runtime class it and capture a stack.
// The runtime must not need the dynamic linker's lock for that (no
// dl_iterate_phdr, no dladdr on the hook path), or both threads wait
// forever. Sequenced with atomics and a short sleep so that the callback is
// blocked while the other thread works.
//
// EXPECT-EXIT: 0
// CHECK: callback done
// CHECK-NOT: WARNING
#define _GNU_SOURCE
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t fresh_lock;
static atomic_int held, in_callback;

static int callback(struct dl_phdr_info *info, size_t size, void *data) {
  if (atomic_exchange(&in_callback, 1) == 0) {
    pthread_mutex_lock(&held_lock); // blocks: the other thread holds it
    pthread_mutex_unlock(&held_lock);
  }
  return 1; // one module is enough
}

static void *iterate(void *arg) {
  while (!atomic_load(&held))
    sched_yield();
  dl_iterate_phdr(callback, NULL);
  return NULL;
}

int main(void) {
  pthread_mutex_init(&fresh_lock, NULL);
  pthread_t t;
  pthread_mutex_lock(&held_lock);
  if (pthread_create(&t, NULL, iterate, NULL) != 0)
    return 2;
  atomic_store(&held, 1);
  while (!atomic_load(&in_callback))
    sched_yield();
  usleep(100000); // the callback is now blocked on held_lock
  pthread_mutex_lock(&fresh_lock); // a new class, a new edge: a stack
  pthread_mutex_unlock(&fresh_lock);
  pthread_mutex_unlock(&held_lock);
  pthread_join(t, NULL);
  fprintf(stderr, "callback done\n");
  return 0;
}
