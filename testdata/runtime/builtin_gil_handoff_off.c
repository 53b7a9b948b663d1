// builtin_gil_handoff.c without the built-in suppressions: reported.
//
// RUN-OPTIONS: builtin_suppressions=0
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular wait dependency detected
// CHECK: in drop_gil
// CHECK: SUMMARY: fencedep: wait-cycle
// CHECK-NOT: WARNING
#include "builtin_gil_handoff.h"
