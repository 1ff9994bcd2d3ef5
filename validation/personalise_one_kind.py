#!/usr/bin/env python3
"""Why `relearn template personalise` asks for labelled repetitions of both kinds.

A what-if on the left-out scores stored by `relearn eval uiprmd --out validation/uiprmd_loso.json`
(VALIDATION.md §4): for every left-out subject, K repetitions are drawn at random (seeded; 40
draws per subject) as if a clinician had labelled them, the personal shift of
`crates/relearn-motion/src/personalise.rs` is fitted (MAP, N(0, 2.5^2) prior on the shift of
the log-odds) and the subject's other repetitions are judged with it. Two ways of labelling:
K correct and K incorrect, or K correct only. Approximation: the stored scores are the final
ones (a repetition that broke a deciding rule is stored at 49), where Relearn fits on the
verdict model's own probability.

    python3 validation/personalise_one_kind.py [--k 2] [--json validation/uiprmd_loso.json]
"""
import argparse
import json
import math
import random
import statistics


def log_odds(score):
    p = min(max(score / 100.0, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def sigmoid(x):
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


def personal_offset(labelled, prior_sd):
    """The root of the falling gradient sum(y - sigmoid(z + b)) - b / prior_sd^2, by Newton's
    method safeguarded by bisection, as in Rust (`personal_offset`)."""
    def grad_curv(b):
        g, h = -b / prior_sd**2, -1 / prior_sd**2
        for z, correct in labelled:
            p = sigmoid(z + b)
            g += (1.0 if correct else 0.0) - p
            h -= p * (1 - p)
        return g, h
    reach = max(len(labelled) * prior_sd**2, 1.0)
    lo, hi, b = -reach, reach, 0.0
    before_last = last = 2 * reach
    for _ in range(200):
        g, h = grad_curv(b)
        if g == 0:
            return b
        if g > 0:
            lo = b
        else:
            hi = b
        newton = b - g / h
        nxt = newton if lo < newton < hi and abs(newton - b) < 0.5 * before_last else 0.5 * (lo + hi)
        before_last, last = last, abs(nxt - b)
        if abs(nxt - b) < 1e-12 * (1 + abs(b)) or hi - lo < 1e-12:
            return nxt
        b = nxt
    return b


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--k", type=int, default=2)
    ap.add_argument("--prior-sd", type=float, default=2.5)
    ap.add_argument("--json", default="validation/uiprmd_loso.json")
    args = ap.parse_args()
    doc = json.load(open(args.json))
    rng = random.Random(0)
    print(f"K = {args.k}; mean accuracy on the repetitions not labelled (40 draws per subject)\n")
    print("| movement | not personalised | both kinds labelled | correct ones only |")
    print("| --- | --- | --- | --- |")
    totals = {"none": [], "both": [], "correct": []}
    for m in doc["movements"]:
        acc = {"none": [], "both": [], "correct": []}
        for fold in m["folds"]:
            reps = [(log_odds(s["score"]), s["correct"]) for s in fold["scores"] if s["score"] is not None]
            pos = [i for i, r in enumerate(reps) if r[1]]
            neg = [i for i, r in enumerate(reps) if not r[1]]
            for _ in range(40):
                chosen_pos = rng.sample(pos, args.k)
                chosen_neg = rng.sample(neg, args.k)
                # Every way is judged on the same repetitions: those not labelled in "both".
                rest = [r for i, r in enumerate(reps) if i not in chosen_pos + chosen_neg]
                for mode, labelled in (("both", chosen_pos + chosen_neg), ("correct", chosen_pos)):
                    b = personal_offset([reps[i] for i in labelled], args.prior_sd)
                    acc[mode].append(sum(((z + b) >= 0) == y for z, y in rest) / len(rest))
                acc["none"].append(sum((z >= 0) == y for z, y in rest) / len(rest))
        for mode in acc:
            totals[mode].append(statistics.mean(acc[mode]))
        print(f"| m{m['movement']:02d} {m['name']} | {statistics.mean(acc['none']):.3f} | "
              f"{statistics.mean(acc['both']):.3f} | {statistics.mean(acc['correct']):.3f} |")
    print(f"| all (mean of movements) | {statistics.mean(totals['none']):.3f} | "
          f"{statistics.mean(totals['both']):.3f} | {statistics.mean(totals['correct']):.3f} |")


if __name__ == "__main__":
    main()
