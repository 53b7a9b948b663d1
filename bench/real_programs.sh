#!/usr/bin/env bash
# Real Debian programs under `fencedep run`, next to native runs of the same
# commands in the same session: exit codes, report counts and time ratios.
#
#   bench/real_programs.sh [options] [BUILD_DIR]
#
#   BUILD_DIR           fencedep build to use, BUILD_DIR/bin/fencedep (default build)
#   --runs N            timed runs per configuration, native and fencedep
#                       alternating; the best time is kept (default 3)
#   --only LIST         comma-separated program names (default: all of them)
#   --scale K           multiply the input sizes by K (default 1)
#   --timeout S         time limit of each run in seconds (default 600)
#   --install-missing   apt-get install the optional programs (pigz, ffmpeg)
#                       that are missing; otherwise they are skipped
#   --work DIR          where inputs and outputs go (default: a new temporary
#                       directory, removed at exit unless --keep)
#   --keep              keep the work directory (each run's stderr and JSON)
#   --tsv FILE          also write one result line per program to FILE
#   --reports N         print the summary lines of at most N distinct
#                       reports per program (default 10)
#
# Programs: java (a thread pool, bench/real/ThreadPool.java compiled with
# javac into the work directory), node (worker_threads, bench/real/workers.js),
# python (concurrent.futures and queue, bench/real/pool.py), sort --parallel,
# xz -T2, zstd -T2, pigz -p 2, git repack with two delta threads on a
# generated repository, sqlite3 (bench/real/workload.sql with sorter threads),
# ffmpeg encoding (libx264, 2 threads) and decoding (frame threads).
# The target is the same exit code as native and no report on every one; this
# script only measures and prints. Exit status 0 when every program ran (the
# target met or not), 1 when a setup or run failed or timed out, 2 on bad usage.
set -u

here=$(cd "$(dirname "$0")" && pwd)
all_programs="java,node,python,sort,xz,zstd,pigz,git,sqlite,ffmpeg_enc,ffmpeg_dec"

usage() { # usage [STATUS]: the header above, to stderr unless STATUS is 0
  local out=2
  [ "${1:-2}" -eq 0 ] && out=1
  awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" | sed 's/^# \{0,1\}//' >&"$out"
  exit "${1:-2}"
}

die() { echo "real_programs.sh: $*" >&2; exit 2; }

build="" runs=3 only=$all_programs scale=1 timeout_s=600 install=0 work="" keep=0 tsv_out=""
max_reports=10
while [ $# -gt 0 ]; do
  case $1 in
  --runs) runs=$2; shift 2 ;;
  --only) only=$2; shift 2 ;;
  --scale) scale=$2; shift 2 ;;
  --timeout) timeout_s=$2; shift 2 ;;
  --install-missing) install=1; shift ;;
  --work) work=$2; shift 2 ;;
  --keep) keep=1; shift ;;
  --tsv) tsv_out=$2; shift 2 ;;
  --reports) max_reports=$2; shift 2 ;;
  -h | --help) usage 0 ;;
  -*) echo "real_programs.sh: unknown option '$1'" >&2; usage ;;
  *) [ -z "$build" ] || usage; build=$1; shift ;;
  esac
done
build=${build:-build}
for v in "$runs" "$scale" "$timeout_s" "$max_reports"; do
  case $v in '' | *[!0-9]*) die "'$v' is not a count" ;; esac
done
[ "$runs" -ge 1 ] && [ "$scale" -ge 1 ] || usage
for p in ${only//,/ }; do
  case ",$all_programs," in *",$p,"*) ;; *) die "unknown program '$p' (known: $all_programs)" ;; esac
done

fencedep=$build/bin/fencedep
[ -x "$fencedep" ] || die "$fencedep not found: build fencedep first (or give BUILD_DIR)"
fencedep=$(cd "$(dirname "$fencedep")" && pwd)/fencedep
# A build in progress has the CLI but not yet the runtime: fail now, not in
# every row.
[ -e "$build/lib/libfencedep.so" ] || die "$build/lib/libfencedep.so not found: is the build complete?"
command -v jq >/dev/null || die "jq is needed to read fencedep's JSON reports (apt-get install jq)"
if [ -n "$work" ]; then
  mkdir -p "$work" || die "cannot create '$work'"
  work=$(cd "$work" && pwd)
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/fencedep-real.XXXXXX") || die "cannot create a work directory"
  [ $keep -eq 1 ] || trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work/runs"

