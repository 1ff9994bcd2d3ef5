#!/usr/bin/env python3
"""CPU time of `relearn score` on one thread, two builds alternated.

    python3 bench/cpu_alternate.py OLD_BINARY NEW_BINARY [--movement 1] [--runs 30]

Each build first builds its own template of one UI-PRMD movement (the 200 files and manifest of
``uiprmd_speed.py``), untimed. Then, ``--runs`` times, each build scores the same 200 files with
``RAYON_NUM_THREADS=1``, the order within a pair alternating, and the CPU time (user + system)
of each run is taken from the child's resource usage. Prints the median and the smallest CPU
time of each build, their ratio, and in how many pairs the new build used less.

CPU time on one thread is steadier than wall time on a shared machine (BENCHMARKS.md, second
session of 2026-12-07), but not immune: a busy sibling CPU slows a thread too, so compare the
two builds only within one run of this script. The two builds may give different outputs (this
measures cost, not equivalence; ``ab_alternate.py`` checks outputs).
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from uiprmd_speed import NAMES, REPO, files_of  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--movement", type=int, default=1)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data", "ui-prmd"))
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="relearn-cpu-")
    files = files_of(a.data, a.movement)
    manifest = os.path.join(work, "manifest.csv")
    with open(manifest, "w") as f:
        f.write("path,label\n" + "".join(f"{p},{l}\n" for p, l in files))
    env = dict(os.environ, RAYON_NUM_THREADS="1")
    builds = {}
    for side, binary in (("old", a.old), ("new", a.new)):
        template = os.path.join(work, f"{side}.json")
        subprocess.run([binary, "template", "build", "--exercise", NAMES[a.movement - 1],
                        "--manifest", manifest, "--out", template, "--json"],
                       check=True, capture_output=True)
        builds[side] = [binary, "score", "--template", template, "--json"] + [p for p, _ in files]

    def cpu(side):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(builds[side], env=env, check=True, stdout=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    times = {"old": [], "new": []}
    for i in range(a.runs):
        for side in (("old", "new") if i % 2 == 0 else ("new", "old")):
            times[side].append(cpu(side))
    old, new = times["old"], times["new"]
    fewer = sum(n < o for o, n in zip(old, new))
    print(f"m{a.movement:02d}, {len(files)} files, {a.runs} alternating pairs, one thread")
    print(f"old: median {statistics.median(old) * 1000:.1f} ms CPU (least {min(old) * 1000:.1f})")
    print(f"new: median {statistics.median(new) * 1000:.1f} ms CPU (least {min(new) * 1000:.1f})")
    print(f"new/old {statistics.median(new) / statistics.median(old):.3f}; "
          f"new used less in {fewer} of {a.runs} pairs")


if __name__ == "__main__":
    main()
