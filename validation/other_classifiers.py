#!/usr/bin/env python3
"""Is the linear model what stops the accuracy? Relearn's features given to non-linear
classifiers, UI-PRMD, leave one subject out (VALIDATION.md §4, "Other classifiers on the same
features").

    python3 validation/other_classifiers.py [--data ../shared/data/ui-prmd] [--only rf,svm]

For each movement and each left-out subject, the template's reference and fault direction are
built from the other nine subjects' repetitions by the Python reference pipeline of the speed
benchmark (``bench/python_reference.py``: ``prepare``, ``rep_curves``, ``build_reference``,
``compare``), which does Relearn's steps; each repetition's 355 features (per-channel RMS and
mean z, fault projections, range-of-motion z, distance, duration ratio) are then given to:

- ``logistic``: Relearn's model (L2 100, classes weighted equally; ``fit_logistic``);
- ``random-forest``, ``extra-trees``: 500 trees, leaves of at least 3, classes weighted
  equally (Breiman 2001; Geurts et al. 2006);
- ``gradient-boosting``: histogram gradient boosting, depth 3, rate 0.05, 300 rounds
  (Friedman 2001);
- ``svm-rbf``: a support vector machine with a Gaussian kernel, C 1, gamma "scale"
  (Cortes & Vapnik 1995),

each fitted on the nine training subjects' standardised features and judged on the left-out
subject's twenty repetitions. Neither noise matching nor the fault rules are applied, so the
``logistic`` row is comparable with ``relearn eval uiprmd DIR --rules-decide false
--noise-match false``. Each repetition is one UI-PRMD file (the whole file is the repetition,
as in ``validation/knn_dtw.py``). The classifiers' settings are library defaults or common
choices, not tuned on these results. About 4 minutes on 2 cores. Requirements:
``validation/requirements.txt``.

``--extra`` adds features of another kind to every classifier's (VALIDATION.md §4, "Other
features"):

- ``smoothness``: per joint, the log dimensionless jerk of its path over the repetition
  (Hogan & Sternad 2009; Balasubramanian et al. 2015): incorrect executions might be jerkier;
- ``timing``: the shape of the DTW warping path onto the reference, the repetition's time
  (fraction) at which it reaches each tenth of the reference's movement, minus that tenth:
  incorrect executions might spend their time differently through the movement;
- ``proportions``: each angle's range of motion as a share of the repetition's movement (the
  log of its excursion plus 1 degree, minus the mean of that log over the angle channels):
  a person who moves everything more or less than others keeps the same proportions, so an
  incorrect execution that changes how the joints share the movement (a squat that bends
  the hips but not the knees) might be read whoever performs it;
- ``proportions-only``: those proportions with the DTW distance and the duration ratio, in
  place of the 355 features.
"""

import argparse
import os
import sys
import warnings

import numpy as np
from dtaidistance import dtw_ndim
from sklearn.ensemble import ExtraTreesClassifier, HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.svm import SVC

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "bench"))
import python_reference as pr  # noqa: E402
from uiprmd_speed import NAMES, files_of  # noqa: E402

CLASSIFIERS = {
    "logistic": None,
    "random-forest": lambda: RandomForestClassifier(500, min_samples_leaf=3, class_weight="balanced",
                                                    n_jobs=2, random_state=0),
    "extra-trees": lambda: ExtraTreesClassifier(500, min_samples_leaf=3, class_weight="balanced",
                                                n_jobs=2, random_state=0),
    "gradient-boosting": lambda: HistGradientBoostingClassifier(max_depth=3, learning_rate=0.05, max_iter=300,
                                                                random_state=0),
    "svm-rbf": lambda: SVC(C=1.0, gamma="scale"),
}


def log_dimensionless_jerk(p):
    """Per joint, the log dimensionless jerk of its path over the whole file: -ln(T^3 / v_peak^2
    * integral of |jerk|^2), T the duration, v_peak the joint's peak speed (Hogan & Sternad
    2009, in the form of Balasubramanian et al. 2015); higher is smoother."""
    dt = 1.0 / pr.RATE_HZ
    v = np.gradient(p["pos"], dt, axis=0)
    jerk = np.gradient(np.gradient(v, dt, axis=0), dt, axis=0)
    duration = p["n"] * dt
    peak = np.nanmax(np.linalg.norm(v, axis=2), axis=0)
    integral = np.nansum((jerk ** 2).sum(axis=2), axis=0) * dt
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.log(duration ** 3 / np.maximum(peak, 1e-9) ** 2 * integral)


def warp_timing(ref, curves):
    """The repetition's time (fraction, 0-1) at which its DTW path onto the reference reaches
    each tenth of the reference, minus that tenth (the repetition brought to the reference's
    side as ``compare`` does)."""
    rep = pr.shift_start(curves)
    image = pr.mirror(rep)
    if pr.sq_dist(ref["mean_scaled"], image / ref["scale"]) * pr.MIRROR_CLOSER < \
            pr.sq_dist(ref["mean_scaled"], rep / ref["scale"]):
        rep = image
    path = np.asarray(dtw_ndim.warping_path(ref["mean_scaled"], np.nan_to_num(rep / ref["scale"]),
                                            use_c=True, window=pr.DTW_WINDOW))
    i, j = path[:, 0], path[:, 1]
    last = len(ref["mean_scaled"]) - 1
    return np.array([j[i == round(q * last)].mean() / last - q for q in np.arange(1, 10) / 10])


