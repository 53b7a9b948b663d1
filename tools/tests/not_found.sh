# A command that cannot be executed gives 127 and says why.
set -u
fail() { echo "FAIL: $*"; exit 1; }
"$FENCEDEP" run -- fencedep-no-such-command 2>err.txt; s=$?
[ $s -eq 127 ] || fail "exited $s"
grep -q "fencedep: cannot execute 'fencedep-no-such-command': No such file or directory" err.txt ||
  fail "message: $(cat err.txt)"
"$FENCEDEP" run -- ./no/such/path 2>err.txt; s=$?
[ $s -eq 127 ] || fail "path: exited $s"
# Not executable.
echo 'echo hi' >plain.txt
chmod -x plain.txt
"$FENCEDEP" run -- ./plain.txt 2>err.txt; s=$?
[ $s -eq 127 ] || fail "non-executable: exited $s"
grep -q "Permission denied" err.txt || fail "non-executable message: $(cat err.txt)"
exit 0
