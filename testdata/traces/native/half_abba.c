// One half of an ABBA inversion per run: `half_abba ab` nests merge_lock_a
// then merge_lock_b, `half_abba ba` the other way round. Each run alone is
// clean; their two native traces merged close the cycle (native_merge.sh).
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "fencedep/fencedep.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

static void nest(pthread_mutex_t *outer, pthread_mutex_t *inner) {
  pthread_mutex_lock(outer);
  pthread_mutex_lock(inner);
  pthread_mutex_unlock(inner);
  pthread_mutex_unlock(outer);
}

int main(int argc, char **argv) {
  if (argc != 2 || (strcmp(argv[1], "ab") != 0 && strcmp(argv[1], "ba") != 0)) {
    fprintf(stderr, "usage: half_abba ab|ba\n");
    return 2;
  }
  fencedep_set_class(&lock_a, "merge_lock_a");
  fencedep_set_class(&lock_b, "merge_lock_b");
  if (argv[1][0] == 'a')
    nest(&lock_a, &lock_b);
  else
    nest(&lock_b, &lock_a);
  return 0;
}
