#include "builtin_suppressions.h"

namespace fencedep::runtime {

const char kBuiltinSuppressions[] =
    // CPython's GIL hand-off (ceval_gil): a thread that drops the GIL on
    // request waits until any other thread has taken it, and the taker
    // signals from take_gil whatever Python locks it holds. The requester is
    // already inside take_gil, past every lock it needs, so the wait never
    // depends on them; every Python program with threads and locks would
    // otherwise show a cycle through the GIL's switch condition.
    "frame:drop_gil\n"
    "frame:take_gil\n"
    // V8's safepoint barrier: the isolate's safepoint holds its local-heap
    // lock while it waits for the running threads to stop; a worker takes
    // that lock only while its local heap is parked, and parked heaps are
    // not waited for - a protocol on an atomic state word, invisible to a
    // lock and condition-variable model (node with worker_threads).
    "frame:v8::internal::IsolateSafepoint::\n";

} // namespace fencedep::runtime
