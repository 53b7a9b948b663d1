// abba.c with a suppressions file naming one of the cycle's classes
// (class:lockA): the report is suppressed, and a run whose only report was
// suppressed exits with the program's own status.
//
// RUN-OPTIONS: suppressions=%S/abba_suppressed.supp
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
// CHECK-NOT: SUMMARY: fencedep
#include "abba.c"
