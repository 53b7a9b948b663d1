#!/usr/bin/env bash
# Runs cross_process under the runtime with a trace per process, then checks
# that neither trace alone has a cycle and that the merged analysis has the
# one the two processes make together.
#
#   cross_process.sh PROGRAM RUNTIME FENCEDEP WORKDIR
#
# Exit status 0 pass, 1 fail.
set -u
prog=$1 runtime=$2 fencedep=$3 dir=$4

fail() {
  echo "FAIL: cross_process: $*" >&2
  for f in "$dir"/*.out "$dir"/*.err; do
    [ -s "$f" ] && { echo "--- $f:" >&2; head -c 20000 "$f" >&2; }
  done
  exit 1
}

rm -rf "$dir" && mkdir -p "$dir" || fail "cannot create $dir"

# The runtime goes into the program only, not into timeout.
timeout -k 5 20 env LD_PRELOAD="$runtime" \
  FENCEDEP_OPTIONS="trace=$dir/%p.trace:fd_registry=$dir/fds" \
  "$prog" >"$dir/run.out" 2>"$dir/run.err"
rc=$?
[ $rc -eq 0 ] || fail "the program exited with $rc (a live report, or a failure)"
grep -q "WARNING" "$dir/run.err" && fail "a process reported on its own"
grep -q "1 frame(s) shared" "$dir/run.out" || fail "the peer did not run"

traces=("$dir"/*.trace)
[ ${#traces[@]} -eq 2 ] || fail "expected 2 traces, found ${#traces[@]}"

for t in "${traces[@]}"; do
  "$fencedep" analyze "$t" >"$t.out" 2>"$t.err"
  rc=$?
  [ $rc -eq 0 ] || fail "$(basename "$t") alone: exit $rc, expected 0 (no cycle in one process)"
done

"$fencedep" analyze "${traces[@]}" >"$dir/merged.out" 2>"$dir/merged.err"
rc=$?
[ $rc -eq 66 ] || fail "merged: exit $rc, expected 66"
summary='SUMMARY: fencedep: wait-cycle (ring_lock -> syncobj cross_process\.c:[0-9]+:[0-9]+ in [a-z_0-9]+ -> ring_lock|syncobj cross_process\.c:[0-9]+:[0-9]+ in [a-z_0-9]+ -> ring_lock -> syncobj cross_process\.c:[0-9]+:[0-9]+ in [a-z_0-9]+)'
grep -Eq "$summary" "$dir/merged.err" || fail "merged: no ring_lock/syncobj cycle"
# One edge from each process's trace.
grep -Eq '\(ring_lock\) -> \(syncobj cross_process\.c:[0-9]+:[0-9]+ in [a-z_0-9]+\): wait, first seen in pid [0-9]+ thread [0-9]+ of ' \
  "$dir/merged.err" || fail "merged: no wait edge from A's trace"
grep -Eq '\(syncobj cross_process\.c:[0-9]+:[0-9]+ in [a-z_0-9]+\) -> \(ring_lock\): signal, first seen in pid [0-9]+ thread [0-9]+ of ' \
  "$dir/merged.err" || fail "merged: no signal edge from B's trace"
echo "PASS: cross_process"
