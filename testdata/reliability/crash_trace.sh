#!/usr/bin/env bash
# crash_trace.sh PROGRAM RUNTIME FENCEDEP WORKDIR
# A host that crashes mid-run leaves a trace readable up to the last
# complete chunk; a trace cut inside a chunk is analysed up to there and
# marked partial.
set -u
prog=$1 runtime=$2 fencedep=$3 work=$4
mkdir -p "$work"
trace=$work/crash.trace
rm -f "$trace"
fail() { echo "FAIL: $*" >&2; exit 1; }

FENCEDEP_OPTIONS="trace=$trace:log_path=$work/crash.log" LD_PRELOAD=$runtime \
  timeout 20 "$prog" 2>/dev/null
status=$?
[ $status -eq 134 ] || fail "expected the program to die of SIGABRT (134), got $status"
[ -s "$trace" ] || fail "no trace written"

"$fencedep" analyze --no-symbolize "$trace" >"$work/analyze.out" 2>&1
status=$?
cat "$work/analyze.out"
[ $status -eq 66 ] || fail "analyze of the crashed run: expected 66, got $status"
grep -q "SUMMARY: fencedep: lock-order" "$work/analyze.out" || fail "no lock-order report from the trace"

# Cut the trace inside its last chunk, as a crash during a write would.
size=$(stat -c %s "$trace")
head -c $((size - 7)) "$trace" >"$work/cut.trace"
"$fencedep" analyze --no-symbolize "$work/cut.trace" >"$work/cut.out" 2>&1
status=$?
cat "$work/cut.out"
[ $status -eq 66 ] || fail "analyze of the cut trace: expected 66, got $status"
grep -q "chunk payload cut short at byte" "$work/cut.out" || fail "cut trace not reported as cut short"
grep -q "(partial input)" "$work/cut.out" || fail "cut trace analysis not marked partial"

# Garbage instead of a trace: a clear error and a tool-error status.
printf 'not a trace at all' >"$work/garbage.trace"
"$fencedep" analyze "$work/garbage.trace" >"$work/garbage.out" 2>&1
status=$?
cat "$work/garbage.out"
[ $status -eq 2 ] || fail "garbage input: expected status 2, got $status"
grep -q "expected a chunk or file header at byte 0" "$work/garbage.out" || fail "garbage input: no position in the error"
echo "PASS"
