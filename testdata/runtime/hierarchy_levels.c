// A two-level hierarchy walked level by level: a directory lock (class D),
// then a file lock (class F) at one level, and the file's subdirectory
// locked under the file (F before D'). As classes that is D -> F -> D, but
// the objects only ever go downwards (d0 -> f0 -> d1, d1 -> f1), so
// no interleaving of these threads can deadlock. lockdep would report it;
// fencedep reports it as class-predicted (a file locked before its own
// parent directory somewhere else would close it), and report_predicted=0
// hides it (hierarchy_levels_quiet.c).
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular locking dependency detected
// CHECK-NEXT: fencedep: lock-order in pid
// CHECK-NEXT: class-predicted: no objects seen so far close this cycle
// CHECK: SUMMARY: fencedep: lock-order {{.*}} [class-predicted] (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "scenario.h"

struct dir {
  pthread_mutex_t lock;
};
struct file {
  pthread_mutex_t lock;
  struct dir *sub; // a subdirectory below this file, or NULL
};

// Two directories and a file in each: dirs[0]/files[0]/dirs[1]/files[1].
static struct dir dirs[2];
static struct file files[2];

// Locks a directory, then its file, then the file's subdirectory.
static void *walk(void *arg) {
  int level = (int)(long)arg;
  struct dir *parent = &dirs[level];
  struct file *f = &files[level];
  CHECK_PT(pthread_mutex_lock(&parent->lock));
  CHECK_PT(pthread_mutex_lock(&f->lock));
  if (f->sub) {
    CHECK_PT(pthread_mutex_lock(&f->sub->lock));
    CHECK_PT(pthread_mutex_unlock(&f->sub->lock));
  }
  CHECK_PT(pthread_mutex_unlock(&f->lock));
  CHECK_PT(pthread_mutex_unlock(&parent->lock));
  return NULL;
}

int main(void) {
  for (int i = 0; i < 2; ++i) {
    CHECK_PT(pthread_mutex_init(&dirs[i].lock, NULL));
    CHECK_PT(pthread_mutex_init(&files[i].lock, NULL));
    files[i].sub = i + 1 < 2 ? &dirs[i + 1] : NULL;
  }
  for (long level = 0; level < 2; ++level) {
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, walk, (void *)level));
    CHECK_PT(pthread_join(t, NULL));
  }
  return 0;
}
