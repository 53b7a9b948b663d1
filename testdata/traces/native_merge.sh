#!/usr/bin/env bash
# native_merge.sh FENCEDEP RUNTIME HALF_ABBA WORKDIR
# Two runs, each with one half of an ABBA inversion, each clean alone: their
# native traces analyzed together merge into one class graph (classes are
# keyed by name or module + offset, never by address), and the report names
# the trace of each edge. A trace cut inside a chunk still merges, marked
# partial.
set -u
fencedep=$1 runtime=$2 prog=$3 work=$4
mkdir -p "$work" && cd "$work" || exit 1
fail() { echo "FAIL: $*"; exit 1; }
rm -f ab.trace ba.trace
for half in ab ba; do
  FENCEDEP_OPTIONS="trace=$half.trace" LD_PRELOAD=$runtime timeout 30 "$prog" "$half" ||
    fail "half_abba $half under the runtime exited $?"
  [ -s "$half.trace" ] || fail "no trace from half_abba $half"
  "$fencedep" analyze --no-progress "$half.trace" >"$half.out" 2>&1
  s=$?
  cat "$half.out"
  [ $s -eq 0 ] || fail "$half.trace alone: exit $s, expected 0"
done

"$fencedep" analyze --no-progress ab.trace ba.trace >merged.out 2>&1
s=$?
cat merged.out
[ $s -eq 66 ] || fail "merged: exit $s, expected 66"
grep -q 'SUMMARY: fencedep: lock-order merge_lock_[ab] -> merge_lock_[ab] -> merge_lock_[ab]' merged.out ||
  fail "merged: no lock-order report"
grep -q '(merge_lock_a) -> (merge_lock_b): acquire, first seen in pid [0-9]* thread [0-9]* of ab.trace' merged.out ||
  fail "merged: the a->b edge does not name ab.trace"
grep -q '(merge_lock_b) -> (merge_lock_a): acquire, first seen in pid [0-9]* thread [0-9]* of ba.trace' merged.out ||
  fail "merged: the b->a edge does not name ba.trace"
grep -q 'analyzed 2 traces (native):' merged.out || fail "merged: summary"

# The second trace cut inside its last chunk: what was read still closes
# the cycle; the output says what was lost and the analysis is partial.
size=$(stat -c %s ba.trace)
head -c $((size - 3)) ba.trace >ba.cut.trace
"$fencedep" analyze --no-progress ab.trace ba.cut.trace >cut.out 2>&1
s=$?
cat cut.out
grep -q 'ba.cut.trace: chunk payload cut short at byte [0-9]*; analysis is partial' cut.out ||
  fail "cut: loss not reported"
grep -q '(partial input)' cut.out || fail "cut: not marked partial"
[ $s -eq 66 ] || [ $s -eq 1 ] || fail "cut: exit $s, expected 66 or 1"
echo PASS
