# `run` exits with the command's own status when nothing was reported.
set -u
fail() { echo "FAIL: $*"; exit 1; }
"$FENCEDEP" run -- /bin/true; s=$?
[ $s -eq 0 ] || fail "run -- /bin/true exited $s"
"$FENCEDEP" run -- sh -c 'exit 3'; s=$?
[ $s -eq 3 ] || fail "run -- sh -c 'exit 3' exited $s"
# Without `--` too, options of the command stay the command's.
"$FENCEDEP" run sh -c 'exit 4'; s=$?
[ $s -eq 4 ] || fail "run sh -c 'exit 4' exited $s"
# A signal death maps to 128 + signal, as in the shell.
"$FENCEDEP" run -- sh -c 'kill -TERM $$' 2>err.txt; s=$?
[ $s -eq 143 ] || fail "killed by SIGTERM: exited $s"
grep -q 'killed by signal 15' err.txt || fail "no note about the signal: $(cat err.txt)"
exit 0