# ---- inputs, made once per session (not timed) ----

# A text corpus of about 48 MiB x scale for sort and the compressors: random
# keys and repeated words, so that it compresses like logs do.
corpus() {
  [ -s "$work/corpus.txt" ] && return 0
  awk -v n=$((1200000 * scale)) 'BEGIN {
    srand(42)
    split("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu", w, " ")
    for (i = 0; i < n; ++i)
      printf "%08x %9d %s %s %s\n", int(rand() * 4294967295), i, w[int(rand() * 12) + 1],
             w[int(rand() * 12) + 1], w[int(rand() * 12) + 1]
  }' >"$work/corpus.txt"
}

# A git repository of 400 x scale commits over 200 files, made by fast-import.
git_repo() {
  [ -d "$work/repo" ] && return 0
  git init -q -b main "$work/repo" || return 1
  awk -v commits=$((400 * scale)) 'BEGIN {
    srand(7)
    for (c = 1; c <= commits; ++c) {
      printf "commit refs/heads/main\ncommitter Bench <bench@example.org> %d +0000\n", 1700000000 + c
      msg = "change " c
      printf "data %d\n%s\n", length(msg), msg
      for (k = 0; k < 5; ++k) {
        f = int(rand() * 200)
        body = ""
        for (l = 0; l < 200; ++l)
          body = body sprintf("file %d line %d rev %d %08x\n", f, l, (l % 17 == 0) ? c : 0, (l * 2654435761 + f) % 4294967296)
        printf "M 100644 inline src/f%03d.txt\ndata %d\n%s\n", f, length(body), body
      }
    }
  }' | git -C "$work/repo" fast-import --quiet || return 1
  git -C "$work/repo" repack -q -a -d
}

# A 20 s x scale 720p H.264 clip for the decoder.
video_clip() {
  [ -s "$work/clip.mp4" ] && return 0
  ffmpeg -nostdin -hide_banner -loglevel error -f lavfi \
    -i "testsrc2=duration=$((20 * scale)):size=1280x720:rate=25" \
    -c:v libx264 -preset veryfast -y "$work/clip.mp4"
}

have() { command -v "$1" >/dev/null 2>&1; }

fresh_db() { rm -f "$work/bench.db" "$work/bench.db-wal" "$work/bench.db-shm"; }

# optional PKG CMD: CMD is available, installing PKG first with --install-missing.
optional() {
  have "$2" && return 0
  [ $install -eq 1 ] || { skip_reason="$2 not installed (apt-get install $1, or --install-missing)"; return 1; }
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "real_programs.sh: installing $1" >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$1" >"$work/apt-$1.log" 2>&1
  have "$2" || { skip_reason="apt-get install $1 failed (see $work/apt-$1.log)"; return 1; }
}

