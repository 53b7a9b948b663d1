#!/usr/bin/env bash
# Runs one testdata/static case through the clang-tidy plugin and checks the
# output against the case's inline expectations, the way clang-tidy's own
# check_clang_tidy.py does: the CHECK lines are blanked in a copy of the
# source (so they cannot match themselves and line numbers stay), clang-tidy
# runs on the copy with only the check under test, and FileCheck matches the
# output against the original's `CHECK-MESSAGES:` lines with any other
# warning or error forbidden.
#
# A case can add clang-tidy arguments on a line
#   // TIDY-ARGS: ARGS...      (%S is the case's directory)
# and name a clang-tidy configuration file (relative to the case) whose
# @STATIC@ is replaced by the case's directory:
#   // TIDY-CONFIG: FILE
set -euo pipefail

tidy= plugin= filecheck= src= check= include= workdir=
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tidy) tidy=$2; shift 2 ;;
    --plugin) plugin=$2; shift 2 ;;
    --filecheck) filecheck=$2; shift 2 ;;
    --src) src=$2; shift 2 ;;
    --check) check=$2; shift 2 ;;
    --include) include=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    *) echo "check_tidy.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

srcdir=$(cd "$(dirname "$src")" && pwd)
mkdir -p "$workdir"
copy="$workdir/$(basename "$src")"
sed -E 's#// *CHECK-[A-Z0-9-]*:.*#//#' "$src" > "$copy"

extra=()
if line=$(grep -m1 '// TIDY-ARGS:' "$src"); then
  read -r -a extra <<< "$(sed -e 's#.*// TIDY-ARGS:##' -e "s#%S#$srcdir#g" <<< "$line")"
fi

if line=$(grep -m1 '// TIDY-CONFIG:' "$src"); then
  config=$(sed -e 's#.*// TIDY-CONFIG: *##' <<< "$line")
  sed -e "s#@STATIC@#$srcdir#g" "$srcdir/$config" > "$workdir/tidy-config.yaml"
  extra+=("--config-file=$workdir/tidy-config.yaml")
fi

out="$workdir/$(basename "$src").out"
# clang-tidy exits non-zero only for errors; the expectations decide.
"$tidy" --load="$plugin" --checks="-*,$check" "${extra[@]}" "$copy" -- \
  -nostdinc -std=gnu11 -I "$include" > "$out" 2>&1 || true
cat "$out"
"$filecheck" --input-file="$out" "$src" --check-prefix=CHECK-MESSAGES \
  --implicit-check-not='{{warning|error}}:'
