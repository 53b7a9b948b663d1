# `run --json` reads the runtime's reports back and writes them again: what
# they say about names and places survives. lock_wrapper_callers takes every
# lock through an inlined one-line wrapper and holds a lock inside a static
# structure; its report keeps each held lock's inline chain, the place the
# text names, and the static lock's symbol offset.
set -u
fail() { echo "FAIL: $*"; exit 1; }
[ -x "$WRAPPER_SCENARIO" ] || { echo "SKIP: $WRAPPER_SCENARIO not built"; exit 77; }
"$FENCEDEP" run --json out.json -- "$WRAPPER_SCENARIO" 2>err.txt; s=$?
[ $s -eq 66 ] || fail "exit status $s: $(cat err.txt)"
"$JSON_CHECK" out.json lock-order || fail "--json output"
grep -q "#0: (mutex g_state+0x40), at: take_state lock_wrapper_callers.c:" err.txt ||
  fail "text: $(cat err.txt)"
grep -q '"display":"mutex g_state+0x40"' out.json || fail "static lock's name: $(cat out.json)"
grep -q '"function":"g_state","file":null,"line":0,"column":0,"symbol_offset":"0x40"' out.json ||
  fail "symbol offset lost: $(cat out.json)"
grep -Eq '"at":\{[^}]*"function":"lock",[^}]*"inlined_into":\{[^}]*"function":"take_state"' out.json ||
  fail "inline chain lost: $(cat out.json)"
grep -Eq '"place":\{[^}]*"function":"take_ring"' out.json || fail "place lost: $(cat out.json)"
echo PASS
