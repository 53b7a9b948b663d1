#!/usr/bin/env bash
# offline_kernel_bench.sh FENCEDEP TRACE.DAT [GIB] [WORKDIR]
#
# `fencedep analyze` on real kernel captures at scale, next to `cat` in the
# same run and page-cache state:
#   1. the trace.dat itself (read through libtracecmd), a few times over;
#   2. its `trace-cmd report` text, repeated with shifted timestamps until
#      it is GIB GiB (default 1), read plain;
#   3. the same large text gzip-compressed (only when GIB <= 1: decompressing
#      a bigger one is the codec's benchmark, not ours);
#   4. a generated trace.dat of about GIB GiB (gen_trace_dat.py: lockdep and
#      fence events in trace-cmd's file format), when python3 is there.
# For each: wall seconds, lines (or records) per second, events per second,
# the ratio to `cat FILE >/dev/null`, and the largest resident set
# (/usr/bin/time's "Maximum resident set size"): reading streams, so memory
# must not grow with the input.
set -euo pipefail
fencedep=$1 dat=$2 gib=${3:-1} work=${4:-${TMPDIR:-/tmp}/fencedep-kbench}
mkdir -p "$work"
command -v trace-cmd >/dev/null || { echo "needs trace-cmd (apt-get install trace-cmd)"; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)"; exit 2; }

seconds() { # CMD... -> wall seconds and max RSS KiB, "S KIB"
  /usr/bin/time -f '%e %M' -o "$work/time.out" "$@" >/dev/null 2>"$work/cmd.err" || true
  tail -1 "$work/time.out"
}
events_read() { sed -n 's/.*: \([0-9]*\) events read.*/\1/p' "$work/cmd.err" | tail -1; }

report() { # NAME BYTES LINES CAT_S
  local name=$1 bytes=$2 lines=$3 cat_s=$4
  read -r s kib < <(seconds "$fencedep" analyze --no-progress "$5")
  local ev; ev=$(events_read)
  awk -v n="$name" -v b="$bytes" -v l="$lines" -v e="$ev" -v s="$s" -v c="$cat_s" -v k="$kib" 'BEGIN {
    if (s < 0.01) s = 0.01; if (c < 0.01) c = 0.01;
    printf "%-22s %8.1f MiB %11d lines %11d events %7.2f s %10.0f lines/s %10.0f events/s  cat %6.2f s  x%6.1f cat  max RSS %6.0f MiB\n",
      n, b / 1048576, l, e, s, l / s, e / s, c, s / c, k / 1024 }'
}

# 1. trace.dat
records=$(trace-cmd report "$dat" 2>/dev/null | grep -vc '^cpus=')
read -r cat_s _ < <(seconds cat "$dat")
report "trace.dat" "$(stat -c %s "$dat")" "$records" "$cat_s" "$dat"

# 2. text, repeated to GIB GiB: each copy shifted by the capture's span,
# its fence contexts by 100000 (pairs stay pairs), so that no fence repeats.
trace-cmd report "$dat" 2>/dev/null >"$work/one.txt"
big=$work/big.txt
if [ ! -s "$big" ] || [ "$(stat -c %s "$big")" -lt $((gib * 1073741824)) ]; then
  span=$(awk '$0 !~ /^cpus=/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { t = $i + 0; if (!f) { f = t }; l = t; break } }
              END { printf "%.6f", l - f + 1 }' "$work/one.txt")
  size=$(stat -c %s "$work/one.txt")
  copies=$(( (gib * 1073741824 + size - 1) / size ))
  awk -v copies="$copies" -v span="$span" '
    NR == FNR { if ($0 !~ /^cpus=/) line[n++] = $0; next }
    END {
      for (c = 0; c < copies; c++)
        for (i = 0; i < n; i++) {
          s = line[i]
          if (match(s, / [0-9]+\.[0-9]+: /)) {
            t = substr(s, RSTART + 1, RLENGTH - 3) + c * span
            s = substr(s, 1, RSTART) sprintf("%.6f", t) substr(s, RSTART + RLENGTH - 2)
          }
          if (c && match(s, /context=[0-9]+/))
            s = substr(s, 1, RSTART + 7) (substr(s, RSTART + 8, RLENGTH - 8) + c * 100000) substr(s, RSTART + RLENGTH)
          print s
        }
    }' "$work/one.txt" /dev/null >"$big"
fi
lines=$(wc -l <"$big")
read -r cat_s _ < <(seconds cat "$big")
report "text $(numfmt --to=iec "$(stat -c %s "$big")")" "$(stat -c %s "$big")" "$lines" "$cat_s" "$big"

# 3. gzip of the same text
if [ "$gib" -le 1 ]; then
  [ -s "$big.gz" ] || gzip -1 -c "$big" >"$big.gz"
  read -r cat_s _ < <(seconds cat "$big.gz")
  report "text.gz" "$(stat -c %s "$big.gz")" "$lines" "$cat_s" "$big.gz"
fi

# 4. a large trace.dat
if command -v python3 >/dev/null; then
  bigdat=$work/big.dat
  [ -s "$bigdat" ] || python3 "$(dirname "$0")/gen_trace_dat.py" "$bigdat" $((gib * 21000000))
  records=$(sed -n 's/.*: \([0-9]*\) events read.*/\1/p' <("$fencedep" analyze --no-progress "$bigdat" 2>&1))
  read -r cat_s _ < <(seconds cat "$bigdat")
  report "trace.dat (generated)" "$(stat -c %s "$bigdat")" "$records" "$cat_s" "$bigdat"
fi
