#!/usr/bin/env bash
# What the runtime's fd hooks (read, write, poll, ioctl) cost on descriptors
# that are not fences: bench/fd_heavy.c natively and under
# LD_PRELOAD=libfencedep.so, runs interleaved, best of N each.
#
#   bench/run_fd_overhead.sh BUILD_DIR [options]
#
#   --runs N      best of N runs per configuration (default 11)
#   --iters N     write/poll/ioctl/read rounds (default 500000)
#   --check       exit 1 when a ratio is above the target
#   --target R    target ratio for --check (default 1.05)
#
# The ratios compare the CPU time (user + system) fd_heavy measures for its
# loops: what hooks add to, and what a busy machine disturbs least; the
# runtime's one-time start-up is not in them. Wall times are shown too. Builds nothing: BUILD_DIR must hold
# bin/fd_heavy and lib/libfencedep.so. Exit status 0, or 1 when a run
# failed (or --check and the target was missed), 2 on bad usage.
set -u

usage() {
  sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&"$([ "${1:-2}" -eq 0 ] && echo 1 || echo 2)"
  exit "${1:-2}"
}

[ $# -ge 1 ] || usage
case $1 in -h | --help) usage 0 ;; -*) usage ;; esac
build=$1
shift
runs=11 iters=500000 check=0 target=1.05
while [ $# -gt 0 ]; do
  case $1 in
  --runs) runs=$2; shift 2 ;;
  --iters) iters=$2; shift 2 ;;
  --check) check=1; shift ;;
  --target) target=$2; shift 2 ;;
  -h | --help) usage 0 ;;
  *) echo "run_fd_overhead.sh: unknown option '$1'" >&2; usage ;;
  esac
done
for v in "$runs" "$iters"; do
  case $v in '' | *[!0-9]*) echo "run_fd_overhead.sh: '$v' is not a count" >&2; exit 2 ;; esac
done

prog=$build/bin/fd_heavy
lib=$build/lib/libfencedep.so
[ -x "$prog" ] || { echo "run_fd_overhead.sh: $prog not found; build 'fd_heavy'" >&2; exit 2; }
[ -e "$lib" ] || { echo "run_fd_overhead.sh: $lib not found; build 'fencedep_runtime'" >&2; exit 2; }
prog=$(cd "$(dirname "$prog")" && pwd)/fd_heavy
lib=$(cd "$(dirname "$lib")" && pwd)/libfencedep.so

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME CMD...: one run, its output appended to $tmp/NAME.
run() {
  local name=$1
  shift
  if ! "$@" >>"$tmp/$name" 2>"$tmp/$name.err"; then
    echo "run_fd_overhead.sh: $name run failed:" >&2
    sed 's/^/  | /' "$tmp/$name.err" | tail -n 20 >&2
    exit 1
  fi
  if grep -q "WARNING:" "$tmp/$name.err"; then
    echo "run_fd_overhead.sh: unexpected report under the runtime:" >&2
    cat "$tmp/$name.err" >&2
    exit 1
  fi
}

# Interleaved, so that a busy machine slows both alike.
for ((i = 0; i < runs; ++i)); do
  run native "$prog" "$iters"
  run fencedep env LD_PRELOAD="$lib" FENCEDEP_OPTIONS=exitcode=0 "$prog" "$iters"
done

best() { # best NAME FIELD
  awk -v f="$2" '{ for (i = 1; i <= NF; ++i) if (index($i, f "=") == 1) {
           v = substr($i, length(f) + 2) + 0; if (best == "" || v < best) best = v } }
       END { printf "%.4f", best }' "$tmp/$1"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

nl=$(best native loop_cpu) np=$(best native pingpong_cpu)
fl=$(best fencedep loop_cpu) fp=$(best fencedep pingpong_cpu)
rl=$(ratio "$fl" "$nl") rp=$(ratio "$fp" "$np")
nlw=$(best native loop_seconds) npw=$(best native pingpong_seconds)
flw=$(best fencedep loop_seconds) fpw=$(best fencedep pingpong_seconds)

echo "fd_heavy: $iters write/poll/ioctl(FIONREAD)/read rounds on a pipe, then"
echo "$((iters / 4)) poll ping-pongs between two threads; best of $runs, interleaved"
echo "CPU seconds (user + system); wall seconds in parentheses"
printf '%-10s %22s %22s\n' config loop ping-pong
printf '%-10s %12s (%7s) %12s (%7s)\n' native "$nl" "$nlw" "$np" "$npw"
printf '%-10s %12s (%7s) %12s (%7s)\n' fencedep "$fl" "$flw" "$fp" "$fpw"
printf '%-10s %12s %9s %12s\n' ratio "$rl" "" "$rp"

status=0
for r in "$rl" "$rp"; do
  if ! awk -v r="$r" -v t="$target" 'BEGIN { exit !(r <= t) }'; then
    status=1
  fi
done
if [ $status -eq 0 ]; then
  echo "target: ratios <= ${target}: met"
else
  echo "target: a ratio > ${target}: MISSED"
  [ $check -eq 1 ] || status=0
fi
exit $status
