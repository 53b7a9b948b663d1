#!/usr/bin/env bash
# record.sh FENCEDEP WORKDIR
# `fencedep record`: the recipe it prints, and the trace-cmd command line it
# runs, against a tracefs tree made here (some events present, some not)
# and a trace-cmd stand-in that writes its arguments down.
set -u
fencedep=$1 work=$2
mkdir -p "$work" && cd "$work" || exit 1
fail() { echo "FAIL: $*"; exit 1; }

"$fencedep" record --print >print.out 2>&1 || fail "--print: exit $?"
cat print.out
grep -q '^trace-cmd record -b 20480 -o trace.dat -e dma_fence -e gpu_scheduler -e lock:lock_acquire' print.out ||
  fail "--print: no recipe"
grep -q 'fencedep analyze trace.dat' print.out || fail "--print: no analyze step"

rm -rf tracefs && mkdir -p tracefs/events/dma_fence tracefs/events/gpu_scheduler \
  tracefs/events/lock/contention_begin tracefs/events/lock/contention_end \
  tracefs/events/amdgpu/amdgpu_cs_ioctl
cat >trace-cmd <<'SH'
#!/bin/sh
printf '%s\n' "$@" >"$(dirname "$0")/args.out"
SH
chmod +x trace-cmd
"$fencedep" record --tracefs tracefs --trace-cmd ./trace-cmd -o out.dat -- true x >rec.out 2>&1 ||
  { cat rec.out; fail "record: exit $?"; }
cat rec.out args.out
[ "$(tr '\n' ' ' <args.out)" = "record -b 20480 -o out.dat -e dma_fence -e gpu_scheduler -e lock:contention_begin -e lock:contention_end -e amdgpu:amdgpu_cs_ioctl true x " ] ||
  fail "record: not the events this kernel has"
grep -q 'no lock_acquire events (a kernel without CONFIG_LOCKDEP)' rec.out || fail "record: lockdep not said"
grep -q 'fencedep analyze out.dat' rec.out || fail "record: next step not said"

rm -rf tracefs/events/dma_fence
"$fencedep" record --tracefs tracefs --trace-cmd ./trace-cmd -- true >nofence.out 2>&1
[ $? -eq 2 ] || fail "record without dma_fence events: not refused"
grep -q 'has no dma_fence events' nofence.out || fail "record without dma_fence: not said"
echo PASS
