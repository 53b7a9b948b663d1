// abba.c with json=FILE: the report is also written as one JSON object per
// line, with its kind and the same summary as the text report.
//
// RUN-OPTIONS: json=%t.json
// EXPECT-EXIT: 66
// OUTPUT-FILE: JSON %t.json
// CHECK: SUMMARY: fencedep: lock-order
// JSON: "kind":"lock-order"
// JSON-SAME: "summary":"SUMMARY: fencedep: lock-order {{(lockA -> lockB -> lockA|lockB -> lockA -> lockB)}} (pid {{[0-9]+}})"
#include "abba.c"