def proportions(aligned):
    """Each angle's range of motion as a share of the repetition's movement: the log of the
    channel's excursion (plus 1 degree) minus the mean of that log over the angle channels,
    so that a person who moves everything more or less than others does not shift it."""
    deg = [i for i, u in enumerate(pr.CHANNEL_UNITS) if u == "deg"]
    exc = np.nan_to_num(pr.excursions(aligned[:, deg]))
    lg = np.log(exc + 1.0)
    return lg - lg.mean()


def folds(data, m, extra=None):
    """Per left-out subject: (training rows, test rows, features of all 200 repetitions measured
    against the template of the training rows, with the `extra` features), and the labels
    (True = correct)."""
    subjects, correct, curves, durations, smooth = [], [], [], [], []
    for path, label in files_of(data, m):
        p = pr.prepare(path)
        if extra == "smoothness":
            smooth.append(log_dimensionless_jerk(p))
        curves.append(pr.rep_curves(p, 0, p["n"]))
        durations.append(p["n"] / pr.RATE_HZ)
        subjects.append(os.path.basename(path).split("_")[1])
        correct.append(label == "correct")
    subjects, correct, durations = np.array(subjects), np.array(correct), np.array(durations)
    out = []
    for s in sorted(set(subjects)):
        train, test = np.nonzero(subjects != s)[0], np.nonzero(subjects == s)[0]
        ok = [i for i in train if correct[i]]
        ref = pr.build_reference([curves[i] for i in ok], durations[ok])
        wrong = [i for i in train if not correct[i]]
        ref["fault"] = np.nanmean(np.stack([pr.compare(ref, curves[i], durations[i])["z"] for i in wrong]), axis=0)
        compared = [pr.compare(ref, c, d) for c, d in zip(curves, durations)]
        x = np.stack([c["features"] for c in compared])
        if extra == "proportions":
            x = np.hstack([x, np.stack([proportions(c["aligned"]) for c in compared])])
        elif extra == "proportions-only":
            x = np.stack([np.concatenate((c["features"][-2:], proportions(c["aligned"]))) for c in compared])
        if extra == "smoothness":
            x = np.hstack([x, np.stack(smooth)])
        elif extra == "timing":
            x = np.hstack([x, np.stack([warp_timing(ref, c) for c in curves])])
        out.append((train, test, x))
    return out, correct


def standardised(train, test):
    """Both sets standardised by the training set's mean and SD; missing values become 0."""
    mu = np.nanmean(train, axis=0)
    sd = np.nanstd(train, axis=0, ddof=1)
    sd = np.where(sd > 1e-9, sd, 1.0)
    return [np.where(np.isfinite(x), (x - mu) / sd, 0.0) for x in (train, test)]


def predict(name, x_train, y_train, x_test):
    """The left-out repetitions' verdicts (True = correct) from classifier `name`."""
    if name == "logistic":
        model = pr.fit_logistic(x_train, y_train)
        return np.array([pr.probability(model, f) >= 0.5 for f in x_test])
    a, b = standardised(x_train, x_test)
    clf = CLASSIFIERS[name]()
    clf.fit(a, y_train)
    return clf.predict(b).astype(bool)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data", "ui-prmd"))
    ap.add_argument("--only", help="comma-separated classifiers: " + ", ".join(CLASSIFIERS))
    ap.add_argument("--extra", choices=["smoothness", "timing", "proportions", "proportions-only"],
                    help="add features of another kind (module documentation)")
    args = ap.parse_args()
    if not os.path.isdir(os.path.join(args.data, "Segmented Movements")):
        sys.exit(f"{args.data}: not a UI-PRMD folder (no 'Segmented Movements'); give --data")
    names = args.only.split(",") if args.only else list(CLASSIFIERS)
    unknown = [n for n in names if n not in CLASSIFIERS]
    if unknown:
        sys.exit(f"--only: unknown classifier(s) {unknown}; choose from {list(CLASSIFIERS)}")
    warnings.filterwarnings("ignore", category=RuntimeWarning)
    print("| movement | " + " | ".join(names) + " |")
    print("| --- |" + " --- |" * len(names))
    totals = np.zeros(len(names))
    for m in range(1, 11):
        fs, correct = folds(args.data, m, args.extra)
        accs = []
        for name in names:
            right = sum(int((predict(name, x[tr], correct[tr], x[te]) == correct[te]).sum()) for tr, te, x in fs)
            accs.append(right / len(correct))
        totals += accs
        print(f"| m{m:02d} {NAMES[m - 1]} | " + " | ".join(f"{a:.3f}" for a in accs) + " |", flush=True)
    print("| all | " + " | ".join(f"{t / 10:.3f}" for t in totals) + " |")


if __name__ == "__main__":
    main()
