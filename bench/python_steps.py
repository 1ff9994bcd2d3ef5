#!/usr/bin/env python3
"""Per-step timings of the Python reference pipeline on one UI-PRMD file, to set beside the
criterion numbers of ``crates/relearn-motion/benches/scoring.rs`` (group ``uiprmd``):

    python3 bench/python_reference.py template --exercise "deep squat" --manifest m01.csv --out T.json
    python3 bench/python_steps.py T.json [FILE]

FILE defaults to ``m01_s01_e01_positions.txt.gz`` of ``$UIPRMD`` (default
``../shared/data/ui-prmd``). Each step is timed with ``timeit`` (best of 5 repeats of a
loop sized to about 0.5 s, reported per call), the same steps as the criterion benchmarks:
``read`` (gunzip + parse both files + absolute positions), ``spikes`` (the
tracking-spike step alone), ``gaps`` (filling the gaps the spikes leave, alone), ``prepare`` (steps 3-6 and 14 of
``python_reference.py`` on the read positions: swaps, spikes, gaps, filter, measures), ``score_rep_core`` (curves + DTW + z +
features + logistic model), ``read_prepare_core`` (read + prepare + score_rep_core of one file; without the rules and messages that ``score`` adds).
"""

import os
import sys
import timeit

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import python_reference as pr  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def per_call(fn):
    timer = timeit.Timer(fn)
    n, _ = timer.autorange()
    n = max(1, int(n * 0.25))  # autorange aims at 0.2 s; about 0.5 s per repeat
    return min(timer.repeat(repeat=5, number=n)) / n


def main():
    tpath = sys.argv[1]
    data = os.environ.get("UIPRMD", os.path.join(REPO, "..", "shared", "data", "ui-prmd"))
    path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        data, "Segmented Movements/Kinect/Positions/m01_s01_e01_positions.txt.gz")
    _, ref, model = pr.load_template(tpath)
    p = pr.prepare(path)
    n = p["n"]

    def prepare_only():
        return pr.prepare_positions(pos_raw.copy(), path)

    def core():
        cmp = pr.compare(ref, pr.rep_curves(p, 0, n), n / pr.RATE_HZ)
        return pr.probability(model, cmp["features"])

    def end_to_end():
        q = pr.prepare(path)
        cmp = pr.compare(ref, pr.rep_curves(q, 0, q["n"]), q["n"] / pr.RATE_HZ)
        return pr.probability(model, cmp["features"])

    pos_raw = pr.read_uiprmd(path)
    print(f"file {path} ({n} frames); template {tpath}")
    print("| step (Python reference) | time per call |")
    print("| --- | --- |")
    swapped = pr.repair_swaps(pos_raw.copy())
    flat = pr.remove_spikes(swapped).reshape(n, pr.NJ * 3)
    for name, fn in (("read", lambda: pr.read_uiprmd(path)),
                     ("spikes", lambda: pr.remove_spikes(swapped)),
                     ("gaps", lambda: pr.fill_gaps(flat.copy())), ("prepare", prepare_only),
                     ("score_rep_core", core), ("read_prepare_core", end_to_end)):
        print(f"| `python/{name}` | {per_call(fn) * 1e6:.0f} µs |")


if __name__ == "__main__":
    main()
