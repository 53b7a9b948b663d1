// lifetime_signallers.h without the free signaller: the condition
// variable's only signallers need the lifetime lock its holder keeps while
// it waits. Reported.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular wait dependency detected
// CHECK: SUMMARY: fencedep: wait-cycle {{.*}}condvar{{.*}}mutex
// CHECK-NOT: WARNING
#define FREE_SIGNALLER 0
#include "lifetime_signallers.h"
