// abba.c with exitcode=7: the status used when a report was printed is
// configurable.
//
// RUN-OPTIONS: exitcode=7
// EXPECT-EXIT: 7
// CHECK: WARNING: possible circular locking dependency detected
// CHECK: SUMMARY: fencedep: lock-order
#include "abba.c"
