#!/usr/bin/env python3
"""Wall-clock time of the short commands a clinic runs one at a time (BENCHMARKS.md, third
session of 2026-12-07): `score` of one file, `inspect` of it and `template show`, so that the
fixed cost of a command (start-up, loading the template) is visible beside a folder's run.

    python3 bench/command_times.py TEMPLATE.json RECORDING [--relearn target/release/relearn] [--runs 30]

Prints the median and the least of RUNS runs of each command. Standard library only.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("template")
    ap.add_argument("recording")
    ap.add_argument("--relearn", default=os.path.join(REPO, "target", "release", "relearn"))
    ap.add_argument("--runs", type=int, default=30)
    a = ap.parse_args()
    commands = {
        "score (one file)": ["score", "--template", a.template, "--json", a.recording],
        "inspect": ["inspect", a.recording],
        "template show": ["template", "show", a.template],
    }
    print(f"template {a.template} ({os.path.getsize(a.template) / 1000:.0f} KB); {a.runs} runs each")
    print("| command | median (ms) | least (ms) |")
    print("| --- | --- | --- |")
    for name, args in commands.items():
        times = []
        for _ in range(a.runs):
            t0 = time.perf_counter()
            r = subprocess.run([a.relearn, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            times.append(time.perf_counter() - t0)
            if r.returncode != 0:
                sys.exit(f"{name} failed ({r.returncode}): {r.stderr.strip()[-500:]}")
        print(f"| {name} | {1e3 * statistics.median(times):.1f} | {1e3 * min(times):.1f} |")


if __name__ == "__main__":
    main()
