#!/usr/bin/env python3
"""Checks that the Python reference's tracking-spike step finds the same samples as Relearn's.

    python3 bench/reference_spikes.py [--pattern 'm*_s0[1-9]_e0[1-3]_*']

For each UI-PRMD file matching the pattern (correct and incorrect folders), the spikes that
``relearn inspect --json`` lists (``tracking_spikes``: joint and frames) are compared with the
samples that ``python_reference.remove_spikes`` marks missing (after the same reading and
left-right swap repair). Prints the counts on each side and in both; exits non-zero when they
differ. Environment: ``RELEARN`` (binary, default ``target/release/relearn``), ``UIPRMD``
(data folder, default ``../shared/data/ui-prmd``).
"""

import argparse
import glob
import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import python_reference as pr  # noqa: E402
from uiprmd_speed import REPO  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pattern", default="m*_s0[1-9]_e0[1-3]_*")
    args = ap.parse_args()
    relearn = os.environ.get("RELEARN", os.path.join(REPO, "target/release/relearn"))
    data = os.environ.get("UIPRMD", os.path.join(REPO, "..", "shared", "data", "ui-prmd"))
    files = sorted(glob.glob(os.path.join(data, "*Segmented Movements", "Kinect", "Positions",
                                          args.pattern + ".txt*")))
    if not files:
        sys.exit(f"{data}: no UI-PRMD Positions file matches {args.pattern!r} (set UIPRMD)")
    names = [j[0] for j in pr.JOINTS]
    ours = theirs = both = 0
    for f in files:
        out = subprocess.run([relearn, "inspect", "--json", f], capture_output=True, text=True,
                             check=True).stdout
        r = {(s["joint"], fr) for s in json.loads(out)["tracking_spikes"] for fr in s["frames"]}
        pos = pr.remove_spikes(pr.repair_swaps(pr.read_uiprmd(f)))
        frames, joints = np.nonzero(np.isnan(pos).any(axis=-1))
        p = {(names[j], int(fr)) for fr, j in zip(frames, joints)}
        ours, theirs, both = ours + len(r), theirs + len(p), both + len(r & p)
    print(f"{len(files)} files: Relearn {ours} spikes, Python reference {theirs}, in both {both}")
    if not ours == theirs == both:
        sys.exit(1)


if __name__ == "__main__":
    main()
