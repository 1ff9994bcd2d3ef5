#!/usr/bin/env python3
"""Two Relearn builds timed against each other, command by command, alternating.

    python3 bench/ab_alternate.py OLD_BINARY NEW_BINARY [--movement 1] [--runs 20]

On a shared machine the time of one command moves by ±20 % from run to run, more than most
changes, so a comparison run once per build (as ``uiprmd_speed.py`` does for its variants)
often cannot tell two builds apart. Here each repeat runs ``relearn template build`` of one
UI-PRMD movement (its 200 files, the manifest of ``uiprmd_speed.py``) with the old build, then
with the new, then ``relearn score`` of the same 200 files against the old build's template
with each; the order within a pair alternates. It prints the median and the spread of each
command's wall-clock time per build, and in how many pairs the new build was faster.
Both builds must give the same outputs for the comparison to mean anything: the template
JSON and the score lines of the last repeat are compared, and a difference is reported.
Measures wall-clock time only (BENCHMARKS.md, sixth session of 2026-12-06).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from uiprmd_speed import NAMES, REPO, files_of  # noqa: E402


def timed(cmd, out):
    with open(out, "w") as f:
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stdout=f, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(cmd[:4])} ...\n{r.stderr[-2000:]}")
    return wall


def comparable(path):
    """A template or score lines without what two builds of different commits may write
    differently for the same result: the program version and the identities derived from it."""
    with open(path) as f:
        rows = [json.loads(line) for line in f] if path.endswith(".jsonl") else [json.load(f)]
    for r in rows:
        for key in ("id", "program_version", "template"):
            r.pop(key, None)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--movement", type=int, default=1, help="UI-PRMD movement, 1-10")
    ap.add_argument("--runs", type=int, default=20, help="pairs of runs per command")
    ap.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data", "ui-prmd"))
    a = ap.parse_args()
    files = files_of(a.data, a.movement)
    name = NAMES[a.movement - 1]
    times = {(cmd, b): [] for cmd in ("template", "score") for b in ("old", "new")}
    with tempfile.TemporaryDirectory(prefix="relearn-ab-") as work:
        manifest = os.path.join(work, "manifest.csv")
        with open(manifest, "w") as f:
            f.write("path,label\n")
            f.writelines(f"{p},{label}\n" for p, label in files)
        binaries = {"old": a.old, "new": a.new}
        for k in range(a.runs):
            order = ("old", "new") if k % 2 == 0 else ("new", "old")
            for b in order:
                times[("template", b)].append(timed(
                    [binaries[b], "template", "build", "--exercise", name, "--manifest",
                     manifest, "--out", os.path.join(work, f"{b}.json"), "--json"],
                    os.path.join(work, f"{b}.template.out")))
            for b in order:
                times[("score", b)].append(timed(
                    [binaries[b], "score", "--template", os.path.join(work, "old.json"),
                     "--json"] + [p for p, _ in files],
                    os.path.join(work, f"{b}.jsonl")))
        same = [comparable(os.path.join(work, f"old.{what}")) ==
                comparable(os.path.join(work, f"new.{what}")) for what in ("json", "jsonl")]
    print(f"UI-PRMD m{a.movement:02d} ({len(files)} files), {a.runs} alternating pairs")
    print("| command | old: median (min-max) ms | new: median (min-max) ms | new/old | new faster in |")
    print("| --- | --- | --- | --- | --- |")
    for cmd in ("template", "score"):
        o, n = times[(cmd, "old")], times[(cmd, "new")]
        faster = sum(1 for x, y in zip(o, n) if y < x)

        def fmt(v):
            return f"{statistics.median(v) * 1e3:.0f} ({min(v) * 1e3:.0f}-{max(v) * 1e3:.0f})"

        print(f"| {cmd} | {fmt(o)} | {fmt(n)} | {statistics.median(n) / statistics.median(o):.3f} "
              f"| {faster} of {len(o)} pairs |")
    print("templates: " + ("same" if same[0] else "DIFFERENT (beyond id)")
          + "; score lines: " + ("same" if same[1] else "DIFFERENT"))


if __name__ == "__main__":
    main()
