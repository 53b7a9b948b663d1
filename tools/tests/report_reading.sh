# With a fake runtime that writes known JSON lines: `run` passes its
# settings, reads, symbolizes and prints the reports, names malformed lines,
# applies suppressions after symbolization, and sets the exit status.
set -u
fail() { echo "FAIL: $*"; exit 1; }

# Merged settings: the caller's FENCEDEP_OPTIONS and LD_PRELOAD are kept.
libc=$(ls /lib/*/libc.so.6 /lib64/libc.so.6 /lib/libc.so.6 2>/dev/null | head -n 1)
FENCEDEP_OPTIONS=print_stats=1:exitcode=5 LD_PRELOAD=$libc \
  "$FENCEDEP" run --runtime "$FAKE_RUNTIME" --exitcode 9 --json out.json -- /bin/true 2>err.txt; s=$?
[ $s -eq 9 ] || fail "exit status $s, expected --exitcode 9: $(cat err.txt)"
grep -q "FENCEDEP_OPTIONS=print_stats=1:exitcode=9:json=" err.txt || fail "options: $(cat err.txt)"
grep -q ":log_path=/dev/null" err.txt || fail "log_path: $(cat err.txt)"
grep -q "LD_PRELOAD=$FAKE_RUNTIME:$libc" err.txt || fail "preload: $(cat err.txt)"
grep -q "WARNING: possible circular wait dependency detected" err.txt || fail "no report: $(cat err.txt)"
grep -Eq "in fake_runtime_init\(\) .*fake_runtime.cpp:[0-9]+:[0-9]+" err.txt ||
  fail "not symbolized to file:line: $(cat err.txt)"
"$JSON_CHECK" out.json wait-cycle || fail "--json output"

# Malformed lines are named with their line number; the rest is still read.
FAKE_MALFORMED=1 "$FENCEDEP" run --runtime "$FAKE_RUNTIME" -- /bin/true 2>err.txt; s=$?
[ $s -eq 66 ] || fail "malformed: exit status $s"
grep -Eq "fencedep: .*:2: malformed report: not valid JSON" err.txt || fail "line 2: $(cat err.txt)"
grep -Eq "fencedep: .*:3: malformed report: missing field 'kind'" err.txt || fail "line 3: $(cat err.txt)"
grep -q "WARNING: possible circular wait dependency" err.txt || fail "good line lost: $(cat err.txt)"

# Suppressed by a source file name, which only symbolization reveals.
echo "frame:fake_runtime.cpp" >supp.txt
"$FENCEDEP" run --runtime "$FAKE_RUNTIME" --suppressions supp.txt -- /bin/true 2>err.txt; s=$?
[ $s -eq 0 ] || fail "suppressed: exit status $s: $(cat err.txt)"
! grep -q "WARNING" err.txt || fail "suppressed report printed: $(cat err.txt)"

# --no-symbolize leaves printing to the runtime (the fake prints nothing).
"$FENCEDEP" run --runtime "$FAKE_RUNTIME" --no-symbolize -- /bin/true 2>err.txt; s=$?
[ $s -eq 66 ] || fail "--no-symbolize: exit status $s"
! grep -q "WARNING" err.txt || fail "--no-symbolize printed: $(cat err.txt)"
exit 0
