// inlined_site_copies.c built without debug info (-O2 -g0): the two copies
// of the one source call are known only by their addresses, so they stay
// two classes and the nesting queue[0] -> gate, gate -> queue[1] closes no
// cycle. This is the documented limit of the rule (docs/model.md, "Inlined
// copies"). It also guards the premise of inlined_site_copies: were the
// compiler to emit the call once, this would report.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include "inlined_site_copies.c"
