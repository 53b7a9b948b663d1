#!/usr/bin/env bash
# Runs one runtime scenario and checks it against the expectations written
# inline in its source file:
#
#   // RUN-OPTIONS: key=value:key=value   FENCEDEP_OPTIONS for the run (optional;
#                                         %S = the source's directory,
#                                         %t = a per-test path prefix under WORKDIR)
#   // EXPECT-EXIT: N                     expected exit status (required)
#   // CHECK: ... / CHECK-NOT: ... / ...  FileCheck directives over stderr
#   // OUTPUT-FILE: PREFIX PATH           also FileCheck PATH (after %S/%t
#                                         substitution) with --check-prefix=PREFIX
#
# Usage:
#   run_scenario.sh --bin BIN --src SRC --runtime LIB --filecheck FILECHECK \
#                   --workdir DIR [--no-runtime]
#
# With --no-runtime the binary runs without the runtime and must exit 0 (the
# annotations are no-ops then); no other expectation applies.
# Exit status: 0 pass, 1 fail.
set -u

bin= src= runtime= filecheck= workdir= no_runtime=0
while [ $# -gt 0 ]; do
  case "$1" in
  --bin) bin=$2; shift 2 ;;
  --src) src=$2; shift 2 ;;
  --runtime) runtime=$2; shift 2 ;;
  --filecheck) filecheck=$2; shift 2 ;;
  --workdir) workdir=$2; shift 2 ;;
  --no-runtime) no_runtime=1; shift ;;
  *) echo "run_scenario.sh: unknown argument '$1'" >&2; exit 1 ;;
  esac
done

fail() {
  echo "FAIL: $name: $*" >&2
  exit 1
}

name=$(basename "${src:-?}" .c)
[ -x "$bin" ] || fail "binary '$bin' not found"
[ -f "$src" ] || fail "source '$src' not found"
[ -n "$workdir" ] || fail "--workdir missing"
mkdir -p "$workdir" || fail "cannot create '$workdir'"

srcdir=$(cd "$(dirname "$src")" && pwd)
# One fresh directory per test (the two tests of a scenario may run at once).
testdir="$workdir/$name"
[ $no_runtime -eq 1 ] && testdir="$testdir.noruntime"
rm -rf "$testdir" && mkdir -p "$testdir" || fail "cannot create '$testdir'"
tmp="$testdir/t"

# Timeout for the program itself: CTest's own timeout (30 s) is the backstop.
TIMEOUT=${FENCEDEP_SCENARIO_TIMEOUT:-20}

run() { # run OUT ERR CMD...: runs CMD with a timeout, returns its status
  local out=$1 err=$2
  shift 2
  timeout -k 5 "$TIMEOUT" "$@" >"$out" 2>"$err"
}

show() { # show FILE LABEL
  echo "--- $2 ($1):" >&2
  if [ -s "$1" ]; then head -c 20000 "$1" >&2; else echo "(empty)" >&2; fi
  echo "---" >&2
}

if [ $no_runtime -eq 1 ]; then
  run "$tmp.stdout" "$tmp.stderr" env -u LD_PRELOAD -u FENCEDEP_OPTIONS "$bin"
  rc=$?
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    show "$tmp.stderr" stderr
    fail "timed out after ${TIMEOUT}s without the runtime"
  fi
  if [ $rc -ne 0 ]; then
    show "$tmp.stderr" stderr
    fail "exit status $rc without the runtime, expected 0"
  fi
  echo "PASS: $name (no runtime)"
  exit 0
fi

[ -f "$runtime" ] || fail "runtime library '$runtime' not built"
[ -x "$filecheck" ] || fail "FileCheck '$filecheck' not found"

directive() { # first value of "// NAME:" at the start of a line
  sed -n "s|^//[[:space:]]*$1:[[:space:]]*||p" "$src" | head -n 1 | sed 's/[[:space:]]*$//'
}
subst() {
  local s=$1
  s=${s//%S/$srcdir}
  s=${s//%t/$tmp}
  printf '%s' "$s"
}

options=$(subst "$(directive RUN-OPTIONS)")
expect_exit=$(directive EXPECT-EXIT)
case "$expect_exit" in
'' | *[!0-9]*) fail "missing or bad '// EXPECT-EXIT: N' in $src" ;;
esac

# The runtime is preloaded into the scenario only (not into timeout or env).
run "$tmp.stdout" "$tmp.stderr" bash -c '
  export LD_PRELOAD="$1"
  if [ -n "$2" ]; then export FENCEDEP_OPTIONS="$2"; else unset FENCEDEP_OPTIONS; fi
  exec "$3"' scenario "$runtime" "$options" "$bin"
rc=$?

echo "command: LD_PRELOAD=$runtime FENCEDEP_OPTIONS='$options' $bin"
status=0
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
  echo "FAIL: $name: timed out after ${TIMEOUT}s under the runtime" >&2
  status=1
elif [ "$rc" != "$expect_exit" ]; then
  echo "FAIL: $name: exit status $rc, expected $expect_exit" >&2
  status=1
fi

# FileCheck dumps the annotated input itself when it fails.
stderr_shown=0
if ! "$filecheck" --allow-empty --dump-input=fail --input-file="$tmp.stderr" "$src"; then
  echo "FAIL: $name: stderr does not match the CHECK lines of $src" >&2
  status=1
  stderr_shown=1
fi

while read -r prefix path; do
  [ -n "$prefix" ] || continue
  path=$(subst "$path")
  if [ ! -f "$path" ]; then
    echo "FAIL: $name: expected output file '$path' ($prefix) was not written" >&2
    status=1
    continue
  fi
  if ! "$filecheck" --allow-empty --dump-input=fail --check-prefix="$prefix" \
    --input-file="$path" "$src"; then
    show "$path" "$prefix output"
    echo "FAIL: $name: '$path' does not match the $prefix lines of $src" >&2
    status=1
  fi
done < <(sed -n 's|^//[[:space:]]*OUTPUT-FILE:[[:space:]]*||p' "$src")

if [ $status -ne 0 ]; then
  [ $stderr_shown -eq 1 ] || show "$tmp.stderr" "stderr under the runtime"
  exit 1
fi
echo "PASS: $name"
exit 0
