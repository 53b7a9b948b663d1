# With a fake runtime that prints a known report and writes it as JSON: `run`
# passes its settings, leaves printing to the processes (they print what they
# find at once), reads their JSON, names malformed lines, applies
# suppressions, and sets the exit status.
set -u
fail() { echo "FAIL: $*"; exit 1; }
# The run with malformed lines keeps its JSON file for the messages naming
# it: here, not in the machine's /tmp.
export TMPDIR=$PWD

# Merged settings: the caller's FENCEDEP_OPTIONS and LD_PRELOAD are kept.
libc=$(ls /lib/*/libc.so.6 /lib64/libc.so.6 /lib/libc.so.6 2>/dev/null | head -n 1)
FENCEDEP_OPTIONS=print_stats=1:exitcode=5 LD_PRELOAD=$libc \
  "$FENCEDEP" run --runtime "$FAKE_RUNTIME" --exitcode 9 --json out.json -- /bin/true 2>err.txt; s=$?
[ $s -eq 9 ] || fail "exit status $s, expected --exitcode 9: $(cat err.txt)"
grep -q "FENCEDEP_OPTIONS=print_stats=1:exitcode=9:json=" err.txt || fail "options: $(cat err.txt)"
! grep -q ":log_path=\|:symbolize=" err.txt || fail "reports not left to the process: $(cat err.txt)"
[ "$(grep -c "WARNING: possible circular wait" err.txt)" -eq 1 ] || fail "printed twice: $(cat err.txt)"
grep -q "LD_PRELOAD=$FAKE_RUNTIME:$libc" err.txt || fail "preload: $(cat err.txt)"
grep -q "WARNING: possible circular wait dependency detected" err.txt || fail "no report: $(cat err.txt)"
"$JSON_CHECK" out.json wait-cycle || fail "--json output"

# Malformed lines are named with their line number; the rest is still read.
FAKE_MALFORMED=1 "$FENCEDEP" run --runtime "$FAKE_RUNTIME" -- /bin/true 2>err.txt; s=$?
[ $s -eq 66 ] || fail "malformed: exit status $s"
grep -Eq "fencedep: .*:2: malformed report: not valid JSON" err.txt || fail "line 2: $(cat err.txt)"
grep -Eq "fencedep: .*:3: malformed report: missing field 'kind'" err.txt || fail "line 3: $(cat err.txt)"
grep -q "WARNING: possible circular wait dependency" err.txt || fail "good line lost: $(cat err.txt)"

# A suppressed report does not fail the run (the real runtime does not print
# it either: it reads the same suppressions).
echo "frame:fake_wait_site" >supp.txt
"$FENCEDEP" run --runtime "$FAKE_RUNTIME" --suppressions supp.txt -- /bin/true 2>err.txt; s=$?
[ $s -eq 0 ] || fail "suppressed: exit status $s: $(cat err.txt)"
grep -q "FENCEDEP_OPTIONS=.*suppressions=" err.txt || fail "suppressions not passed: $(cat err.txt)"

# --no-symbolize is passed on.
"$FENCEDEP" run --runtime "$FAKE_RUNTIME" --no-symbolize -- /bin/true 2>err.txt; s=$?
[ $s -eq 66 ] || fail "--no-symbolize: exit status $s"
grep -q "FENCEDEP_OPTIONS=.*symbolize=0" err.txt || fail "--no-symbolize not passed: $(cat err.txt)"
exit 0
