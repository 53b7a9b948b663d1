#!/usr/bin/env bash
# The most real GPU userspace that runs without a GPU, under `fencedep run`:
# Mesa's software drivers (lavapipe for Vulkan, llvmpipe for OpenGL ES
# through EGL's surfaceless platform), next to native runs of the same
# commands in the same session: exit codes, time ratios, what the runtime
# saw (classes, edges, GPU submissions) and every report.
#
#   bench/real_gpu_stack.sh [options] [BUILD_DIR]
#
#   BUILD_DIR           fencedep build to use, BUILD_DIR/bin/fencedep (default build)
#   --runs N            timed runs per configuration, native and fencedep
#                       alternating; the best time is kept (default 3)
#   --frames N          frames of vk_timeline and egl_surfaceless (default 400)
#   --only LIST         comma-separated program names (default: all of them)
#   --install-missing   apt-get install what is missing (vulkan-tools,
#                       mesa-utils, mesa-vulkan-drivers, libvulkan-dev,
#                       libegl-dev, libgles-dev, piglit); otherwise skipped
#   --work DIR          where programs and outputs go (default: a new
#                       temporary directory, removed at exit unless --keep)
#   --keep              keep the work directory (each run's stderr and JSON)
#   --timeout S         time limit of each run in seconds (default 300)
#
# Programs: vulkaninfo (vulkan-tools) and eglinfo (mesa-utils); vk_timeline
# and egl_surfaceless (bench/real/*.c, compiled into the work directory):
# frames in flight on Vulkan timeline semaphores across three threads
# sharing lavapipe's one queue (vk_timeline_bug: the same with a known bug,
# a semaphore wait under the mutex its signaller takes, which must be
# reported), and two GLES contexts with GL and EGL fences;
# piglit's sync and fence tests on the surfaceless platform (arb_sync-*,
# *-data-sync, draw-sync, egl_khr_fence_sync, egl-context-priority).
# Exit status 0 when every program ran, 1 when a build or run failed or
# timed out, 2 on bad usage. Not part of CI.
set -u

here=$(cd "$(dirname "$0")" && pwd)
piglit_tests="arb_sync-repeat-wait arb_sync-timeout-zero arb_sync-ClientWaitSync-timeout
  arb_sync-delete arb_sync-is-sync arb_copy_buffer-data-sync arb_copy_buffer-subdata-sync
  arb_texture_buffer_object-data-sync arb_vertex_buffer_object-ib-data-sync draw-sync
  copypixels-sync egl_khr_fence_sync egl-context-priority"
all_programs="vulkaninfo,eglinfo,vk_timeline,vk_timeline_bug,egl_surfaceless,piglit"

usage() {
  local out=2
  [ "${1:-2}" -eq 0 ] && out=1
  awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" | sed 's/^# \{0,1\}//' >&"$out"
  exit "${1:-2}"
}
die() { echo "real_gpu_stack.sh: $*" >&2; exit 2; }

build="" runs=3 frames=400 only=$all_programs install=0 work="" keep=0 timeout_s=300
while [ $# -gt 0 ]; do
  case $1 in
  --runs) runs=$2; shift 2 ;;
  --frames) frames=$2; shift 2 ;;
  --only) only=$2; shift 2 ;;
  --install-missing) install=1; shift ;;
  --work) work=$2; shift 2 ;;
  --keep) keep=1; shift ;;
  --timeout) timeout_s=$2; shift 2 ;;
  -h | --help) usage 0 ;;
  -*) echo "real_gpu_stack.sh: unknown option '$1'" >&2; usage ;;
  *) [ -z "$build" ] || usage; build=$1; shift ;;
  esac
done
for v in "$runs" "$frames" "$timeout_s"; do
  case $v in '' | *[!0-9]* | 0) die "'$v' is not a positive count" ;; esac
done
build=${build:-build}
fencedep=$(cd "$build" 2>/dev/null && pwd)/bin/fencedep
[ -x "$fencedep" ] || die "$build/bin/fencedep not found; build the project first"
command -v jq >/dev/null || die "jq is needed to read fencedep's JSON reports"
if [ -n "$work" ]; then
  mkdir -p "$work" || die "cannot create '$work'"
  work=$(cd "$work" && pwd)
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/fencedep-gpu.XXXXXX") || die "cannot create a work directory"
  [ $keep -eq 1 ] || trap 'rm -rf "$work"' EXIT
