#!/usr/bin/env bash
# `fencedep run --hang-timeout 1` on live_hang: the child's live-hang report
# is printed while it hangs (before the program kills it), and the --json
# output holds it, with its blocked threads.
#
#   run_hang_timeout.sh PROGRAM RUNTIME FENCEDEP WORKDIR
#
# Exit status 0 pass, 1 fail.
set -u
prog=$1 runtime=$2 fencedep=$3 dir=$4

fail() {
  echo "FAIL: run_hang_timeout: $*" >&2
  for f in "$dir/err" "$dir/reports.json"; do
    [ -s "$f" ] && { echo "--- $f:" >&2; head -c 20000 "$f" >&2; }
  done
  exit 1
}

rm -rf "$dir" && mkdir -p "$dir" || fail "cannot create $dir"
timeout -k 5 40 "$fencedep" run --runtime "$runtime" --hang-timeout 1 \
  --json "$dir/reports.json" -- "$prog" >"$dir/out" 2>"$dir/err"
rc=$?
[ $rc -eq 66 ] || fail "exit $rc, expected 66 (a live hang was reported)"
[ "$(grep -c 'WARNING: threads blocked: live wait-for graph' "$dir/err")" -eq 1 ] ||
  fail "expected the live-hang report exactly once on stderr"
grep -Eq 'waiting for submission of syncobj live_hang\.c:[0-9]+:[0-9]+ in [a-z_0-9]+' "$dir/err" ||
  fail "the report does not name the awaited syncobj"
grep -Eq 'threads [0-9]+ -> [0-9]+ -> [0-9]+ wait for each other: deadlock' "$dir/err" ||
  fail "the report does not show the thread cycle"
grep -q '"kind":"live-hang"' "$dir/reports.json" || fail "--json lacks the live-hang report"
grep -q '"threads":\[{"tid":' "$dir/reports.json" || fail "--json lacks the blocked threads"
echo "PASS: run_hang_timeout"
