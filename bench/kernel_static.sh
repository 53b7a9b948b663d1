#!/usr/bin/env bash
# The static pass on a real kernel tree, against clang's own front end over
# the same translation units in the same run:
#   bench/kernel_static.sh BUILD_DIR COMPILE_COMMANDS.json [JOBS] [OUT_DIR]
# Runs `clang-16 -fsyntax-only` on every compile command of the database
# (JOBS in parallel, default 2), then `fencedep check -j JOBS` on the same
# database, each under /usr/bin/time -v, and prints TUs, TUs that failed,
# wall and CPU time of both with their ratio, the peak resident memory of
# both, and the findings per check. The tree is never written to (the
# baseline drops -o and dependency-file options, as fencedep does). Not for
# CI: a whole DRM tree takes tens of minutes on two cores.
set -euo pipefail

build=${1:?usage: $0 BUILD_DIR COMPILE_COMMANDS.json [JOBS] [OUT_DIR]}
db=${2:?usage: $0 BUILD_DIR COMPILE_COMMANDS.json [JOBS] [OUT_DIR]}
jobs=${3:-2}
out=${4:-$(mktemp -d /tmp/fencedep-kernel-bench.XXXXXX)}
mkdir -p "$out"
fencedep=$(cd "$build" && pwd)/bin/fencedep
db=$(cd "$(dirname "$db")" && pwd)/$(basename "$db")

# One shell command per TU: the build's command with -c turned into
# -fsyntax-only and the options that write files dropped.
python3 - "$db" > "$out/syntax.cmds" <<'PY'
import json, shlex, sys
drop_arg = {"-o", "-MF", "-MT", "-MQ", "-MJ", "--serialize-diagnostics"}
drop = {"-c", "-MD", "-MMD", "-M", "-MM", "-MG", "-MP"}
for e in json.load(open(sys.argv[1])):
    args = e.get("arguments") or shlex.split(e["command"])
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a in drop_arg:
            skip = True
            continue
        if a in drop or a.startswith("-Wp,-MD,") or a.startswith("-Wp,-MMD,"):
            continue
        out.append(a)
    out += ["-fsyntax-only", "-w"]
    print("cd %s && %s" % (shlex.quote(e["directory"]), " ".join(shlex.quote(a) for a in out)))
PY
tus=$(wc -l < "$out/syntax.cmds")

echo "fencedep kernel bench: $tus TUs from $db, -j $jobs, results in $out" >&2
/usr/bin/time -v -o "$out/syntax.time" \
  xargs -a "$out/syntax.cmds" -d '\n' -P "$jobs" -I{} sh -c '{} 2>/dev/null || echo FAIL' \
  > "$out/syntax.out" 2>&1 || true
syntax_failed=$(grep -c FAIL "$out/syntax.out" || true)

rc=0
/usr/bin/time -v -o "$out/check.time" \
  "$fencedep" check -p "$db" -j "$jobs" --no-progress --no-source -o "$out/findings.txt" \
  --summaries "$out/summaries.json" 2> "$out/check.err" || rc=$?

field() { grep "$2" "$1" | sed 's/.*: //'; }
secs() { # h:mm:ss or m:ss.ss -> seconds
  awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }' <<< "$1"
}
sw=$(secs "$(field "$out/syntax.time" 'Elapsed (wall clock)')")
cw=$(secs "$(field "$out/check.time" 'Elapsed (wall clock)')")
sc=$(awk '{print $1 + $2}' <<< "$(field "$out/syntax.time" 'User time') $(field "$out/syntax.time" 'System time')")
cc=$(awk '{print $1 + $2}' <<< "$(field "$out/check.time" 'User time') $(field "$out/check.time" 'System time')")
srss=$(field "$out/syntax.time" 'Maximum resident set size')
crss=$(field "$out/check.time" 'Maximum resident set size')

echo "TUs: $tus (clang -fsyntax-only failed on $syntax_failed)"
grep "^fencedep check:" "$out/check.err" | sed 's/^/fencedep: /'
echo "exit status of fencedep check: $rc"
printf 'wall time: clang-16 -fsyntax-only %.0f s, fencedep check %.0f s, ratio %.2f\n' "$sw" "$cw" \
  "$(awk '{print $2 / $1}' <<< "$sw $cw")"
printf 'CPU time:  clang-16 -fsyntax-only %.0f s, fencedep check %.0f s, ratio %.2f\n' "$sc" "$cc" \
  "$(awk '{print $2 / $1}' <<< "$sc $cc")"
printf 'peak RSS:  clang-16 -fsyntax-only %.0f MB (one TU), fencedep check %.0f MB (whole run)\n' \
  "$(awk '{print $1 / 1024}' <<< "$srss")" "$(awk '{print $1 / 1024}' <<< "$crss")"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