# setup NAME: prepares NAME's inputs and sets cmd (the command, an array),
# describe, and prep (a function run, untimed, before each run; may be empty).
# Returns 1 with skip_reason set when NAME cannot run here.
setup() {
  cmd=() prep="" describe="" skip_reason=""
  case $1 in
  java)
    have java && have javac || { skip_reason="java/javac not installed (openjdk-17-jdk-headless)"; return 1; }
    mkdir -p "$work/java"
    javac -d "$work/java" "$here/real/ThreadPool.java" 2>"$work/javac.log" ||
      { skip_reason="javac failed (see $work/javac.log)"; return 1; }
    cmd=(java -cp "$work/java" ThreadPool 4 $((20000 * scale)) 20000)
    describe="fixed pool of 4, $((20000 * scale)) tasks, monitor + ReentrantLock/Condition, parallel stream"
    ;;
  node)
    have node || { skip_reason="node not installed (nodejs)"; return 1; }
    cmd=(node "$here/real/workers.js" 4 $((40000 * scale)))
    describe="4 worker_threads x $((40000 * scale)) sha256 rounds, Atomics, pbkdf2 on the libuv pool"
    ;;
  python)
    # Debian's interpreter, not whatever python3 comes first in PATH.
    local py=/usr/bin/python3
    [ -x "$py" ] || py=$(command -v python3) || { skip_reason="python3 not installed"; return 1; }
    cmd=("$py" "$here/real/pool.py" 4 $((128 * scale)))
    describe="ThreadPoolExecutor(4) over $((128 * scale)) sha256 tasks, queue + Condition pipeline"
    ;;
  sort)
    corpus || return 1
    cmd=(sort --parallel=2 -S 1G -o "$work/sorted.txt" "$work/corpus.txt")
    describe="sort --parallel=2 of $(du -m "$work/corpus.txt" | cut -f1) MiB, in memory"
    ;;
  xz)
    corpus || return 1
    cmd=(xz -T2 -0 -c "$work/corpus.txt")
    describe="xz -T2 -0 of $(du -m "$work/corpus.txt" | cut -f1) MiB to /dev/null"
    ;;
  zstd)
    corpus || return 1
    cmd=(zstd -q -T2 -9 -c "$work/corpus.txt")
    describe="zstd -T2 -9 of $(du -m "$work/corpus.txt" | cut -f1) MiB to /dev/null"
    ;;
  pigz)
    optional pigz pigz || return 1
    corpus || return 1
    cmd=(pigz -p 2 -c "$work/corpus.txt")
    describe="pigz -p 2 of $(du -m "$work/corpus.txt" | cut -f1) MiB to /dev/null"
    ;;
  git)
    have git || { skip_reason="git not installed"; return 1; }
    git_repo >"$work/git-setup.log" 2>&1 || { skip_reason="making the repository failed (see $work/git-setup.log)"; return 1; }
    cmd=(git -C "$work/repo" -c pack.threads=2 repack -q -a -d -f)
    describe="git repack -adf, 2 delta threads, $((400 * scale)) commits x 5 files"
    ;;
  sqlite)
    have sqlite3 || { skip_reason="sqlite3 not installed"; return 1; }
    cmd=(sqlite3 "$work/bench.db" ".read $here/real/workload.sql")
    prep=fresh_db
    describe="bench/real/workload.sql: 400k rows, index builds with PRAGMA threads=2, VACUUM"
    ;;
  ffmpeg_enc)
    optional ffmpeg ffmpeg || return 1
    cmd=(ffmpeg -nostdin -hide_banner -loglevel error -f lavfi
      -i "testsrc2=duration=$((10 * scale)):size=1280x720:rate=25"
      -c:v libx264 -preset veryfast -threads 2 -f null -)
    describe="ffmpeg: $((10 * scale)) s of 720p testsrc2 to libx264, 2 threads"
    ;;
  ffmpeg_dec)
    optional ffmpeg ffmpeg || return 1
    video_clip >"$work/ffmpeg-setup.log" 2>&1 || { skip_reason="making the clip failed (see $work/ffmpeg-setup.log)"; return 1; }
    cmd=(ffmpeg -nostdin -hide_banner -loglevel error -threads 2 -i "$work/clip.mp4" -f null -)
    describe="ffmpeg: decode $((20 * scale)) s of 720p H.264, 2 frame threads"
    ;;
  esac
  return 0
}

# timed OUTBASE CMD...: runs CMD under the timeout with stdout discarded;
# prints "SECONDS RC".
timed() {
  local out=$1 t0 t1 rc
  shift
  [ -n "$prep" ] && $prep
  t0=$(date +%s%N)
  timeout -k 10 "$timeout_s" "$@" >/dev/null 2>"$out.err" </dev/null
  rc=$?
  t1=$(date +%s%N)
  [ $rc -eq 124 ] || [ $rc -eq 137 ] && rc=TIMEOUT
  awk -v a="$t0" -v b="$t1" -v rc="$rc" 'BEGIN { printf "%.3f %s\n", (b - a) / 1e9, rc }'
}

min_time() { # min_time BEST NEW
  if [ -z "$1" ] || awk -v x="$2" -v y="$1" 'BEGIN { exit !(x < y) }'; then echo "$2"; else echo "$1"; fi
}

# Keeps the first exit code seen, or marks a mix ("0/66").
merge_rc() {
  if [ -z "$1" ] || [ "$1" = "$2" ]; then echo "$2"
  else case "/$1/" in *"/$2/"*) echo "$1" ;; *) echo "$1/$2" ;; esac; fi
}

row() { printf '%-11s %8s %8s %7s  %-6s %-6s %7s %5s  %s\n' "$@"; }

