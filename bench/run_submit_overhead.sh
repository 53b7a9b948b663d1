#!/usr/bin/env bash
# What the runtime's GPU submit model costs: bench/submit_heavy.c against
# the fake render node (each driver it plays), natively and under
# LD_PRELOAD=libfencedep.so, runs interleaved, best of N each.
#
#   bench/run_submit_overhead.sh BUILD_DIR [options]
#
#   --runs N        best of N runs per configuration (default 7)
#   --iters N       jobs of the loop phase; the frames phase runs N/4 frames
#                   (default 20000)
#   --drivers LIST  comma-separated drivers the fake node plays
#                   (default xe,amdgpu,i915,msm,panthor,v3d,virtio_gpu)
#   --latency US    the fake GPU's time per job (default 0: submission cost
#                   alone, the worst case for the ratio)
#   --check         exit 1 when a ratio is above the target
#   --target R      target ratio for --check (default 1.05)
#
# Ratios compare CPU time (user + system of all threads, the fake GPU's
# included): what hooks add to, and what a busy machine disturbs least.
# Wall times are shown too. Builds nothing: BUILD_DIR must hold
# bin/submit_heavy, lib/libfencedep.so and
# testdata/gpu/libfake_render_node.so. Exit status 0, or 1 when a run failed
# (or --check and the target was missed), 2 on bad usage.
set -u

usage() {
  sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//' >&"$([ "${1:-2}" -eq 0 ] && echo 1 || echo 2)"
  exit "${1:-2}"
}

[ $# -ge 1 ] || usage
case $1 in -h | --help) usage 0 ;; -*) usage ;; esac
build=$1
shift
runs=7 iters=20000 check=0 target=1.05 latency=0
drivers=xe,amdgpu,i915,msm,panthor,v3d,virtio_gpu
while [ $# -gt 0 ]; do
  case $1 in
  --runs) runs=$2; shift 2 ;;
  --iters) iters=$2; shift 2 ;;
  --drivers) drivers=$2; shift 2 ;;
  --latency) latency=$2; shift 2 ;;
  --check) check=1; shift ;;
  --target) target=$2; shift 2 ;;
  -h | --help) usage 0 ;;
  *) echo "run_submit_overhead.sh: unknown option '$1'" >&2; usage ;;
  esac
done
for v in "$runs" "$iters" "$latency"; do
  case $v in '' | *[!0-9]*) echo "run_submit_overhead.sh: '$v' is not a count" >&2; exit 2 ;; esac
done

abs() { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }
prog=$build/bin/submit_heavy
lib=$build/lib/libfencedep.so
node=$build/testdata/gpu/libfake_render_node.so
for f in "$prog" "$lib" "$node"; do
  [ -e "$f" ] || { echo "run_submit_overhead.sh: $f not found; build the project first" >&2; exit 2; }
done
prog=$(abs "$prog") lib=$(abs "$lib") node=$(abs "$node")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME DRIVER PRELOAD: one run, its output appended to $tmp/NAME.
run() {
  local name=$1 driver=$2 preload=$3
  if ! env LD_PRELOAD="$preload" FAKE_DRM_DRIVER="$driver" FAKE_GPU_LATENCY_US="$latency" \
      FENCEDEP_OPTIONS=exitcode=0:print_stats=1 "$prog" "$iters" >>"$tmp/$name" \
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

best() { # best NAME FIELD
  awk -v f="$2" '{ for (i = 1; i <= NF; ++i) if (index($i, f "=") == 1) {
           v = substr($i, length(f) + 2) + 0; if (best == "" || v < best) best = v } }
       END { printf "%.4f", best }' "$tmp/$1"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

echo "submit_heavy: $iters jobs in a loop, then $((iters / 4)) frames in flight on two"
echo "queues; fake GPU latency ${latency} us; best of $runs, interleaved"
echo "CPU seconds (user + system, all threads); wall seconds in parentheses"
printf '%-11s %-9s %20s %20s\n' driver config loop frames
status=0
IFS=, read -r -a list <<<"$drivers"
for d in "${list[@]}"; do
  for ((i = 0; i < runs; ++i)); do
    run "native.$d" "$d" "$node"
    run "fencedep.$d" "$d" "$lib:$node"
  done
  nl=$(best "native.$d" loop_cpu) nf=$(best "native.$d" frames_cpu)
  fl=$(best "fencedep.$d" loop_cpu) ff=$(best "fencedep.$d" frames_cpu)
  printf '%-11s %-9s %10s (%7s) %10s (%7s)\n' "$d" native "$nl" "$(best "native.$d" loop_seconds)" \
    "$nf" "$(best "native.$d" frames_seconds)"
  printf '%-11s %-9s %10s (%7s) %10s (%7s)\n' "" fencedep "$fl" "$(best "fencedep.$d" loop_seconds)" \
    "$ff" "$(best "fencedep.$d" frames_seconds)"
  rl=$(ratio "$fl" "$nl") rf=$(ratio "$ff" "$nf")
  printf '%-11s %-9s %10s %9s %10s\n' "" ratio "$rl" "" "$rf"
  for r in "$rl" "$rf"; do
    awk -v r="$r" -v t="$target" 'BEGIN { exit !(r <= t) }' || status=1
  done
done
if [ $status -eq 0 ]; then
  echo "target: ratios <= ${target}: met"
else
  echo "target: a ratio > ${target}: MISSED"
  [ $check -eq 1 ] || status=0
fi
exit $status
