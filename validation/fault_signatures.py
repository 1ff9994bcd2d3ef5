#!/usr/bin/env python3
"""How each UI-PRMD subject performs the labelled fault of a movement: per subject, the median
over the subject's ten correct and ten incorrect repetitions of each clinical measure's peak,
and whether the subject's difference (incorrect minus correct) goes the way most subjects'
does (VALIDATION.md §4, "Where it fails").

    python3 validation/fault_signatures.py --movement 3 [--data ../shared/data/ui-prmd]

The measures are Relearn's, computed by the Python reference pipeline of the speed benchmark
(``bench/python_reference.py``, which does Relearn's steps): squat depth (% of leg length),
trunk flexion, knee and hip flexion (degrees), the largest trunk lateral lean in either
direction (degrees), and the repetition's duration (s). A subject whose difference is against
the majority (marked ``!``) shows the fault, if at all, in a way the other nine do not, and a
template built from the other nine cannot be expected to read it. Standard numerical stack
only (``validation/requirements.txt``), about 5 s per movement.
"""

import argparse
import os
import sys

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "bench"))
import python_reference as pr  # noqa: E402
from uiprmd_speed import NAMES, files_of  # noqa: E402

PEAKS = ["squat_depth", "trunk_flexion", "left_knee_flexion", "right_knee_flexion",
         "left_hip_flexion", "right_hip_flexion"]


def repetition_values(p):
    """The peaks of PEAKS, the largest |trunk lateral lean| and the duration of one file."""
    m = p["measures"]
    with np.errstate(all="ignore"):
        peaks = [np.nanmax(m[:, pr.MEASURE_INDEX[k]]) for k in PEAKS]
        lean = np.nanmax(np.abs(m[:, pr.MEASURE_INDEX["trunk_lateral_lean"]]))
    return peaks + [lean, p["n"] / pr.RATE_HZ]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--movement", type=int, required=True, help="1-10")
    ap.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data", "ui-prmd"))
    args = ap.parse_args()
    if not os.path.isdir(os.path.join(args.data, "Segmented Movements")):
        sys.exit(f"{args.data}: not a UI-PRMD folder (no 'Segmented Movements'); give --data")
    names = PEAKS + ["trunk_lateral_lean (largest |value|)", "duration_s"]
    values = {}
    for path, label in files_of(args.data, args.movement):
        subject = os.path.basename(path).split("_")[1]
        values.setdefault(subject, {}).setdefault(label, []).append(repetition_values(pr.prepare(path)))
    subjects = sorted(values)
    correct = np.array([np.nanmedian(values[s]["correct"], axis=0) for s in subjects])
    incorrect = np.array([np.nanmedian(values[s]["incorrect"], axis=0) for s in subjects])
    diff = incorrect - correct
    majority = np.sign(np.nansum(np.sign(diff), axis=0))
    print(f"### m{args.movement:02d} {NAMES[args.movement - 1]}: median peak, correct / incorrect "
          f"(`!` = difference against most subjects')\n")
    print("| subject | " + " | ".join(names) + " |")
    print("| --- |" + " --- |" * len(names))
    for i, s in enumerate(subjects):
        cells = []
        for k in range(len(names)):
            against = majority[k] != 0 and np.sign(diff[i, k]) == -majority[k]
            cells.append(f"{correct[i, k]:.0f} / {incorrect[i, k]:.0f}{' !' if against else ''}"
                         if k < len(names) - 1 else
                         f"{correct[i, k]:.1f} / {incorrect[i, k]:.1f}{' !' if against else ''}")
        print(f"| {s} | " + " | ".join(cells) + " |")
    cells = []
    for k in range(len(names)):
        up, down = int(np.sum(diff[:, k] > 0)), int(np.sum(diff[:, k] < 0))
        cells.append(f"no majority ({up} up, {down} down)" if majority[k] == 0
                     else f"{max(up, down)} of {len(subjects)} {'up' if majority[k] > 0 else 'down'}")
    print("| incorrect against correct | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
