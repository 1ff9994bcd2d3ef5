#!/usr/bin/env python3
"""How steady each UI-PRMD subject's Kinect bone lengths are, per movement.

UI-PRMD stores every joint's position relative to its parent, so the norm of a row's joint
triple is that bone's length in that frame. If Kinect lost a limb for a whole subject (the
suspicion for s05's inline lunges, VALIDATION.md §4 "Where it fails"), that subject's bone
lengths might wander more than the others'; a tracking-quality gate could then silence the
channels of the lost joints. This script measures it: for every file, the coefficient of
variation (SD / mean over the frames) of each bone longer than 5 cm, summarised per file by
the median and the largest over the bones, then per subject by the median over the files.

    python3 validation/bone_lengths.py [--movement 3] [--data ../shared/data/ui-prmd]

Needs numpy (validation/requirements.txt).
"""
import argparse
import collections
import gzip
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
from uiprmd_speed import REPO, files_of  # noqa: E402  (the one list of UI-PRMD files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movement", type=int, default=3, help="UI-PRMD movement number (1-10)")
    parser.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data", "ui-prmd"))
    args = parser.parse_args()
    try:
        files = [path for path, _label in files_of(args.data, args.movement)]
    except FileNotFoundError as e:
        raise SystemExit(f"{e.filename}: not a UI-PRMD folder; give --data") from None
    if not files:
        raise SystemExit(f"{args.data}: no UI-PRMD files of movement {args.movement}")
    median_cv = collections.defaultdict(list)
    largest_cv = collections.defaultdict(list)
    for path in files:
        subject = re.search(r"_s(\d+)_", os.path.basename(path)).group(1)
        with gzip.open(path, "rt") as f:
            rows = np.loadtxt(f, delimiter=",", ndmin=2)
        joints = rows.shape[1] // 3
        lengths = np.linalg.norm(rows.reshape(len(rows), joints, 3), axis=2)[:, 1:]  # row 0 is the root
        mean = lengths.mean(axis=0)
        bones = mean > 5.0  # cm; the zero-length and near-zero rows say nothing about tracking
        cv = lengths[:, bones].std(axis=0) / mean[bones]
        median_cv[subject].append(float(np.median(cv)))
        largest_cv[subject].append(float(cv.max()))
    print(f"| subject (m{args.movement:02d}) | files | median CV over bones | largest CV over bones |")
    print("| --- | --- | --- | --- |")
    for subject in sorted(median_cv):
        print(f"| s{subject} | {len(median_cv[subject])} | {np.median(median_cv[subject]):.3f} | "
              f"{np.median(largest_cv[subject]):.3f} |")


if __name__ == "__main__":
    main()
