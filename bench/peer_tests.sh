#!/usr/bin/env bash
# Other projects' deadlock tests under fencedep: ThreadSanitizer's lit tests
# (compiler-rt/test/tsan) and Helgrind's lock-order tests (valgrind
# helgrind/tests), built natively outside this repository and run one at a
# time, natively and under `fencedep run` in the default mode and with
# FENCEDEP_OPTIONS=class=instance.
#
#   bench/peer_tests.sh [options] PEERS_DIR [BUILD_DIR]
#
#   PEERS_DIR           a directory outside this repository holding the peer
#                       sources: somewhere below it a .../tsan/ directory of
#                       compiler-rt's tests and a .../helgrind/tests/ one of
#                       valgrind's (each test file is looked up by name)
#   BUILD_DIR           fencedep build to use, BUILD_DIR/bin/fencedep (default build)
#   --work DIR          where the tests are built and run (default: a new
#                       temporary directory, removed at exit unless --keep);
#                       must be outside this repository
#   --keep              keep the work directory (binaries, each run's output)
#   --timeout S         time limit of each run in seconds (default 120)
#   --filter REGEX      only the runs whose name matches (grep -E)
#   --modes LIST        comma-separated fencedep modes: default, instance
#                       (default both)
#   --expectations F    run list and classification (default
#                       bench/peers/expectations.tsv next to this script)
#   --tsv FILE          also write one result line per run to FILE
#   --reports           print the summary line of every report, not only of
#                       reports on runs without a real cycle
#
# Needs clang-16 and clang++-16 (or CC / CXX), timeout and jq. The run list
# and our reason for calling each run cyclic or not are in the expectations
# file; this script only builds, runs and counts. Each test program is copied
# into the work directory with its own headers; TSan's test.h is replaced by
# bench/peers/tsan_test.h. Exit status 0 when every run completed (whatever
# fencedep reported), 1 when a build or run failed or timed out, 2 on bad usage.
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

usage() { # usage [STATUS]: the header above, to stderr unless STATUS is 0
  local out=2
  [ "${1:-2}" -eq 0 ] && out=1
  awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" | sed 's/^# \{0,1\}//' >&"$out"
  exit "${1:-2}"
}

die() { echo "peer_tests.sh: $*" >&2; exit 2; }

peers="" build="" work="" keep=0 timeout_s=120 filter="" modes="default,instance"
expectations="$here/peers/expectations.tsv" tsv_out="" all_reports=0
while [ $# -gt 0 ]; do
  case $1 in
  --work) work=$2; shift 2 ;;
  --keep) keep=1; shift ;;
  --timeout) timeout_s=$2; shift 2 ;;
  --filter) filter=$2; shift 2 ;;
  --modes) modes=$2; shift 2 ;;
  --expectations) expectations=$2; shift 2 ;;
  --tsv) tsv_out=$2; shift 2 ;;
  --reports) all_reports=1; shift ;;
  -h | --help) usage 0 ;;
  -*) echo "peer_tests.sh: unknown option '$1'" >&2; usage ;;
  *)
    if [ -z "$peers" ]; then peers=$1
    elif [ -z "$build" ]; then build=$1
    else usage; fi
    shift ;;
  esac
done
[ -n "$peers" ] || usage
build=${build:-build}
case $timeout_s in '' | *[!0-9]*) die "'$timeout_s' is not a number of seconds" ;; esac
for m in ${modes//,/ }; do
  case $m in default | instance) ;; *) die "unknown mode '$m' (default, instance)" ;; esac
done

fencedep=$build/bin/fencedep
[ -x "$fencedep" ] || die "$fencedep not found: build fencedep first (or give BUILD_DIR)"
fencedep=$(cd "$(dirname "$fencedep")" && pwd)/fencedep
# A build in progress has the CLI but not yet the runtime: fail now, not in
# every row.
[ -e "$build/lib/libfencedep.so" ] || die "$build/lib/libfencedep.so not found: is the build complete?"
[ -d "$peers" ] || die "'$peers' is not a directory"
peers=$(cd "$peers" && pwd)
[ -r "$expectations" ] || die "cannot read '$expectations'"
command -v jq >/dev/null || die "jq is needed to read fencedep's JSON reports (apt-get install jq)"
command -v timeout >/dev/null || die "timeout (coreutils) is needed"
cc=${CC:-clang-16} cxx=${CXX:-clang++-16}
command -v "$cc" >/dev/null || die "C compiler '$cc' not found (set CC)"
command -v "$cxx" >/dev/null || die "C++ compiler '$cxx' not found (set CXX)"

