// A condition variable signalled by a thread under its lifetime lock, by
// that thread's joiner after taking the lock, and by a third thread with no
// lock: the signal does not depend on the lifetime lock (see
// lifetime_signallers.h). Nothing may be reported.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#define FREE_SIGNALLER 1
#include "lifetime_signallers.h"
