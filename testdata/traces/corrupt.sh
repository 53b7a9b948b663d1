#!/usr/bin/env bash
# corrupt.sh FENCEDEP SRCDIR WORKDIR
# Inputs too big, too broken or too binary to check in: generated here. The
# reader must never crash; each case has its exit status and its message.
set -u
fencedep=$1 src=$2 work=$3
mkdir -p "$work" && cd "$work" || exit 1
fail() { echo "FAIL: $*"; exit 1; }
run() { # EXPECTED-STATUS OUTPUT ARGS...
  local want=$1 out=$2
  shift 2
  "$fencedep" analyze --no-progress "$@" >"$out" 2>&1
  local got=$?
  cat "$out"
  [ "$got" -eq "$want" ] || fail "analyze $*: exit $got, expected $want"
}
line() { printf '     task-%s     [000] ..... 1.%06d: %s\n' "$1" "$2" "$3"; }

# --strict: the first bad line is fatal, and says where it is.
run 2 strict.out --strict "$src/corrupt/garbage_lines.ftrace"
grep -q 'garbage_lines.ftrace:18: expected' strict.out || fail "strict: no file:line"
grep -q 'stopped at the first bad line (--strict)' strict.out || fail "strict: not said"
grep -q 'WARNING' strict.out && fail "strict: reported from a rejected input"

# A field of 100 KB and a line of 8 MiB: skipped and named, never a crash.
{
  line 1 1 'lock_acquire: 0000000000000001 &a->lock'
  line 1 2 "lock_acquire: 0000000000000002 $(head -c 100000 /dev/zero | tr '\0' x)"
  printf '     task-1     [000] ..... 1.000003: lock_release: 0000000000000001 '
  head -c 8388608 /dev/zero | tr '\0' y
  printf '\n'
  line 1 4 'lock_release: 0000000000000001 &a->lock'
} >huge.ftrace
run 1 huge.out huge.ftrace
grep -q 'huge.ftrace:2: lock name longer than 512 bytes' huge.out || fail "huge field not named"
grep -q 'huge.ftrace:3: lock name longer than 512 bytes' huge.out || fail "huge line not named"
grep -q '2 bad lines' huge.out || fail "huge: bad lines not counted"

# More bad lines than are listed: the rest are counted.
{ for i in $(seq 1 30); do echo "garbage $i"; done; line 1 1 'lock_acquire: 0000000000000001 &a->lock'; } >many.ftrace
run 1 many.out --format ftrace many.ftrace
[ "$(grep -c 'many.ftrace:[0-9]*: expected' many.out)" -eq 20 ] || fail "many: not 20 listed"
grep -q 'many.ftrace: 10 more bad lines' many.out || fail "many: rest not counted"

# Binary junk: no format fits; a clear error and the unusable-input status.
head -c 65536 /dev/zero | tr '\0' '\377' >junk.bin
run 2 junk.out junk.bin
grep -q 'junk.bin: expected a chunk or file header at byte 0' junk.out || fail "junk: no position"
grep -q 'no usable trace' junk.out || fail "junk: not unusable"

# Embedded NUL bytes in a text line: counted with their offset, the line
# is not read, the rest is.
{ line 1 1 'lock_acquire: 0000000000000001 &a->lock'; printf 'task-1 \0\0\0 [000]\n'; line 1 2 'lock_release: 0000000000000001 &a->lock'; } >nul.ftrace
run 1 nul.out nul.ftrace
grep -q 'nul.ftrace: 3 NUL bytes (3 at byte 85): a zeroed block or a hole; 1 line damaged' nul.out ||
  fail "nul: not counted and named"

# A zeroed 4 KiB block (a hole in a copied file) where task 1 released &a:
# without it, &a would look held while task 1 takes &b, a false ABBA with
# task 2's &b -> &a. The damaged line is counted, what the tasks held is
# forgotten, and the exit status says the input was damaged.
{
  line 1 1 'lock_acquire: 0000000000000001 &a'
  printf '     task-1     [000] ..... 1.000002: lock_rel'
  head -c 4096 /dev/zero
  printf 'ease: 0000000000000001 &a\n'
  line 1 3 'lock_acquire: 0000000000000002 &b'
  line 1 4 'lock_release: 0000000000000002 &b'
  line 2 5 'lock_acquire: 0000000000000002 &b'
  line 2 6 'lock_acquire: 0000000000000001 &a'
  line 2 7 'lock_release: 0000000000000001 &a'
  line 2 8 'lock_release: 0000000000000002 &b'
} >hole.ftrace
run 1 hole.out hole.ftrace
grep -q 'hole.ftrace: 4096 NUL bytes (4096 at byte [0-9]*): a zeroed block or a hole; 1 line damaged' hole.out ||
  fail "hole: not named"
grep -q WARNING hole.out && fail "hole: a report from a damaged line"

