#!/usr/bin/env python3
"""How much does a Relearn score vary when the same person repeats the same movement?

Reads the held-out scores stored by `relearn eval uiprmd --out validation/uiprmd_loso.json`
(every repetition scored by a template that never saw its subject) and, per movement and kind
of repetition (correct, incorrect), computes:

- SEM, the standard error of measurement: the square root of the mean within-subject variance
  of the scores (each subject's ten repetitions of one kind, one session);
- MDC95 = 1.96 x sqrt(2) x SEM, the smallest change between two scores of one person that
  exceeds this variation with 95 % confidence (clinical-spec.md, definitions at the top);
- the MDC95 of the mean score of a set of ten repetitions (SEM / sqrt(10) in place of SEM),
  for comparing two sessions' sets rather than two single repetitions;
- the between-subject SD of the subjects' mean scores, and the ICC(1,1) of single scores
  (one-way random effects, Shrout & Fleiss 1979), which say how much of the spread is the
  person rather than the repetition.

The ten repetitions of a kind were recorded in one session, so this is a same-day
repeatability that includes the person's own repetition-to-repetition variation; between
sessions (another day, the camera placed again) the variation can only be larger.

    python3 validation/score_repeatability.py [--json validation/uiprmd_loso.json]

Standard library only.
"""
import argparse
import json
import math
import os
import statistics

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def summary(groups):
    """SEM, MDC95, between-subject SD of means and ICC(1,1) of subjects' score groups."""
    groups = [g for g in groups if len(g) >= 2]
    k = statistics.mean(len(g) for g in groups)
    within = statistics.mean(statistics.variance(g) for g in groups)
    means = [statistics.mean(g) for g in groups]
    between_sd = statistics.stdev(means)
    # One-way ANOVA mean squares for ICC(1,1) (Shrout & Fleiss 1979, case 1).
    msb = k * statistics.variance(means)
    icc = (msb - within) / (msb + (k - 1) * within)
    sem = math.sqrt(within)
    return sem, 1.96 * math.sqrt(2) * sem, between_sd, icc


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", default=os.path.join(REPO, "validation", "uiprmd_loso.json"))
    args = ap.parse_args()
    with open(args.json) as f:
        doc = json.load(f)
    print("| movement | correct: SEM | MDC95 | MDC95 of a 10-rep mean | between-subject SD | ICC(1,1) "
          "| incorrect: SEM | MDC95 | MDC95 of a 10-rep mean | between-subject SD | ICC(1,1) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for m in doc["movements"]:
        row = [f"m{m['movement']:02d} {m['name']}"]
        for kind in (True, False):
            groups = [[s["score"] for s in fold["scores"] if s["correct"] == kind] for fold in m["folds"]]
            sem, mdc, between, icc = summary(groups)
            row += [f"{sem:.1f}", f"{mdc:.1f}", f"{mdc / math.sqrt(10):.1f}", f"{between:.1f}", f"{icc:.2f}"]
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