inside_repo() { case "$1/" in "$repo"/*) return 0 ;; esac; return 1; }
# The peers' code is built and run only outside the repository.
inside_repo "$peers" && die "PEERS_DIR must be outside the repository ($repo)"
if [ -n "$work" ]; then
  inside_repo "$(realpath -m "$work")" && die "the work directory must be outside the repository ($repo)"
  mkdir -p "$work" || die "cannot create '$work'"
  work=$(cd "$work" && pwd)
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/fencedep-peers.XXXXXX") || die "cannot create a work directory"
  [ $keep -eq 1 ] || trap 'rm -rf "$work"' EXIT
fi
inside_repo "$work" && die "the work directory must be outside the repository ($repo)"
mkdir -p "$work/bin" "$work/runs"

# find_source SUITE FILE: path of FILE in SUITE's directory below PEERS_DIR.
find_source() {
  local sub
  case $1 in tsan) sub=tsan ;; helgrind) sub=helgrind/tests ;; *) return 1 ;; esac
  find "$peers" -type f -path "*/$sub/$2" 2>/dev/null | sort | head -n 1
}

# build SUITE SOURCE CFLAGS -> prints the binary's path, or nothing when the
# build failed (the compiler's output is in the binary's .log).
build() {
  local suite=$1 src=$2 cflags=$3 path key dir comp
  key=$(printf '%s %s %s' "$suite" "$src" "$cflags" | md5sum | cut -c1-8)
  dir=$work/bin/${src%.*}.$key
  if [ -x "$dir/prog" ]; then echo "$dir/prog"; return; fi
  [ -f "$dir/build.log" ] && return # failed before
  mkdir -p "$dir"
  path=$(find_source "$suite" "$src")
  if [ -z "$path" ]; then
    echo "no $src below $peers" >"$dir/build.log"
    return
  fi
  # The test and the headers it includes by quotes, from its own directory;
  # TSan's test.h (runtime-specific) replaced by ours.
  cp "$path" "$dir/"
  cp "$(dirname "$path")"/*.h "$dir/" 2>/dev/null
  [ "$suite" = tsan ] && cp "$here/peers/tsan_test.h" "$dir/test.h"
  case $src in *.c) comp=$cc ;; *) comp=$cxx ;; esac
  [ "$cflags" = - ] && cflags=""
  # shellcheck disable=SC2086 # cflags is a word list
  if (cd "$dir" && "$comp" -pthread -g -w $cflags "$src" -o prog) >"$dir/build.log" 2>&1; then
    echo "$dir/prog"
  fi
}

# run_one OUTBASE PROG ARGS [ENV...]: runs PROG (natively when no fencedep
# mode is given) under the timeout; prints "rc reports predicted kinds".
# OUTBASE.err gets stderr, OUTBASE.json the reports.
run_native() {
  local out=$1 prog=$2 args=$3 rc
  [ "$args" = - ] && args=""
  # shellcheck disable=SC2086 # args is a word list
  (cd "$(dirname "$prog")" && timeout -k 5 "$timeout_s" "$prog" $args) >"$out.out" 2>"$out.err"
  rc=$?
  [ $rc -eq 124 ] || [ $rc -eq 137 ] && rc=TIMEOUT
  echo "$rc"
}

run_fencedep() {
  local out=$1 prog=$2 args=$3 mode=$4 rc opts n p kinds
  [ "$args" = - ] && args=""
  opts=${FENCEDEP_OPTIONS:-}
  [ "$mode" = instance ] && opts=${opts:+$opts:}class=instance
  rm -f "$out.json"
  # shellcheck disable=SC2086 # args is a word list
  (cd "$(dirname "$prog")" && FENCEDEP_OPTIONS=$opts timeout -k 5 "$timeout_s" \
    "$fencedep" run --json "$out.json" -- "$prog" $args) >"$out.out" 2>"$out.err"
  rc=$?
  [ $rc -eq 124 ] || [ $rc -eq 137 ] && rc=TIMEOUT
  if [ -s "$out.json" ]; then
    n=$(jq 'length' "$out.json" 2>/dev/null || echo "?")
    p=$(jq '[.[] | select(.predicted == true)] | length' "$out.json" 2>/dev/null || echo "?")
    kinds=$(jq -r '[.[].kind] | unique | join(",")' "$out.json" 2>/dev/null)
  else
    n=- p=- kinds=""
  fi
  echo "$rc $n $p ${kinds:--}"
}

# verdict CYCLE RC REPORTS PREDICTED
verdict() {
  local cycle=$1 rc=$2 n=$3 p=$4
  [ "$rc" = TIMEOUT ] && { echo timeout; return; }
  case $n in '' | - | *[!0-9]*) echo "no-json"; return ;; esac
  if [ "$cycle" = yes ]; then
    if [ "$n" -eq 0 ]; then echo MISSED
    elif [ "$n" -eq "$p" ]; then echo found-pred
    else echo found; fi
  else
    if [ "$n" -eq 0 ]; then echo ok
    elif [ "$n" -eq "$p" ]; then echo pred-only
    else echo FALSE; fi
  fi
}

IFS=, read -r -a mode_list <<<"$modes"
declare -A found total_real false_runs pred_runs report_sum timeouts
for m in "${mode_list[@]}"; do
  found[$m]=0 total_real[$m]=0 false_runs[$m]=0 pred_runs[$m]=0 report_sum[$m]=0 timeouts[$m]=0
done
real_all=0 real_skipped=0 nocycle_all=0 runs=0 failed=0 build_failed=0 native_hang=0
rows=() notes=()
[ -n "$tsv_out" ] && printf 'name\tsuite\tcycle\thow\tnative_rc%s\n' \
  "$(for m in "${mode_list[@]}"; do printf '\t%s_rc\t%s_reports\t%s_predicted\t%s_kinds\t%s_verdict' "$m" "$m" "$m" "$m" "$m"; done)" >"$tsv_out"

echo "peer deadlock tests: $(grep -vc '^#' "$expectations") runs listed in $expectations"
echo "fencedep: $fencedep; peers: $peers; work: $work; timeout ${timeout_s}s per run"
echo

while IFS=$'\t' read -r name suite src cflags args cycle how reason; do
  case $name in '' | '#'*) continue ;; esac
  if [ -n "$filter" ] && ! printf '%s\n' "$name" | grep -Eq -- "$filter"; then continue; fi
  runs=$((runs + 1))
  if [ "$cycle" = yes ]; then real_all=$((real_all + 1)); else nocycle_all=$((nocycle_all + 1)); fi
  printf '%-40s ' "$name" >&2
  row="$name|$cycle"
  tsvrow="$name	$suite	$cycle	$how"
  if [ "$how" = skip ]; then
    [ "$cycle" = yes ] && real_skipped=$((real_skipped + 1))
    rows+=("$row|skipped|$reason")
    echo "skipped" >&2
    [ -n "$tsv_out" ] && printf '%s\tskipped\n' "$tsvrow" >>"$tsv_out"
    continue
  fi
  prog=$(build "$suite" "$src" "$cflags")
  if [ -z "$prog" ]; then
    build_failed=$((build_failed + 1)) failed=1
    log=$(ls -d "$work"/bin/"${src%.*}".*/build.log 2>/dev/null | head -n 1)
    rows+=("$row|build-failed|see ${log:-the build log}")
    echo "build failed" >&2
    [ -n "$tsv_out" ] && printf '%s\tbuild-failed\n' "$tsvrow" >>"$tsv_out"
    continue
  fi
  base=$work/runs/$name
  nrc=$(run_native "$base.native" "$prog" "$args")
  if [ "$nrc" = TIMEOUT ]; then native_hang=$((native_hang + 1)); fi
  row="$row|$nrc"
  tsvrow="$tsvrow	$nrc"
  for m in "${mode_list[@]}"; do
    read -r rc n p kinds <<<"$(run_fencedep "$base.$m" "$prog" "$args" "$m")"
    v=$(verdict "$cycle" "$rc" "$n" "$p")
    row="$row|$rc|$n|$p|$v"
    tsvrow="$tsvrow	$rc	$n	$p	$kinds	$v"
    [ "$cycle" = yes ] && total_real[$m]=$((total_real[$m] + 1))
    case $v in
    found | found-pred) found[$m]=$((found[$m] + 1)) ;;
    FALSE) false_runs[$m]=$((false_runs[$m] + 1)) ;;
    pred-only) pred_runs[$m]=$((pred_runs[$m] + 1)) ;;
    timeout) timeouts[$m]=$((timeouts[$m] + 1)); failed=1 ;;
    no-json) failed=1 ;;
    esac
    case $n in *[!0-9]* | '') ;; *) report_sum[$m]=$((report_sum[$m] + n)) ;; esac
    # Summary lines of reports worth a verdict: every report on a run
    # without a real cycle, all of them with --reports.
    if [ -s "$base.$m.json" ] && { [ "$cycle" = no ] || [ $all_reports -eq 1 ]; }; then
      while IFS= read -r s; do
        notes+=("[$m] $name: $s")
      done < <(jq -r '.[] | (if .predicted == true then "(class-predicted) " else "" end) + .kind + ": " + (.summary // "")' "$base.$m.json" 2>/dev/null)
    fi
  done
  rows+=("$row")
  [ -n "$tsv_out" ] && printf '%s\n' "$tsvrow" >>"$tsv_out"
  echo "${row#*|}" | tr '|' ' ' >&2
