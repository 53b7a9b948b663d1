#!/usr/bin/env bash
# Hook cost per new creation site and per new object, in a binary with many
# dynamic symbols: the case where naming sites by dladdr on the hook path
# made node 4-9x slower. Generates a program (outside the repository) with
#   - PAD exported functions (default 60000: a .dynsym of that many
#     symbols, like node's 75 k),
#   - SITES functions that each initialise OBJS mutexes at one site
#     (default 10000 x 10 = 100 k locks from 10 k sites),
#   - USES lock/unlock rounds over every lock (default 20), each critical
#     section doing WORK steps of arithmetic (default 50: a program whose
#     locks guard something),
# and times it natively and under LD_PRELOAD=libfencedep.so, alternating,
# best of N. Then the same with --pad 0, to show the cost does not grow
# with the symbol table. Per-object figures: --uses 0 --work 0 times the
# creations alone.
#
#   bench/run_site_overhead.sh BUILD_DIR [--runs N] [--sites N] [--objs N]
#                              [--pad N] [--uses N] [--work N] [--dir DIR]
#
# Exit status 0, 1 when a run failed, 2 on bad usage.
set -u
[ $# -ge 1 ] || { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
build=$1; shift
runs=5 sites=10000 objs=10 pad=60000 uses=20 steps=50 work=
while [ $# -gt 0 ]; do
  case $1 in
  --runs) runs=$2; shift 2 ;;
  --sites) sites=$2; shift 2 ;;
  --objs) objs=$2; shift 2 ;;
  --pad) pad=$2; shift 2 ;;
  --uses) uses=$2; shift 2 ;;
  --work) steps=$2; shift 2 ;;
  --dir) work=$2; shift 2 ;;
  *) echo "run_site_overhead.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
lib=$build/lib/libfencedep.so
[ -f "$lib" ] || { echo "run_site_overhead.sh: $lib not built" >&2; exit 2; }
if [ -z "$work" ]; then
  work=$(mktemp -d /tmp/fencedep-sites.XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
src=$work/many_sites.c bin=$work/many_sites

awk -v sites="$sites" -v objs="$objs" -v pad="$pad" -v uses="$uses" -v steps="$steps" 'BEGIN {
  print "#include <pthread.h>\n#include <stdio.h>\n#include <stdlib.h>"
  for (i = 0; i < pad; i++)
    printf "int pad_%d(int x) { return x * %d + 1; }\n", i, i
  for (i = 0; i < sites; i++)
    printf "__attribute__((noinline)) void make_%d(pthread_mutex_t *m) { for (int k = 0; k < %d; ++k) pthread_mutex_init(&m[k], 0); }\n", i, objs
  printf "int main(void) {\n  pthread_mutex_t *m = calloc(%d, sizeof *m);\n", sites * objs
  for (i = 0; i < sites; i++)
    printf "  make_%d(m + %d);\n", i, i * objs
  printf "  unsigned long sum = 0, x = 88172645463325252ul;\n"
  printf "  for (int r = 0; r < %d; ++r)\n    for (int i = 0; i < %d; ++i) {\n", uses, sites * objs
  printf "      pthread_mutex_lock(&m[i]);\n"
  printf "      for (int s = 0; s < %d; ++s) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; }\n", steps
  printf "      sum += x + (unsigned long)i * r;\n      pthread_mutex_unlock(&m[i]);\n    }\n"
  printf "  printf(\"%%lu\\n\", sum);\n  return 0;\n}\n"
}' > "$src"
if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
  clang-16 -O1 -pthread -rdynamic -o "$bin" "$src" || exit 1
fi
ndyn=$(readelf --dyn-syms -W "$bin" | grep -c ' FUNC ')

best() { sort -n | head -1; }
time_one() { # time_one PRELOAD: seconds of one run
  local t0 t1
  t0=$(date +%s.%N)
  if [ -n "$1" ]; then LD_PRELOAD=$1 "$bin" >/dev/null || return 1
  else "$bin" >/dev/null || return 1; fi
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}
nat=() fd=()
for ((i = 0; i < runs; i++)); do
  nat+=("$(time_one "")") || exit 1
  fd+=("$(time_one "$lib")") || exit 1
done
n=$(printf '%s\n' "${nat[@]}" | best)
f=$(printf '%s\n' "${fd[@]}" | best)
printf 'many_sites: %d sites x %d locks, %d lock/unlock rounds of %d steps, %d dynamic symbols; best of %d\n' \
  "$sites" "$objs" "$uses" "$steps" "$ndyn" "$runs"
printf 'native    %8.4f s\nfencedep  %8.4f s   ratio %.2f\n' "$n" "$f" "$(echo "$f / $n" | bc -l)"
