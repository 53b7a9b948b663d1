#!/usr/bin/env bash
# run_trace_test.sh FENCEDEP FILECHECK TRACE WORKDIR
# Analyzes TRACE and checks the outcome against the expectations written in
# TRACE itself, on comment lines ('#', which every reader skips):
#   EXPECT-EXIT: N     the exit status (required)
#   ARGS: ...          more arguments, placed before the inputs
#   INPUTS: ...        the inputs, instead of TRACE itself (a file that only
#                      describes a merge of others)
# %S in ARGS and INPUTS is TRACE's directory.
#   COMMAND: graph     run `fencedep graph` instead of `analyze`
#   CHECK...: ...      FileCheck lines, matched against stdout + stderr
set -u
fencedep=$1 filecheck=$2 trace=$3 work=$4
mkdir -p "$work"
name=$(basename "$trace")
out=$work/$name.out
dir=$(cd "$(dirname "$trace")" && pwd)

expect=$(sed -n 's/^#[[:space:]]*EXPECT-EXIT:[[:space:]]*\([0-9]*\).*/\1/p' "$trace" | head -1)
args=$(sed -n 's/^#[[:space:]]*ARGS:[[:space:]]*//p' "$trace" | head -1 | sed "s|%S|$dir|g")
inputs=$(sed -n 's/^#[[:space:]]*INPUTS:[[:space:]]*//p' "$trace" | head -1 | sed "s|%S|$dir|g")
[ -n "$inputs" ] || inputs=$trace
command=$(sed -n 's/^#[[:space:]]*COMMAND:[[:space:]]*//p' "$trace" | head -1)
[ -n "$expect" ] || { echo "FAIL: $trace has no EXPECT-EXIT line"; exit 1; }
[ -n "$command" ] || command=analyze

# shellcheck disable=SC2086 # ARGS and INPUTS are word lists
(cd "$work" && "$fencedep" "$command" --no-progress --no-symbolize $args $inputs) >"$out" 2>&1
status=$?
cat "$out"
[ "$status" -eq "$expect" ] || { echo "FAIL: exit status $status, expected $expect"; exit 1; }
if grep -q 'CHECK' "$trace"; then
  "$filecheck" --input-file="$out" "$trace" || { echo "FAIL: output does not match $trace"; exit 1; }
fi
echo PASS
