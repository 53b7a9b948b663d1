// Clean: a semaphore whose waiter holds nothing while it waits. The poster
// posts while holding a lock (edge semaphore -> lock) and the waiter takes
// that same lock after each wait, but never holds anything across sem_wait,
// so there is no edge into the semaphore and nothing may be reported. Runs
// truly concurrently: the pattern cannot deadlock.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include <semaphore.h>

#include "scenario.h"

enum { kItems = 2000 };

static pthread_mutex_t data_lock;
static sem_t ready;
static long posted, seen;

static void *poster(void *arg) {
  for (int i = 0; i < kItems; ++i) {
    CHECK_PT(pthread_mutex_lock(&data_lock));
    ++posted;
    CHECK_OK(sem_post(&ready));
    CHECK_PT(pthread_mutex_unlock(&data_lock));
  }
  return NULL;
}

static void *waiter(void *arg) {
  for (int i = 0; i < kItems; ++i) {
    CHECK_OK(sem_wait(&ready)); // holds nothing here
    CHECK_PT(pthread_mutex_lock(&data_lock));
    ++seen;
    CHECK_PT(pthread_mutex_unlock(&data_lock));
  }
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&data_lock, NULL));
  fencedep_set_class(&data_lock, "data_lock");
  CHECK_OK(sem_init(&ready, 0, 0));

  pthread_t p, w;
  CHECK_PT(pthread_create(&w, NULL, waiter, NULL));
  CHECK_PT(pthread_create(&p, NULL, poster, NULL));
  CHECK_PT(pthread_join(p, NULL));
  CHECK_PT(pthread_join(w, NULL));
  CHECK_OK(sem_destroy(&ready));
  return posted == kItems && seen == kItems ? 0 : 1;
}