fi
case $work/ in "$(cd "$here/.." && pwd)"/*) die "the work directory must be outside the repository" ;; esac
mkdir -p "$work/runs" "$work/xdg" && chmod 700 "$work/xdg"
# Mesa's loaders want one; nothing is displayed.
export XDG_RUNTIME_DIR=$work/xdg

have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
need() { # need PACKAGE...: true when all are installed (installs them with --install-missing)
  local missing=()
  for p in "$@"; do have_pkg "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $install -eq 1 ]; then
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null 2>&1 && return 0
  fi
  skip_reason="missing ${missing[*]}"
  return 1
}

# setup NAME: sets cmd (an array) and describe, or skip_reason and fails.
setup() {
  cmd=() describe="" skip_reason=""
  case $1 in
  vulkaninfo)
    need vulkan-tools mesa-vulkan-drivers || return 1
    cmd=(vulkaninfo --summary) describe="the Vulkan loader and every ICD; lavapipe answers" ;;
  eglinfo)
    need mesa-utils libegl-mesa0 || return 1
    cmd=(eglinfo -B) describe="EGL on each platform; only surfaceless initialises here" ;;
  vk_timeline)
    need libvulkan-dev mesa-vulkan-drivers || return 1
    cc -O2 -g -pthread -o "$work/vk_timeline" "$here/real/vk_timeline.c" -lvulkan \
      2>"$work/vk_timeline.build" || { skip_reason="does not build (see $work/vk_timeline.build)"; return 1; }
    cmd=("$work/vk_timeline" "$frames")
    describe="$frames frames, 3 threads, timeline semaphores, wait-before-signal, one queue" ;;
  vk_timeline_bug)
    setup vk_timeline || return 1
    cmd=("$work/vk_timeline" "$frames" wait-under-lock)
    describe="the same with a known bug: a semaphore wait under the lock its signaller takes (1 report expected)" ;;
  egl_surfaceless)
    need libegl-dev libgles-dev libegl-mesa0 libgl1-mesa-dri || return 1
    cc -O2 -g -pthread -o "$work/egl_surfaceless" "$here/real/egl_surfaceless.c" -lEGL -lGLESv2 \
      2>"$work/egl_surfaceless.build" || { skip_reason="does not build (see $work/egl_surfaceless.build)"; return 1; }
    cmd=("$work/egl_surfaceless" "$frames")
    describe="$frames frames x 2 contexts, GL and EGL fences, llvmpipe" ;;
  piglit:*)
    need piglit || return 1
    local t=${1#piglit:}
    cmd=(env PIGLIT_PLATFORM=surfaceless_egl "/usr/lib/x86_64-linux-gnu/piglit/bin/$t" -auto -fbo)
    describe="piglit, surfaceless EGL" ;;
  *)
    skip_reason="unknown program"
    return 1 ;;
  esac
}

timed() { # timed OUT CMD...: prints "SECONDS STATUS"
  local out=$1 t0 t1 rc
  shift
  t0=$(date +%s%N)
  timeout -k 10 "$timeout_s" "$@" >"$out.out" 2>"$out.err" </dev/null
  rc=$?
  t1=$(date +%s%N)
  { [ $rc -eq 124 ] || [ $rc -eq 137 ]; } && rc=TIMEOUT
  awk -v a="$t0" -v b="$t1" -v rc="$rc" 'BEGIN { printf "%.3f %s\n", (b - a) / 1e9, rc }'
}
min_time() {
  if [ -z "$1" ] || awk -v x="$2" -v y="$1" 'BEGIN { exit !(x < y) }'; then echo "$2"; else echo "$1"; fi
}
merge_rc() {
  if [ -z "$1" ] || [ "$1" = "$2" ]; then echo "$2"
  else case "/$1/" in *"/$2/"*) echo "$1" ;; *) echo "$1/$2" ;; esac; fi
}
row() { printf '%-36s %7s %7s %6s %-6s %-6s %7s %7s %6s %7s\n' "$@"; }

names=()
for p in ${only//,/ }; do
  if [ "$p" = piglit ]; then
    for t in $piglit_tests; do names+=("piglit:$t"); done
  else
    names+=("$p")
  fi
done

echo "GPU userspace under fencedep ($fencedep); best of $runs runs each, native and"
echo "fencedep alternating; work directory $work; load: $(cut -d' ' -f1-3 /proc/loadavg)"
lines=() notes=() failed=0
for name in "${names[@]}"; do
  printf '%-36s ' "$name" >&2
  if ! setup "$name"; then
    echo "skipped: $skip_reason" >&2
    lines+=("$(row "$name" - - - - - - - - -) skipped: $skip_reason")
    continue
  fi
  safe=${name//[:\/]/_}
  nbest="" fbest="" nrc="" frc="" reports=- classes=- edges=- submits=-
  for ((i = 1; i <= runs; ++i)); do
    read -r t rc <<<"$(timed "$work/runs/$safe.native.$i" "${cmd[@]}")"
    nbest=$(min_time "$nbest" "$t") nrc=$(merge_rc "$nrc" "$rc")
    json=$work/runs/$safe.fencedep.$i.json
    rm -f "$json"
    read -r t rc <<<"$(FENCEDEP_OPTIONS=print_stats=1 timed "$work/runs/$safe.fencedep.$i" \
      "$fencedep" run --json "$json" -- "${cmd[@]}")"
    fbest=$(min_time "$fbest" "$t") frc=$(merge_rc "$frc" "$rc")
    if [ -s "$json" ]; then
      n=$(jq length "$json")
      { [ "$reports" = - ] || [ "$n" -gt "$reports" ]; } && reports=$n
    fi
    # What the runtime saw, summed over the run's processes.
    read -r c e <<<"$(awk '/ classes, [0-9]+ edges/ { for (i = 1; i <= NF; ++i) {
        if ($(i + 1) == "classes,") c += $i; if ($(i + 1) == "edges,") e += $i } }
        END { print c + 0, e + 0 }' "$work/runs/$safe.fencedep.$i.err")"
    s=$(awk '/gpu submissions:/ { for (i = 1; i <= NF; ++i) if ($i == "submissions:") s += $(i + 1) }
        END { print s + 0 }' "$work/runs/$safe.fencedep.$i.err")
    classes=$c edges=$e submits=$s
    echo -n "$i " >&2
  done
  ratio=$(awk -v a="$fbest" -v b="$nbest" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
  case "$nrc$frc" in *TIMEOUT* | */*) failed=1 ;; esac
  echo "native ${nbest}s rc $nrc, fencedep ${fbest}s rc $frc, $reports reports" >&2
  lines+=("$(row "$name" "$nbest" "$fbest" "$ratio" "$nrc" "$frc" "$reports" "$classes" "$edges" "$submits") $describe")
  if [ "$reports" != - ] && [ "$reports" -gt 0 ]; then
    notes+=("$name:")
    while IFS= read -r sline; do notes+=("  $sline"); done < <(cat "$work"/runs/"$safe".fencedep.*.json |
      jq -r '.[] | (if .predicted == true then "(class-predicted) " else "" end) + (.summary // .kind)' |
      sed 's/ (pid [0-9]*)$//' | sort -u)
  fi
done

echo
echo "seconds: best wall time; ratio: fencedep / native; rc: exit status (66 = fencedep"
echo "reported); reports: most in one run's --json; classes, edges: what the runtime built"
echo "(last run, all processes); submits: GPU submissions modelled (DRM submit ioctls)."
row program native_s fd_s ratio nat_rc fd_rc reports classes edges submits
printf '%s\n' "${lines[@]}"
if [ ${#notes[@]} -gt 0 ]; then
  echo
  echo "--- reports ---"
  printf '%s\n' "${notes[@]}"
fi
[ $keep -eq 1 ] && echo && echo "kept: $work (runs/NAME.{native,fencedep}.I.{out,err,json})"
exit $failed
