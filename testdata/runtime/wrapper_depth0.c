// wrapper_clean.c with class_depth=0: every object is classed by the
// wrapper's own init call, the way a class per init site would see it.
// The unrelated locks and condvars then form cycles: this is what the
// wrapper rule prevents (and what makes this test able to fail).
//
// RUN-OPTIONS: class_depth=0
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular
// CHECK: SUMMARY: fencedep: {{lock-order|wait-cycle}} {{.*}}wrapper_clean.c
#include "wrapper_clean.c"
