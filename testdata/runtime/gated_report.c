// gated.c run with report_gated=1: the gate-locked inversion is now reported,
// and marked as gated by gate_lock.
//
// RUN-OPTIONS: report_gated=1
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular locking dependency detected
// CHECK: SUMMARY: fencedep: lock-order {{(lockA -> lockB -> lockA|lockB -> lockA -> lockB)}} [gated by gate_lock] (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "gated.c"
