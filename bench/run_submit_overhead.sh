#!/usr/bin/env bash
# What the runtime's GPU submit model costs: bench/submit_heavy.c against
# the fake render node (each driver it plays), natively and under
# LD_PRELOAD=libfencedep.so, runs alternated, best of N each.
#
#   bench/run_submit_overhead.sh BUILD_DIR [options]
#
#   --runs N        best of N runs per configuration (default 7)
#   --iters N       jobs of the loop phase; the frames phase runs N/4 frames
#                   (default 20000)
#   --reps N        each run repeats both phases N times in the process and
#                   keeps the smallest figures: the steady state, in the
#                   quietest of N short windows (default 1)
#   --drivers LIST  comma-separated drivers the fake node plays
#                   (default xe,amdgpu,i915,msm,panthor,v3d,virtio_gpu)
#   --latency US    the fake GPU's time per job (default 0: submission cost
#                   alone, the worst case for the ratio)
#   --cpu N         run every process on CPU N alone (taskset): all its
#                   threads share one CPU, so frames in flight no longer
#                   depend on whether the scheduler put the render and
#                   present threads on one CPU or two
#   --before LIB    also run under another build of libfencedep.so (an
#                   older one), alternated with the two others: its ratio
#                   is printed too, measured in the same runs
#   --check         exit 1 when a thread CPU ratio is above the target
#   --target R      target ratio for --check (default 1.05)
#
# The figure for the target is the CPU time of the submitting threads
# (CLOCK_THREAD_CPUTIME_ID of the thread that runs the loop, of the render
# and present threads for the frames): that is where every hook runs, and
# it leaves out the fake GPU thread (which the runtime never sees) and the
# scheduling of the threads on a shared machine. Wall time ratios are
# printed next to it. Each ratio is best-of-N preloaded over best-of-N
# native; "paired" is the median of the N ratios of runs made one after the
# other, a second estimate: when the two disagree by more than a few
# hundredths the machine was too noisy for the figure.
#
# Builds nothing: BUILD_DIR must hold bin/submit_heavy, lib/libfencedep.so
# and testdata/gpu/libfake_render_node.so. Exit status 0, or 1 when a run
# failed (or --check and the target was missed), 2 on bad usage.
set -u

usage() {
  sed -n '2,41p' "$0" | sed 's/^# \{0,1\}//' >&"$([ "${1:-2}" -eq 0 ] && echo 1 || echo 2)"
  exit "${1:-2}"
}

[ $# -ge 1 ] || usage
case $1 in -h | --help) usage 0 ;; -*) usage ;; esac
build=$1
shift
runs=7 iters=20000 reps=1 check=0 target=1.05 latency=0 before= cpu=
drivers=xe,amdgpu,i915,msm,panthor,v3d,virtio_gpu
while [ $# -gt 0 ]; do
  case $1 in
  --runs) runs=$2; shift 2 ;;
  --iters) iters=$2; shift 2 ;;
  --reps) reps=$2; shift 2 ;;
  --cpu) cpu=$2; shift 2 ;;
  --drivers) drivers=$2; shift 2 ;;
  --latency) latency=$2; shift 2 ;;
  --before) before=$2; shift 2 ;;
  --check) check=1; shift ;;
  --target) target=$2; shift 2 ;;
  -h | --help) usage 0 ;;
  *) echo "run_submit_overhead.sh: unknown option '$1'" >&2; usage ;;
  esac
done
for v in "$runs" "$iters" "$reps" "$latency"; do
  case $v in '' | *[!0-9]*) echo "run_submit_overhead.sh: '$v' is not a count" >&2; exit 2 ;; esac
done
[ "$runs" -ge 1 ] || { echo "run_submit_overhead.sh: --runs must be at least 1" >&2; exit 2; }

abs() { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }
prog=$build/bin/submit_heavy
lib=$build/lib/libfencedep.so
node=$build/testdata/gpu/libfake_render_node.so
for f in "$prog" "$lib" "$node" ${before:+"$before"}; do
  [ -e "$f" ] || { echo "run_submit_overhead.sh: $f not found; build the project first" >&2; exit 2; }
done
prog=$(abs "$prog") lib=$(abs "$lib") node=$(abs "$node")
[ -z "$before" ] || before=$(abs "$before")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME DRIVER PRELOAD: one run, its output line appended to $tmp/NAME.
run() {
  local name=$1 driver=$2 preload=$3
  if ! ${cpu:+taskset -c "$cpu"} env LD_PRELOAD="$preload" FAKE_DRM_DRIVER="$driver" FAKE_GPU_LATENCY_US="$latency" \
      FENCEDEP_OPTIONS=exitcode=0:print_stats=1 "$prog" "$iters" "$reps" >>"$tmp/$name" \
      2>"$tmp/$name.err"; then
    echo "run_submit_overhead.sh: $name run failed:" >&2
    sed 's/^/  | /' "$tmp/$name.err" | tail -n 20 >&2
    exit 1
  fi
  if grep -q "WARNING:" "$tmp/$name.err"; then
    echo "run_submit_overhead.sh: unexpected report under the runtime:" >&2
    cat "$tmp/$name.err" >&2
    exit 1
  fi
  if [ "$preload" != "$node" ] && ! grep -q "gpu submissions: [1-9]" "$tmp/$name.err"; then
    echo "run_submit_overhead.sh: the runtime modelled no submission ($driver):" >&2
    cat "$tmp/$name.err" >&2
    exit 1
  fi
}

