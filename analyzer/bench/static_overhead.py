#!/usr/bin/env python3
"""Cost of the static pass per TU, against parsing alone.

For each TU of a compilation database (or the ones named), times on the
same compile command:
  syntax  clang-16 -fsyntax-only
  base    clang-tidy-16 running one cheap built-in check: parsing as
          clang-tidy does it, the baseline of the plugin's own cost
  tidy    clang-tidy-16 with the fencedep plugin, only the fence-* checks
  check   fencedep check (one TU, one job: parse + summary + engine)
and prints tidy and check against syntax, and tidy against base. Each is
the best of --repeat runs, alternated, so a busy machine disturbs the
numbers less. Target: <= 1.3x.

  static_overhead.py -p BUILD_DIR --plugin libfencedep-tidy.so \\
      --check 'fencedep check' [--repeat 3] [FILES...]
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import time


def best_of(cmd, cwd, repeat):
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    return best


def compile_args(entry):
    args = entry.get("arguments") or shlex.split(entry["command"])
    out, skip = [], False
    for a in args[1:]:
        if skip:
            skip = False
            continue
        if a in ("-c", entry["file"], os.path.basename(entry["file"])):
            continue
        if a == "-o":
            skip = True
            continue
        if a.startswith("-Wp,-MMD") or a.startswith("-Wp,-MD"):
            continue
        out.append(a)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-p", dest="build", required=True)
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--check", required=True, help="command line of fencedep check")
    ap.add_argument("--clang", default="clang-16")
    ap.add_argument("--tidy", default="clang-tidy-16")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("files", nargs="*")
    opts = ap.parse_args()

    db = json.load(open(os.path.join(opts.build, "compile_commands.json")))
    entries = [e for e in db if not opts.files or any(e["file"].endswith(f) for f in opts.files)]
    if not entries:
        sys.exit("static_overhead.py: no TU selected")
    print(f"{'TU':44} {'syntax':>7} {'base':>7} {'tidy':>7} {'check':>7}"
          f" {'tidy/s':>7} {'check/s':>7} {'tidy/b':>7}")
    tot = [0.0] * 4
    for e in entries:
        cwd, f = e["directory"], e["file"]
        cmds = [
            [opts.clang, "-fsyntax-only", "-w"] + compile_args(e) + [f],
            [opts.tidy, "--checks=-*,readability-braces-around-statements", "-p", opts.build,
             "--extra-arg=-w", f],
            [opts.tidy, f"--load={opts.plugin}", "--checks=-*,fence-*", "-p", opts.build,
             "--extra-arg=-w", f],
            shlex.split(opts.check) + ["-p", opts.build, "-j", "1", "--no-progress", f],
        ]
        times = [None] * 4
        for _ in range(opts.repeat):
            for i, c in enumerate(cmds):
                t = best_of(c, cwd, 1)
                times[i] = t if times[i] is None else min(times[i], t)
        for i, t in enumerate(times):
            tot[i] += t
        syntax, base, tidy, check = times
        name = os.path.relpath(f, cwd)[-44:]
        print(f"{name:44} {syntax:7.2f} {base:7.2f} {tidy:7.2f} {check:7.2f}"
              f" {tidy / syntax:7.2f} {check / syntax:7.2f} {tidy / base:7.2f}")
    syntax, base, tidy, check = tot
    print(f"{'total':44} {syntax:7.2f} {base:7.2f} {tidy:7.2f} {check:7.2f}"
          f" {tidy / syntax:7.2f} {check / syntax:7.2f} {tidy / base:7.2f}")


if __name__ == "__main__":
    main()
