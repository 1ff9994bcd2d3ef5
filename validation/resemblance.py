#!/usr/bin/env python3
"""Does Relearn notice a recording scored against the wrong exercise's template?

For each UI-PRMD movement A, a template is built from subjects s01-s05 (correct and incorrect
files). Every file of subjects s06-s10 of every movement B (100 files per movement) is then
scored against it, and the share of repetitions flagged `unlike_exercise` (farther from the
demonstration than Tukey's far-out fence of the template's own examples,
`crates/relearn-motion/src/resemblance.rs`) is reported:

- on the diagonal (B = A: the right exercise, people the template never saw) it is the false
  alarm rate, split into correct and incorrect repetitions;
- off the diagonal (B != A) it is the rate at which the wrong exercise is noticed.

    python3 validation/resemblance.py [--relearn target/release/relearn] [--data ../shared/data/ui-prmd]

Standard library only; about a minute.
"""
import argparse
import tempfile

from uiprmd_split import TEST, TRAIN, add_common_arguments, build_template, files, score


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(ap)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="relearn-resemblance-")
    movements = range(1, 11)
    templates = {}
    for a in movements:
        templates[a] = build_template(args.relearn, work, f"m{a:02d}", files(args.data, a, TRAIN))
    header = "| template \\ files | " + " | ".join(f"m{b:02d}" for b in movements) + " |"
    print(header)
    print("|" + " --- |" * (len(movements) + 1))
    diagonal = {"correct": [0, 0], "incorrect": [0, 0]}
    off = [0, 0]
    for a in movements:
        cells = []
        for b in movements:
            test = files(args.data, b, TEST)
            label_of = {p: lab for p, lab in test}
            lines = score(args.relearn, templates[a], [p for p, _ in test])
            flagged = total = 0
            for d in lines:
                for rep in d.get("reps", []):
                    total += 1
                    unlike = bool(rep.get("unlike_exercise"))
                    flagged += unlike
                    if a == b:
                        diagonal[label_of[d["path"]]][0] += unlike
                        diagonal[label_of[d["path"]]][1] += 1
            if a != b:
                off[0] += flagged
                off[1] += total
            cells.append(f"{flagged}/{total}")
        print(f"| m{a:02d} | " + " | ".join(cells) + " |", flush=True)
    c, i = diagonal["correct"], diagonal["incorrect"]
    print(f"\nright exercise, flagged: correct {c[0]}/{c[1]} ({100 * c[0] / c[1]:.1f} %), "
          f"incorrect {i[0]}/{i[1]} ({100 * i[0] / i[1]:.1f} %)")
    print(f"wrong exercise, flagged: {off[0]}/{off[1]} ({100 * off[0] / off[1]:.1f} %)")


if __name__ == "__main__":
    main()
