// abba.c with log_path=FILE: the text report goes to the file instead of
// stderr; the exit status still says a report was printed.
//
// RUN-OPTIONS: log_path=%t.log
// EXPECT-EXIT: 66
// OUTPUT-FILE: LOG %t.log
// CHECK-NOT: WARNING
// LOG: WARNING: possible circular locking dependency detected
// LOG: SUMMARY: fencedep: lock-order {{(lockA -> lockB -> lockA|lockB -> lockA -> lockB)}} (pid {{[0-9]+}})
// LOG-NOT: WARNING
#include "abba.c"
