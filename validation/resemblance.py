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

A clinic's template is smaller: the clinician demonstrates a few repetitions. With
``--examples N`` each of the subjects s01-s05 in turn is the demonstrator, and the template
is built from that one person's first N correct files (and first N incorrect ones, unless
``--correct-only``); a cell then adds up the five demonstrators' templates.

    python3 validation/resemblance.py --examples 5 [--correct-only]

Standard library only; about 10 s (about a minute with ``--examples``).
"""
import argparse
import tempfile

from uiprmd_split import TEST, TRAIN, add_common_arguments, build_template, files, score


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(ap)
    ap.add_argument("--examples", type=int, default=0,
                    help="one demonstrator's first N files of each kind per template (0: all of s01-s05)")
    ap.add_argument("--correct-only", action="store_true",
                    help="with --examples: the demonstrator's correct files only")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="relearn-resemblance-")
    movements = range(1, 11)
    templates = {}
    for a in movements:
        if args.examples:
            templates[a] = []
            for s in TRAIN:
                mine = files(args.data, a, [s])
                chosen = [e for e in mine if e[1] == "correct"][:args.examples]
                if not args.correct_only:
                    chosen += [e for e in mine if e[1] == "incorrect"][:args.examples]
                templates[a].append(build_template(args.relearn, work, f"m{a:02d}_{s}", chosen))
        else:
            templates[a] = [build_template(args.relearn, work, f"m{a:02d}", files(args.data, a, TRAIN))]
    header = "| template \\ files | " + " | ".join(f"m{b:02d}" for b in movements) + " |"
    print(header)
    print("|" + " --- |" * (len(movements) + 1))
    diagonal = {"correct": [0, 0], "incorrect": [0, 0]}
    noisier = [0, 0]  # correct files of the right exercise warned noisier_than_template
    off = [0, 0]
    for a in movements:
        cells = []
        for b in movements:
            test = files(args.data, b, TEST)
            label_of = {p: lab for p, lab in test}
            lines = [d for t in templates[a] for d in score(args.relearn, t, [p for p, _ in test])]
            flagged = total = 0
            for d in lines:
                if a == b and label_of[d["path"]] == "correct":
                    noisier[0] += any("noisier than the ones" in w for w in d.get("warnings", []))
                    noisier[1] += 1
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
    print(f"right exercise, correct files warned noisier_than_template: {noisier[0]}/{noisier[1]} "
          f"({100 * noisier[0] / noisier[1]:.1f} %)")


if __name__ == "__main__":
    main()
