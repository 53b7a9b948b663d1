# A statically linked program cannot be preloaded into: refused with exit 2,
# or run uninstrumented with a warning under --force.
set -u
fail() { echo "FAIL: $*"; exit 1; }
if [ -z "${STATIC_PROGRAM:-}" ]; then
  echo "SKIP: glibc's static libraries (libc.a) are not installed; cannot build a static test program"
  exit 77
fi
"$FENCEDEP" run -- "$STATIC_PROGRAM" 2>err.txt; s=$?
[ $s -eq 2 ] || fail "exited $s"
grep -q "is statically linked; LD_PRELOAD cannot instrument it. Rebuild it dynamically linked." err.txt ||
  fail "message: $(cat err.txt)"
"$FENCEDEP" run --force -- "$STATIC_PROGRAM" 2>err.txt; s=$?
[ $s -eq 0 ] || fail "--force: exited $s"
grep -q "warning: .* statically linked" err.txt || fail "--force: no warning: $(cat err.txt)"
exit 0
