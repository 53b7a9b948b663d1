// A language runtime's scheduler hand-off that the model cannot see
// through: CPython's GIL. A thread asked to give up the interpreter waits in
// drop_gil until another thread has taken it; the taker signals from
// take_gil under whatever Python locks it holds. The thread that asked is
// already inside take_gil, past every lock, so the wait never depends on
// them - but the edges close a cycle (the waiter holds a lock the taker
// once took before taking the interpreter).
//
// The built-in suppressions drop such reports by default, counted in the
// exit statistics; builtin_gil_handoff_off.c runs the same program with
// builtin_suppressions=0 and sees the report. Sequenced as in
// condvar_under_lock; cannot hang.
//
// RUN-OPTIONS: print_stats=1
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
// CHECK: fencedep: pid {{[0-9]+}}: {{.*}} 0 reports (1 suppressed,
#include "builtin_gil_handoff.h"