echo "real programs under fencedep ($fencedep); best of $runs runs each, native and"
echo "fencedep alternating; work directory $work; load: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -n "$tsv_out" ] && printf 'program\tnative_s\tfencedep_s\tratio\tnative_rc\tfencedep_rc\treports\tpredicted\tkinds\tnote\n' >"$tsv_out"
lines=() notes=() failed=0 met=0 measured=0
for name in ${only//,/ }; do
  printf '%-11s ' "$name" >&2
  if ! setup "$name"; then
    echo "skipped: $skip_reason" >&2
    lines+=("$(row "$name" - - - - - - - "skipped: $skip_reason")")
    [ -n "$tsv_out" ] && printf '%s\t-\t-\t-\t-\t-\t-\t-\t-\tskipped: %s\n' "$name" "$skip_reason" >>"$tsv_out"
    continue
  fi
  nbest="" fbest="" nrc="" frc="" reports="" predicted="" kinds=""
  for ((i = 1; i <= runs; ++i)); do
    read -r t rc <<<"$(timed "$work/runs/$name.native.$i" "${cmd[@]}")"
    nbest=$(min_time "$nbest" "$t") nrc=$(merge_rc "$nrc" "$rc")
    json=$work/runs/$name.fencedep.$i.json
    rm -f "$json"
    read -r t rc <<<"$(timed "$work/runs/$name.fencedep.$i" "$fencedep" run --json "$json" -- "${cmd[@]}")"
    fbest=$(min_time "$fbest" "$t") frc=$(merge_rc "$frc" "$rc")
    if [ -s "$json" ]; then
      n=$(jq length "$json") p=$(jq '[.[] | select(.predicted == true)] | length' "$json")
      kinds=$(jq -r --arg k "$kinds" '[.[].kind] + ($k | split(",")) | map(select(. != "")) | unique | join(",")' "$json")
    else
      n=- p=-
    fi
    # The most reports any run gave (runs may differ in what they reach).
    if [ "$n" != - ] && { [ -z "$reports" ] || [ "$reports" = - ] || [ "$n" -gt "$reports" ]; }; then
      reports=$n predicted=$p
    fi
    [ -z "$reports" ] && reports=- predicted=-
    echo -n "$i " >&2
  done
  ratio=$(awk -v a="$fbest" -v b="$nbest" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
  note=""
  case "$nrc$frc" in *TIMEOUT* | */*) failed=1 ;; esac
  [ "$reports" = - ] && { note="no JSON written; "; failed=1; }
  measured=$((measured + 1))
  if [ "$nrc" = "$frc" ] && [ "$reports" = 0 ]; then
    met=$((met + 1)) note="${note}target met"
  else
    note="${note}target missed"
  fi
  note="$note; $describe"
  echo "native ${nbest}s rc $nrc, fencedep ${fbest}s rc $frc, $reports reports" >&2
  lines+=("$(row "$name" "$nbest" "$fbest" "$ratio" "$nrc" "$frc" "$reports" "$predicted" "$note")")
  [ -n "$tsv_out" ] && printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$nbest" "$fbest" \
    "$ratio" "$nrc" "$frc" "$reports" "$predicted" "${kinds:--}" "$note" >>"$tsv_out"
  # Distinct report summaries (pid stripped) over all runs, for the verdicts.
  if [ "$reports" != - ] && [ "$reports" -gt 0 ]; then
    total=$(cat "$work"/runs/"$name".fencedep.*.json 2>/dev/null |
      jq -r '.[] | (if .predicted == true then "(class-predicted) " else "" end) + (.summary // .kind)' |
      sed 's/ (pid [0-9]*)$//' | sort -u | tee "$work/runs/$name.summaries" | wc -l)
    notes+=("$name: $total distinct report(s) over $runs runs$([ "$total" -gt "$max_reports" ] && echo ", first $max_reports"):")
    while IFS= read -r s; do notes+=("  $s"); done < <(head -n "$max_reports" "$work/runs/$name.summaries")
  fi
done

echo
echo "seconds: best wall time; ratio: fencedep / native; rc: exit status (66 = fencedep"
echo "reported; a/b when runs differed); reports: most reports in one run's --json, pred: of"
echo "which class-predicted. Target: the native exit code and 0 reports."
row program native_s fd_s ratio nat_rc fd_rc reports pred note
printf '%s\n' "${lines[@]}"
echo
echo "target (same exit code as native, 0 reports): met on $met of $measured programs run"
if [ ${#notes[@]} -gt 0 ]; then
  echo
  echo "--- reports ---"
  printf '%s\n' "${notes[@]}"
fi
[ $keep -eq 1 ] && echo && echo "kept: $work (runs/NAME.{native,fencedep}.I.err, .json; NAME.summaries)"
exit $failed
