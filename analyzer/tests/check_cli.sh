#!/usr/bin/env bash
# Runs `fencedep check` on a testdata/static/cross-tu case and checks its
# exit status and output with FileCheck.
#
#   check_cli.sh --fencedep CMD --case DIR --include DIR --filecheck BIN
#                --workdir DIR --checkfile FILE [--prefix P] [--exit N]
#                [--stream stdout|stderr|both] [--json] [--no-db] -- CHECK_ARGS...
#
# The case's compile_commands.json.in is instantiated in WORKDIR/build
# (@DIR@: the case directory, @INCLUDE@: the test headers) and `-p` pointed
# there (unless --no-db: the arguments name files and flags themselves). In
# CHECK_ARGS, %W is the work directory, %C the case directory and %I the
# test headers.
# --json also requires the report to be valid JSON.
set -euo pipefail

fencedep= case= include= filecheck= workdir= checkfile= prefix=CHECK exit= stream=stdout json=0
db=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --fencedep) fencedep=$2; shift 2 ;;
    --case) case=$2; shift 2 ;;
    --include) include=$2; shift 2 ;;
    --filecheck) filecheck=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    --checkfile) checkfile=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --exit) exit=$2; shift 2 ;;
    --stream) stream=$2; shift 2 ;;
    --json) json=1; shift ;;
    --no-db) db=0; shift ;;
    --) shift; break ;;
    *) echo "check_cli.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

case=$(cd "$case" && pwd)
rm -rf "$workdir"
mkdir -p "$workdir/build"
sed -e "s#@DIR@#$case#g" -e "s#@INCLUDE@#$include#g" \
  "$case/compile_commands.json.in" > "$workdir/build/compile_commands.json"

args=()
for a in "$@"; do
  a=${a//%W/$workdir}
  a=${a//%I/$include}
  args+=("${a//%C/$case}")
done

read -r -a cmd <<< "$fencedep"
if [[ $db == 1 ]]; then
  cmd+=(-p "$workdir/build")
fi
rc=0
(cd "$workdir" && "${cmd[@]}" "${args[@]}") \
  > "$workdir/stdout" 2> "$workdir/stderr" || rc=$?
echo "--- stdout"; cat "$workdir/stdout"
echo "--- stderr"; cat "$workdir/stderr"
echo "--- exit status $rc"

if [[ -n "$exit" && "$rc" != "$exit" ]]; then
  echo "check_cli.sh: expected exit status $exit, got $rc" >&2
  exit 1
fi
if [[ $json == 1 ]]; then
  python3 -m json.tool "$workdir/stdout" > /dev/null
fi
case "$stream" in
  stdout) input="$workdir/stdout" ;;
  stderr) input="$workdir/stderr" ;;
  both) cat "$workdir/stdout" "$workdir/stderr" > "$workdir/both"; input="$workdir/both" ;;
esac
"$filecheck" --allow-empty --input-file="$input" "$checkfile" --check-prefix="$prefix"
