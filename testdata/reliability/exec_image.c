/*
 * The program replaces itself with exec: the runtime is loaded again into
 * the new image (LD_PRELOAD and FENCEDEP_OPTIONS are inherited), which
 * reports its ABBA inversion and exits with 66.
 */
// EXPECT-EXIT: 66
// CHECK: exec'ing
// CHECK: SUMMARY: fencedep: lock-order
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "abba.h"


int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "after-exec") == 0) {
    run_abba();
    return 0;
  }
  fprintf(stderr, "exec'ing\n");
  execl("/proc/self/exe", argv[0], "after-exec", (char *)NULL);
  perror("execl");
  return 2;
}
