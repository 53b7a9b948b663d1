#!/usr/bin/env bash
# graph.sh FENCEDEP FILECHECK TIMELINE_CHECK SRCDIR WORKDIR
# `fencedep graph`: the DOT class graph with the reported cycle highlighted
# (and only it, with --cycles-only), SVG through graphviz when installed,
# and a Perfetto timeline whose arrows bind to slices.
set -u
fencedep=$1 filecheck=$2 check=$3 src=$4 work=$5
mkdir -p "$work" && cd "$work" || exit 1
fail() { echo "FAIL: $*"; exit 1; }

"$fencedep" graph --no-progress "$src/kernel/fence_reclaim.ftrace" >graph.dot 2>graph.err
s=$?
cat graph.dot graph.err
[ $s -eq 66 ] || fail "graph: exit $s, expected 66 (a cycle was reported)"
"$filecheck" --input-file=graph.dot "$src/graph.dot.check" --check-prefix=DOT || fail "DOT"

"$fencedep" graph --no-progress --cycles-only --dot cycles.dot "$src/kernel/fence_reclaim.ftrace" 2>/dev/null
"$filecheck" --input-file=cycles.dot "$src/graph.dot.check" --check-prefix=ONLY || fail "--cycles-only"

# The timeline of a kernel trace: a fence waited under a lock and signalled
# by another task; the signal's arrow ends at the wait, the cycle's arrows
# join the two edges' first occurrences.
"$fencedep" graph --no-progress --timeline tl.json "$src/kernel/fence_wait_under_lock.ftrace" 2>tl.err
s=$?
cat tl.err
[ $s -eq 66 ] || fail "timeline: exit $s, expected 66"
"$check" tl.json >tl.txt || { cat tl.txt; fail "timeline malformed"; }
cat tl.txt
"$filecheck" --input-file=tl.txt "$src/graph.dot.check" --check-prefix=TL || fail "timeline"

# A native trace's timeline, merged with a kernel one: both render.
"$fencedep" graph --no-progress --timeline merged.json "$src/merge/half_a.ftrace" "$src/merge/half_b.perf" 2>/dev/null
"$check" merged.json >merged.txt || { cat merged.txt; fail "merged timeline malformed"; }
"$filecheck" --input-file=merged.txt "$src/graph.dot.check" --check-prefix=MERGED || fail "merged timeline"

# GPU jobs: a track per ring, jobs in flight together on tracks of their
# own (slices on a track must nest), signals as instants naming
# context:seqno; classes without edges listed apart in the DOT graph.
"$fencedep" graph --no-progress --dot jobs.dot --timeline jobs.json "$src/kernel/amdgpu_jobs.trace-cmd" 2>/dev/null
"$check" jobs.json >jobs.txt || { cat jobs.txt; fail "jobs timeline malformed"; }
cat jobs.txt jobs.dot
"$filecheck" --input-file=jobs.txt "$src/graph.dot.check" --check-prefix=JOBS || fail "jobs timeline"
"$filecheck" --input-file=jobs.dot "$src/graph.dot.check" --check-prefix=ALONE || fail "classes without edges"
# A job never done is an instant: no third track for it.
grep -q 'thread gpu ring gfx #3' jobs.txt && fail "an unfinished job took a track"
grep -q 'instant gpu ring gfx: job drm_sched:gfx (finished) fence=11:5 unfinished=true' jobs.txt ||
  fail "the unfinished job is not shown"

# The same from a trace.dat: i915 requests and xe jobs on their engines'
# tracks, read by field name.
"$fencedep" graph --no-progress --timeline dat.json "$src/dat/i915_xe.dat" 2>/dev/null
"$check" dat.json >dat.txt || { cat dat.txt; fail "trace.dat timeline malformed"; }
cat dat.txt
"$filecheck" --input-file=dat.txt "$src/graph.dot.check" --check-prefix=DAT || fail "trace.dat timeline"

# SVG needs graphviz; without it the test is skipped, saying why.
if ! command -v dot >/dev/null; then
  echo "SKIP: graphviz 'dot' is not installed; --svg not tested"
  exit 77
fi
"$fencedep" graph --no-progress --svg graph.svg "$src/kernel/fence_reclaim.ftrace" 2>/dev/null
grep -q '<svg' graph.svg || fail "no SVG written"
grep -q 'dma_fence_map' graph.svg || fail "SVG lacks the classes"
[ ! -e graph.svg.dot ] || fail "the intermediate DOT file was left behind"
echo PASS