done <"$expectations"

echo
echo "cycle: our classification (bench/peers/expectations.tsv); rc: exit status (66 = fencedep"
echo "reported); rep: reports in --json, pred: of which class-predicted; verdict: found / MISSED on"
echo "runs with a real cycle, ok / FALSE (a report not marked class-predicted) / pred-only on runs without."
hdr=$(printf '%-40s %-5s %-6s' name cycle native)
for m in "${mode_list[@]}"; do hdr+=$(printf ' | %-8s %4s %4s %-10s' "$m" rep pred verdict); done
echo "$hdr"
for r in "${rows[@]}"; do
  IFS='|' read -r -a f <<<"$r"
  line=$(printf '%-40s %-5s %-6s' "${f[0]}" "${f[1]}" "${f[2]}")
  if [ "${f[2]}" = skipped ] || [ "${f[2]}" = build-failed ]; then
    echo "$line   ${f[3]}"
    continue
  fi
  i=3
  for m in "${mode_list[@]}"; do
    line+=$(printf ' | %-8s %4s %4s %-10s' "rc=${f[i]}" "${f[i + 1]}" "${f[i + 2]}" "${f[i + 3]}")
    i=$((i + 4))
  done
  echo "$line"
done

echo
echo "runs: $runs ($real_all with a real lock-order cycle, $real_skipped of them skipped;" \
  "$nocycle_all without); build failures: $build_failed; native timeouts: $native_hang"
for m in "${mode_list[@]}"; do
  label=$m
  [ "$m" = instance ] && label="class=instance"
  echo "$label: cycles found ${found[$m]}/${total_real[$m]} run (of $real_all listed);" \
    "false reports on ${false_runs[$m]} of $nocycle_all runs without a cycle;" \
    "class-predicted only on ${pred_runs[$m]}; reports in all ${report_sum[$m]};" \
    "timeouts ${timeouts[$m]}"
done
if [ ${#notes[@]} -gt 0 ]; then
  echo
  if [ $all_reports -eq 1 ]; then echo "--- reports ---"; else echo "--- reports on runs without a real cycle ---"; fi
  printf '%s\n' "${notes[@]}"
fi
[ $keep -eq 1 ] && echo && echo "kept: $work (runs/NAME.MODE.{err,json} hold each run's output)"
exit $failed
