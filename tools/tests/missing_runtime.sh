# A runtime library that is not there is named, and nothing runs.
set -u
fail() { echo "FAIL: $*"; exit 1; }
"$FENCEDEP" run --runtime /no/such/libfencedep.so -- sh -c 'touch ran' 2>err.txt; s=$?
[ $s -eq 2 ] || fail "exited $s"
grep -q "runtime library not found: /no/such/libfencedep.so" err.txt || fail "message: $(cat err.txt)"
[ ! -e ran ] || fail "the command ran"
FENCEDEP_RUNTIME=/no/such/env.so "$FENCEDEP" run -- /bin/true 2>err.txt; s=$?
[ $s -eq 2 ] || fail "FENCEDEP_RUNTIME: exited $s"
grep -q "/no/such/env.so" err.txt || fail "FENCEDEP_RUNTIME message: $(cat err.txt)"
exit 0