# Shuffled lines: a CPU's events going back in time are counted and named.
{ line 1 1 'lock_acquire: 0000000000000001 &a'; line 1 3 'lock_release: 0000000000000001 &a';
  line 1 2 'lock_acquire: 0000000000000002 &b'; line 1 4 'lock_release: 0000000000000002 &b'; } >shuffled.ftrace
run 1 shuffled.out shuffled.ftrace
grep -q 'shuffled.ftrace:3: 1 event is older than the event before on the same CPU' shuffled.out ||
  fail "shuffled: not said"

# A missing input, a directory: one line each, exit 2.
run 2 missing.out no-such-file.trace
[ "$(wc -l <missing.out)" -eq 1 ] || fail "missing: more than one line"
grep -q 'no-such-file.trace: cannot open: No such file or directory' missing.out || fail "missing: not said"
mkdir -p adir
run 2 dir.out adir
grep -q 'adir: is a directory, not a trace' dir.out || fail "directory: not said"
# ...and a missing one next to a good one: the good one is analyzed, the status is still 2.
run 2 mixed.out "$src/kernel/abba.perf" no-such-file.trace
grep -q 'WARNING' mixed.out || fail "mixed: the good input was not analyzed"

# A damaged trace.dat: a zeroed 4 KiB page (CPU 1's buffer) is named, not
# dropped; a page zeroed inside decodes as events of no known type, which
# are counted; a file cut short is refused in one message, never a crash
# (libtracecmd 3.1 frees a half-opened file twice).
dat=$src/dat/section_wait.dat
cp "$dat" zpage.dat && chmod u+w zpage.dat
dd if=/dev/zero of=zpage.dat bs=4096 seek=2 count=1 conv=notrunc 2>/dev/null
run 1 zpage.out zpage.dat
grep -q 'zpage.dat: 4080 bytes of CPU buffer pages gave no record (4080 at byte 8208): damaged pages' zpage.out ||
  fail "trace.dat zeroed page: not named"
cp "$dat" zmid.dat && chmod u+w zmid.dat
dd if=/dev/zero of=zmid.dat bs=1 seek=8300 count=40 conv=notrunc 2>/dev/null
run 1 zmid.out zmid.dat
grep -q 'zmid.dat: 3 records have an event type no format names' zmid.out || fail "trace.dat garbage: not counted"
head -c 9000 "$dat" >cut.dat
run 2 cutdat.out cut.dat
grep -q "cut.dat: libtracecmd cannot read this trace.dat's event data (a file cut short" cutdat.out ||
  fail "trace.dat cut short: not said"

# Bytes overwritten all over a trace.dat (headers, formats, pages): never a
# crash, always one of the documented statuses.
size=$(stat -c %s "$dat")
for at in 0 9 40 200 700 1500 2600 3000 4096 4100 4120 4200 8192 8208 8300 9000 12000; do
  [ "$at" -lt "$size" ] || continue
  cp "$dat" flip.dat && chmod u+w flip.dat
  printf '\377\177\001\000' | dd of=flip.dat bs=1 seek="$at" conv=notrunc 2>/dev/null
  "$fencedep" analyze --no-progress flip.dat >flip.out 2>&1
  s=$?
  case $s in 0 | 1 | 2 | 66) ;; *) cat flip.out; fail "trace.dat overwritten at $at: exit $s" ;; esac
done

# Compressed text is read as is; a corrupt one says where.
for z in gzip xz zstd; do
  $z -c "$src/kernel/abba.perf" >abba.perf.$z
  run 66 $z.out abba.perf.$z
  grep -q "$z-compressed: read through a decompressed temporary copy" $z.out || fail "$z: not said"
  grep -q 'SUMMARY: fencedep: lock-order' $z.out || fail "$z: not analyzed"
done
head -c 300 abba.perf.gzip >cut.gz
run 2 cut.out cut.gz
grep -q 'cut.gz: corrupt gzip (cut short) data near compressed byte' cut.out || fail "cut gzip: not said"

# An empty file, alone: nothing to analyze.
: >empty.trace
run 2 empty.out empty.trace
grep -q 'empty.trace: empty file' empty.out || fail "empty: not said"

# A kernel trace read as STD: every line is bad, nothing is usable.
run 2 asstd.out --format std "$src/kernel/abba.perf"
grep -q 'no line reads as STD' asstd.out || fail "--format std: not said"

# STD with broken lines: counted, the rest analyzed.
printf 'T0|acq(L1)|1\nT0|acq(L2\nT0|rel(L1)|3\n|rel(L9)|4\nT0 x|acq(L3)|5\n' >bad.std
run 1 badstd.out bad.std
[ "$(grep -c "bad.std:[0-9]*: expected 'THREAD|OP(TARGET)|LOCATION'" badstd.out)" -eq 3 ] || fail "std: bad lines not named"
echo PASS
