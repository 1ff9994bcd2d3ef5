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
import json
import os
import subprocess
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
from uiprmd_split import TEST, TRAIN, files


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--relearn", default=os.path.join(REPO, "target", "release", "relearn"))
    ap.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data", "ui-prmd"))
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="relearn-resemblance-")
    movements = range(1, 11)
    templates = {}
    for a in movements:
        manifest = os.path.join(work, f"m{a:02d}.csv")
        with open(manifest, "w") as f:
            f.write("path,label\n")
            f.writelines(f'"{p}",{lab}\n' for p, lab in files(args.data, a, TRAIN))
        templates[a] = os.path.join(work, f"m{a:02d}.json")
        subprocess.run([args.relearn, "template", "build", "--exercise", f"m{a:02d}", "--manifest",
                        manifest, "--out", templates[a], "--json"], check=True, capture_output=True)
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
            r = subprocess.run([args.relearn, "score", "--template", templates[a], "--json",
                                *[p for p, _ in test]], check=True, capture_output=True, text=True)
            flagged = total = 0
            for line in r.stdout.splitlines():
                d = json.loads(line)
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
