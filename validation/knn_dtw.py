#!/usr/bin/env python3
"""A nearest-neighbour DTW classifier on UI-PRMD, leave one subject out: the classic baseline of
exercise assessment (a repetition takes the label of the training repetitions it is nearest
to under dynamic time warping), set beside Relearn's template and model (VALIDATION.md §4,
"A nearest-neighbour baseline").

    python3 validation/knn_dtw.py [--data ../shared/data/ui-prmd] [--k 1,5,9]

Each repetition's curves are those Relearn compares (the 22 clinical measures and the 22
joints in the body frame, % of leg length, 101 points, relative to the starting posture),
made by the Python reference pipeline of the speed benchmark (``bench/python_reference.py``:
``prepare``, ``rep_curves``, ``shift_start``), which does Relearn's steps. Channels are scaled
by their SD over the movement's 200 repetitions (no label is used). The distance between two
repetitions is the multivariate DTW distance (``dtaidistance.dtw_ndim``, C, Sakoe-Chiba band
of 10 points as Relearn's), the smaller of the distances to the other repetition and to its
mirror image (a repetition done with the other leg or arm). For each left-out subject, every
repetition gets the majority label of its k nearest repetitions of the other nine subjects.
About 1.5 minutes on 2 cores. Requirements: ``validation/requirements.txt``.
"""

import argparse
import os
import sys

import numpy as np
from dtaidistance import dtw_ndim

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "bench"))
import python_reference as pr  # noqa: E402
from uiprmd_speed import NAMES, files_of  # noqa: E402


def distances(data, m):
    """(subject per repetition, correct per repetition, DTW distance matrix) of movement m."""
    subjects, correct, curves = [], [], []
    for path, label in files_of(data, m):
        p = pr.prepare(path)
        curves.append(pr.shift_start(pr.rep_curves(p, 0, p["n"])))
        subjects.append(os.path.basename(path).split("_")[1])
        correct.append(label == "correct")
    c = np.stack(curves)
    scale = np.nanstd(c.reshape(-1, c.shape[2]), axis=0)
    scale[~(scale > 1e-9)] = 1.0
    both = np.concatenate((np.nan_to_num(c / scale), np.nan_to_num(pr.mirror(c) / scale)))
    d = dtw_ndim.distance_matrix_fast([np.ascontiguousarray(s) for s in both], window=pr.DTW_WINDOW)
    n = len(c)
    d = np.minimum(d[:n, :n], d[:n, n:])
    return np.array(subjects), np.array(correct), np.minimum(d, d.T)


def loso_accuracy(subjects, correct, d, k):
    """Accuracy of the k-nearest-neighbour vote, each subject left out in turn."""
    right = 0
    for i in range(len(correct)):
        others = np.nonzero(subjects != subjects[i])[0]
        nearest = others[np.argsort(d[i, others], kind="stable")[:k]]
        right += (2 * correct[nearest].sum() > k) == correct[i]
    return right / len(correct)


def person_share(subjects, d, k):
    """Mean share of a repetition's k nearest (other subjects only) that belong to the one
    subject most of them come from."""
    shares = []
    for i in range(len(subjects)):
        others = np.nonzero(subjects != subjects[i])[0]
        nearest = subjects[others[np.argsort(d[i, others], kind="stable")[:k]]]
        shares.append(np.unique(nearest, return_counts=True)[1].max() / k)
    return float(np.mean(shares))


def chance_share(subjects, k, draws=20000):
    """The same share when the k neighbours are drawn at random from the other subjects'
    repetitions (seeded)."""
    rng = np.random.default_rng(0)
    pool = subjects[subjects != subjects[0]]
    return float(np.mean([np.unique(rng.choice(pool, k, replace=False), return_counts=True)[1].max() / k
                          for _ in range(draws)]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data", "ui-prmd"))
    ap.add_argument("--k", default="1,5,9", help="comma-separated odd neighbour counts")
    args = ap.parse_args()
    if not os.path.isdir(os.path.join(args.data, "Segmented Movements")):
        sys.exit(f"{args.data}: not a UI-PRMD folder (no 'Segmented Movements'); give --data")
    ks = [int(x) for x in args.k.split(",")]
    if any(k % 2 == 0 for k in ks):
        sys.exit("--k: use odd counts, so that the vote has no ties")
    print("| movement | " + " | ".join(f"{k}-NN DTW" for k in ks) + " |")
    print("| --- |" + " --- |" * len(ks))
    totals = np.zeros(len(ks))
    shares, chance = np.zeros(len(ks)), np.zeros(len(ks))
    for m in range(1, 11):
        subjects, correct, d = distances(args.data, m)
        accs = [loso_accuracy(subjects, correct, d, k) for k in ks]
        shares += [person_share(subjects, d, k) for k in ks]
        chance += [chance_share(subjects, k) for k in ks]
        totals += accs
        print(f"| m{m:02d} {NAMES[m - 1]} | " + " | ".join(f"{a:.3f}" for a in accs) + " |", flush=True)
    print("| all | " + " | ".join(f"{t / 10:.3f}" for t in totals) + " |")
    print("\nShare of a repetition's k nearest that are one other subject's (mean over all "
          "repetitions of the ten movements), and the same for neighbours drawn at random:")
    for k, sh, ch in zip(ks, shares, chance):
        print(f"k = {k}: {sh / 10:.2f} (at random {ch / 10:.2f})")


if __name__ == "__main__":
    main()
