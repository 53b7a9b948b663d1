#!/usr/bin/env bash
# `fencedep check` on a kbuild-style tree the way a kernel developer runs it:
# the compilation database uses paths relative to each command's directory,
# forced includes and `-Wp,-MMD,FILE` dependency files, and the checker
# runs from an unrelated directory. Asserts: no TU error, nothing written
# into the tree or the current directory, the expected findings with kbuild's
# .mod files (modules) and, after removing them, with directories as modules.
#
#   check_kbuild.sh --fencedep CMD --case DIR --include DIR --filecheck BIN --workdir DIR
set -euo pipefail

fencedep= case= include= filecheck= workdir=
while [[ $# -gt 0 ]]; do
  case "$1" in
    --fencedep) fencedep=$2; shift 2 ;;
    --case) case=$2; shift 2 ;;
    --include) include=$2; shift 2 ;;
    --filecheck) filecheck=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    *) echo "check_kbuild.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

rm -rf "$workdir"
mkdir -p "$workdir/elsewhere"
tree="$workdir/tree"
cp -r "$case" "$tree"
sed -e "s#@TREE@#$tree#g" -e "s#@INCLUDE@#$include#g" \
  "$case/compile_commands.json.in" > "$tree/compile_commands.json"
touch "$workdir/marker"
read -r -a cmd <<< "$fencedep"

run() { # PREFIX
  local rc=0
  (cd "$workdir/elsewhere" && "${cmd[@]}" -p ../tree --no-source -j 2) \
    > "$workdir/$1.stdout" 2> "$workdir/$1.stderr" || rc=$?
  echo "--- $1 stdout"; cat "$workdir/$1.stdout"
  echo "--- $1 stderr"; cat "$workdir/$1.stderr"
  echo "--- $1 exit status $rc"
  if [[ $rc != 1 ]]; then
    echo "check_kbuild.sh: expected exit status 1 (findings, no input error), got $rc" >&2
    exit 1
  fi
  if grep -q "error" "$workdir/$1.stderr"; then
    echo "check_kbuild.sh: a translation unit failed" >&2
    exit 1
  fi
  local written
  written=$(find "$tree" "$workdir/elsewhere" -newer "$workdir/marker" -print)
  if [[ -n "$written" ]]; then
    echo "check_kbuild.sh: the check wrote files:" >&2
    echo "$written" >&2
    exit 1
  fi
  "$filecheck" --input-file="$workdir/$1.stdout" "$case/expect.txt" --check-prefix="$1"
  "$filecheck" --input-file="$workdir/$1.stderr" "$case/expect.txt" --check-prefix="$1-SUMMARY"
}

run MODS
find "$tree" -name '*.mod' -delete
touch "$workdir/marker"
run DIRS
