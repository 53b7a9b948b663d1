#!/usr/bin/env bash
# native.sh FENCEDEP RUNTIME FILECHECK SCENARIO_BIN SCENARIO_SRC WORKDIR [ANALYZE_ARGS...]
# Runs a runtime scenario (testdata/runtime/) under the preloaded runtime
# with a native trace, then analyzes the trace offline: the offline door
# runs the same model, so it must give the scenario's own verdict, checked
# against the scenario's own expectations (EXPECT-EXIT and its FileCheck
# lines, GRAPH: lines for `fencedep graph`). The trace is made here, from
# the built scenario, never checked in.
set -u
fencedep=$1 runtime=$2 filecheck=$3 bin=$4 src=$5 work=$6
shift 6
name=$(basename "$bin")
mkdir -p "$work"
trace=$work/$name.trace
rm -f "$trace"
fail() { echo "FAIL: $*"; exit 1; }

# The scenario's own RUN-OPTIONS line, if any, applies to this run too.
options=$(sed -n 's|^//[[:space:]]*RUN-OPTIONS:[[:space:]]*||p' "$src" | head -1)
FENCEDEP_OPTIONS="${options:+$options:}trace=$trace:log_path=$work/$name.runtime.log" \
  LD_PRELOAD=$runtime timeout 60 "$bin" >/dev/null 2>&1
[ -s "$trace" ] || fail "the scenario wrote no trace"

expect=$(sed -n 's|^//[[:space:]]*EXPECT-EXIT:[[:space:]]*\([0-9]*\).*|\1|p' "$src" | head -1)
[ -n "$expect" ] || fail "$src has no EXPECT-EXIT line"
"$fencedep" analyze --no-progress "$@" "$trace" >"$work/$name.analyze.out" 2>&1
status=$?
cat "$work/$name.analyze.out"
[ "$status" -eq "$expect" ] || fail "analyze exited $status, the scenario expects $expect"
if grep -q '// CHECK' "$src"; then
  "$filecheck" --input-file="$work/$name.analyze.out" "$src" ||
    fail "the offline report differs from the scenario's expectations"
fi
# `// GRAPH:` lines: the class graph of the same trace (`fencedep graph`).
if grep -q '// GRAPH' "$src"; then
  "$fencedep" graph --no-progress --dot "$work/$name.dot" "$trace" >/dev/null 2>&1
  cat "$work/$name.dot"
  "$filecheck" --input-file="$work/$name.dot" --check-prefix=GRAPH "$src" ||
    fail "the class graph differs from the scenario's expectations"
fi
echo PASS