field() { # field NAME FIELD: the field's values, one per run, in run order
  awk -v f="$2" '{ for (i = 1; i <= NF; ++i) if (index($i, f "=") == 1)
                     print substr($i, length(f) + 2) + 0 }' "$tmp/$1"
}
best() { field "$1" "$2" | sort -g | head -n 1 | awk '{ printf "%.4f", $1 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
paired() { # paired NAME FIELD: median of run-by-run ratios NAME / native
  paste <(field "$1" "$2") <(field "native.$d" "$2") |
    awk '{ print $1 / $2 }' | sort -g |
    awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                              printf "%.3f", m }'
}

configs=(native fencedep)
[ -z "$before" ] || configs=(native before fencedep)
preload_of() {
  case $1 in native) echo "$node" ;; before) echo "$before:$node" ;; *) echo "$lib:$node" ;; esac
}

echo "submit_heavy: $iters jobs in a loop, then $((iters / 4)) frames in flight on two"
echo "queues, ${reps}x per run; fake GPU latency ${latency} us; best of $runs, configurations alternated"
echo "thread CPU: seconds of the submitting threads (CLOCK_THREAD_CPUTIME_ID); wall: seconds"
[ -z "$cpu" ] || echo "every run on CPU $cpu alone"
[ -z "$before" ] || echo "before: $before"
printf '%-11s %-9s %10s %8s %8s   %10s %8s %8s\n' "" "" "loop" "" "" "frames" "" ""
printf '%-11s %-9s %10s %8s %8s   %10s %8s %8s\n' driver config "thread CPU" wall "process" \
  "thread CPU" wall "process"
status=0
IFS=, read -r -a list <<<"$drivers"
for d in "${list[@]}"; do
  for ((i = 0; i < runs; ++i)); do
    # Alternate which configuration goes first, so that a drift of the
    # machine's state does not favour one.
    if ((i % 2)); then
      for ((c = ${#configs[@]} - 1; c >= 0; --c)); do
        run "${configs[c]}.$d" "$d" "$(preload_of "${configs[c]}")"
      done
    else
      for c in "${configs[@]}"; do run "$c.$d" "$d" "$(preload_of "$c")"; done
    fi
  done
  for c in "${configs[@]}"; do
    printf '%-11s %-9s %10s %8s %8s   %10s %8s %8s\n' "$([ "$c" = native ] && echo "$d")" "$c" \
      "$(best "$c.$d" loop_thread_cpu)" "$(best "$c.$d" loop_seconds)" "$(best "$c.$d" loop_cpu)" \
      "$(best "$c.$d" frames_thread_cpu)" "$(best "$c.$d" frames_seconds)" \
      "$(best "$c.$d" frames_cpu)"
  done
  for c in "${configs[@]}"; do
    [ "$c" = native ] && continue
    rl=$(ratio "$(best "$c.$d" loop_thread_cpu)" "$(best "native.$d" loop_thread_cpu)")
    rf=$(ratio "$(best "$c.$d" frames_thread_cpu)" "$(best "native.$d" frames_thread_cpu)")
    printf '%-11s %-9s %10s %8s %8s   %10s %8s %8s\n' "" "$([ "$c" = fencedep ] && echo ratio || echo "$c:r")" "$rl" \
      "$(ratio "$(best "$c.$d" loop_seconds)" "$(best "native.$d" loop_seconds)")" \
      "$(ratio "$(best "$c.$d" loop_cpu)" "$(best "native.$d" loop_cpu)")" "$rf" \
      "$(ratio "$(best "$c.$d" frames_seconds)" "$(best "native.$d" frames_seconds)")" \
      "$(ratio "$(best "$c.$d" frames_cpu)" "$(best "native.$d" frames_cpu)")"
    printf '%-11s %-9s %10s %8s %8s   %10s %8s %8s\n' "" "$([ "$c" = fencedep ] && echo paired || echo "$c:p")" \
      "$(paired "$c.$d" loop_thread_cpu)" "$(paired "$c.$d" loop_seconds)" "" \
      "$(paired "$c.$d" frames_thread_cpu)" "$(paired "$c.$d" frames_seconds)" ""
    [ "$c" = fencedep ] || continue
    for r in "$rl" "$rf"; do
      awk -v r="$r" -v t="$target" 'BEGIN { exit !(r <= t) }' || status=1
    done
  done
done
if [ $status -eq 0 ]; then
  echo "target: thread CPU ratios <= ${target}: met"
else
  echo "target: a thread CPU ratio > ${target}: MISSED"
  [ $check -eq 1 ] || status=0
fi
exit $status
