// hierarchy_levels.c with report_predicted=0: a class-predicted cycle only,
// so nothing is printed and the program's own status stands.
//
// RUN-OPTIONS: report_predicted=0
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include "hierarchy_levels.c"
