#!/usr/bin/env python3
"""CPU time of two versions of the Python reference pipeline, alternated.

    git show <commit>:bench/python_reference.py > /tmp/old_reference.py
    python3 bench/reference_alternate.py /tmp/old_reference.py [NEW] [--movements 1,3,6,9] [--pairs 6]

For each movement, ``--pairs`` times, each version (``NEW`` defaults to this checkout's
``bench/python_reference.py``) builds a template from the movement's 200 UI-PRMD files and
scores the same files (one process per command, one thread, as in ``uiprmd_speed.py``), the
order within a pair alternating. The CPU time (user + system) of each job comes from the
children's resource usage. Prints, per movement, both medians, their ratio and in how many
pairs the earlier version used more: what a change to the reference costs, measured against
the same machine load (BENCHMARKS.md, fourth session of 2026-12-07).
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from uiprmd_speed import NAMES, REPO, SINGLE, files_of  # noqa: E402


def cpu_of(cmd, env):
    """CPU seconds of one command run to completion (its output discarded)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old")
    ap.add_argument("new", nargs="?", default=os.path.join(REPO, "bench", "python_reference.py"))
    ap.add_argument("--movements", default="1,3,6,9")
    ap.add_argument("--pairs", type=int, default=6)
    ap.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data", "ui-prmd"))
    a = ap.parse_args()
    if not os.path.isdir(os.path.join(a.data, "Segmented Movements")):
        sys.exit(f"{a.data}: not a UI-PRMD folder (no 'Segmented Movements'); give --data")
    for script in (a.old, a.new):
        if not os.path.isfile(script):
            sys.exit(f"{script}: no such Python reference script")
    env = dict(os.environ, **SINGLE)
    work = tempfile.mkdtemp(prefix="relearn-refalt-")
    for m in map(int, a.movements.split(",")):
        entries = files_of(a.data, m)
        manifest = os.path.join(work, f"m{m:02d}.csv")
        with open(manifest, "w") as f:
            f.write("path,label\n")
            f.writelines(f"{p},{lab}\n" for p, lab in entries)
        cpu = {"old": [], "new": []}
        for i in range(a.pairs):
            for side in (("old", "new") if i % 2 == 0 else ("new", "old")):
                script = a.old if side == "old" else a.new
                template = os.path.join(work, f"{side}.json")
                t = cpu_of(["python3", script, "template", "--exercise", NAMES[m - 1],
                            "--manifest", manifest, "--out", template], env)
                t += cpu_of(["python3", script, "score", "--template", template, "--json"]
                            + [p for p, _ in entries], env)
                cpu[side].append(t)
        old, new = statistics.median(cpu["old"]), statistics.median(cpu["new"])
        more = sum(o > n for o, n in zip(cpu["old"], cpu["new"]))
        print(f"m{m:02d}: earlier {old:.2f} s CPU, new {new:.2f} s CPU, new / earlier {new / old:.3f}; "
              f"the earlier used more in {more} of {a.pairs} pairs", flush=True)


if __name__ == "__main__":
    main()
