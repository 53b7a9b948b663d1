#!/usr/bin/env bash
# `fencedep check` gives the same report however the work is split: one
# job, two jobs, or two shards whose summary files are merged afterwards.
# A corrupt summary file among merged ones is reported (exit 2) and the
# others still are merged.
#
#   check_shards.sh --fencedep CMD --case DIR --include DIR --workdir DIR
set -euo pipefail

fencedep= case= include= workdir=
while [[ $# -gt 0 ]]; do
  case "$1" in
    --fencedep) fencedep=$2; shift 2 ;;
    --case) case=$2; shift 2 ;;
    --include) include=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    *) echo "check_shards.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case=$(cd "$case" && pwd)
rm -rf "$workdir"
mkdir -p "$workdir/build"
sed -e "s#@DIR@#$case#g" -e "s#@INCLUDE@#$include#g" \
  "$case/compile_commands.json.in" > "$workdir/build/compile_commands.json"
read -r -a cmd <<< "$fencedep"
cd "$workdir"

run() { # expected-status output-file args...
  local want=$1 out=$2 rc=0
  shift 2
  "${cmd[@]}" "$@" > "$out" 2> "$out.err" || rc=$?
  if [[ $rc != "$want" ]]; then
    echo "check_shards.sh: '$*' exited $rc, expected $want" >&2
    cat "$out.err" >&2
    exit 1
  fi
}

run 1 whole-j1.txt -p build -j 1 --no-source
run 1 whole-j2.txt -p build -j 2 --no-source
run 0 shard1.txt -p build --shard 1/2 --summaries s1.json
run 0 shard2.txt -p build --shard 2/2 --summaries s2.json
run 1 merged.txt --merge s1.json s2.json --no-source
echo '{"fencedep-summaries": 1, "tus": [{"file": "x.c", "functions": [{"name": "f"}]}]}' > bad.json
run 2 merged-bad.txt --merge s1.json bad.json s2.json --no-source

test -s whole-j1.txt || { echo "check_shards.sh: no findings to compare" >&2; exit 1; }
diff -u whole-j1.txt whole-j2.txt
diff -u whole-j1.txt merged.txt
diff -u whole-j1.txt merged-bad.txt
grep -q 'bad.json: error: ' merged-bad.txt.err || {
  echo "check_shards.sh: the corrupt summary file was not reported" >&2
  cat merged-bad.txt.err >&2
  exit 1
}
# Each shard holds part of the TUs, and together all of them.
python3 - s1.json s2.json build/compile_commands.json <<'PY'
import json, sys
s1 = {t["file"] for t in json.load(open(sys.argv[1]))["tus"]}
s2 = {t["file"] for t in json.load(open(sys.argv[2]))["tus"]}
db = {e["file"] for e in json.load(open(sys.argv[3]))}
assert s1 and s2 and not (s1 & s2), (s1, s2)
assert s1 | s2 == db, (s1 | s2, db)
PY
echo "check_shards.sh: -j1, -j2 and 2 merged shards agree ($(grep -c ': warning: ' whole-j1.txt) findings)"
