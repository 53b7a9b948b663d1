#!/usr/bin/env python3
"""Verdicts for every finding of `fencedep check` on a kernel tree.

    bench/kernel_findings.py REPORT.json TREE > docs/kernel-findings-list.md

Reads the JSON report of a run on Linux 6.12's DRM tree (bench/kernel_static.sh
writes one), gives each finding the verdict of the first rule below whose
path elements it contains, and prints the findings grouped by verdict rule,
each with its check, its place and its path (root, then the calls). A
finding no rule covers is listed under "no verdict yet" so that a new run
never hides one. The rules are the result of reading each path against the
kernel source; their reasons say what was read.
"""
import json
import re
import sys
from collections import OrderedDict

# (id, verdict, path elements that must all appear, in order, reason).
# Verdicts: "real" (a hazard by the dma-fence rules, fixed upstream or not),
# "real, latent" (real, but only on an error path or a configuration that is
# rare), "false alarm" (the path does not happen; the cause is given).
RULES = [
]


def path_of(finding, tree):
    """The root (kind, function) and the called functions along the path."""
    notes = finding["notes"]
    root, kind, calls = "", "", []
    for n in notes:
        m = n["message"]
        r = re.match(r"'([^']+)' (?:is on a dma-fence signalling path|runs in atomic context|"
                     r"runs in memory reclaim): (?:registered as|passed to) (\S+)", m)
        if r and not root:
            root, kind = r.group(1), r.group(2)
            continue
        if not root and m.startswith("the dma-fence signalling section begins here"):
            kind = "signalling section"
            continue
        if not root and m.startswith("the signalling section ends here"):
            kind = "after a signalling section"
            continue
        c = re.match(r"'([^']+)' (calls|queues work item) '([^']+)' here(?:, which is '([^']+)')?", m)
        if c and n.get("onPath", True):
            if not root:
                root = c.group(1)
            calls.append(("~" if c.group(2).startswith("queues") else "") + (c.group(4) or c.group(3)))
    return kind, root, calls


def matches(rule_elems, elems):
    i = 0
    for e in elems:
        if i < len(rule_elems) and rule_elems[i] == e.lstrip("~"):
            i += 1
    return i == len(rule_elems)


def main():
    report = json.load(open(sys.argv[1]))
    tree = sys.argv[2].rstrip("/") + "/"
    groups = OrderedDict((r[0], []) for r in RULES)
    groups["none"] = []
    for f in report["findings"]:
        kind, root, calls = path_of(f, tree)
        elems = [root] + calls + [f["location"]["file"].replace(tree, "")]
        for rid, verdict, needle, reason in RULES:
            if matches(needle, elems):
                groups[rid].append((f, kind, root, calls))
                break
        else:
            groups["none"].append((f, kind, root, calls))
    by_rule = {r[0]: r for r in RULES}
    counts = {}
    for rid, items in groups.items():
        v = by_rule[rid][1] if rid in by_rule else "no verdict yet"
        for f, *_ in items:
            counts.setdefault(v, {}).setdefault(f["check"], 0)
            counts[v][f["check"]] += 1
    print("| verdict | findings | by check |")
    print("|---|---|---|")
    for v, per in counts.items():
        total = sum(per.values())
        print("| %s | %d | %s |" % (v, total, ", ".join("%d %s" % (n, c) for c, n in sorted(per.items()))))
    print()
    for rid, items in groups.items():
        if not items:
            continue
        if rid in by_rule:
            _, verdict, needle, reason = by_rule[rid]
            print("### %s: %s (%d)\n" % (rid, verdict, len(items)))
            print("Path through: `%s`. %s\n" % (" > ".join(needle), reason))
        else:
            print("### no verdict yet (%d)\n" % len(items))
        for f, kind, root, calls in items:
            loc = f["location"]
            where = "%s:%d" % (loc["file"].replace(tree, ""), loc["line"])
            print("- `%s` %s — %s `%s` > %s" % (f["check"][6:], where, kind, root,
                                               " > ".join("`%s`" % c for c in calls) or "(in the root)"))
        print()


if __name__ == "__main__":
    main()
