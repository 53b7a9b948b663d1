// Two reader-writer locks of one class: one thread read-locks the first
// and write-locks the second, another the other way round. Each holds a
// read lock the other's writer must wait for: a deadlock, reported with
// the read holds marked.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible ABBA deadlock between two locks of one class
// CHECK: -> #0 ({{.*}}) -> ({{.*}}): acquire RW,
// CHECK: -> #1 ({{.*}}) -> ({{.*}}): acquire RW,
// CHECK: #0: (rwlock same_class_rwlock_writer.c:{{[0-9]+:[0-9]+}} in main) read, at: read_then_write same_class_rwlock_writer.c:{{[0-9]+}}
// CHECK: SUMMARY: fencedep: lock-order rwlock same_class_rwlock_writer.c:{{[0-9]+:[0-9]+}} in main ->
// CHECK-NOT: WARNING
#include "scenario.h"

static pthread_rwlock_t tables[2];

static void *read_then_write(void *arg) {
  int first = (int)(long)arg;
  CHECK_PT(pthread_rwlock_rdlock(&tables[first]));
  CHECK_PT(pthread_rwlock_wrlock(&tables[1 - first]));
  CHECK_PT(pthread_rwlock_unlock(&tables[1 - first]));
  CHECK_PT(pthread_rwlock_unlock(&tables[first]));
  return NULL;
}

int main(void) {
  for (int i = 0; i < 2; ++i)
    CHECK_PT(pthread_rwlock_init(&tables[i], NULL));
  for (long first = 0; first < 2; ++first) {
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, read_then_write, (void *)first));
    CHECK_PT(pthread_join(t, NULL));
  }
  return 0;
}
