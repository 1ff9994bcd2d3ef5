#!/usr/bin/env python3
"""Which fault rules decide UI-PRMD verdicts under leave-one-subject-out, through the CLI.

    python3 validation/loso_rules.py [--relearn target/release/relearn] [--data ../shared/data/ui-prmd]

For each movement and each subject, builds a template with ``relearn template build`` from the
other nine subjects' correct and incorrect files (the manifest of ``bench/uiprmd_speed.py``),
scores the left-out subject's 20 files with ``relearn score --json`` and reads which rules each
repetition broke. Prints, per movement, the correct and incorrect repetitions whose score a
deciding rule capped at 49 (``RULE_BROKEN_MAX_PROBABILITY``) and the rules that did it, then
the overall accuracy, which equals ``relearn eval uiprmd``'s (same folds, same code paths).
VALIDATION.md §4, "Fault rules that do not apply". About 30 s on 2 cores.
"""

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
from uiprmd_speed import NAMES, REPO, files_of  # noqa: E402

CAP = 49.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--relearn", default=os.path.join(REPO, "target/release/relearn"))
    ap.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data", "ui-prmd"))
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="relearn-loso-rules-")
    right = total = 0
    for m in range(1, 11):
        files = files_of(a.data, m)
        capped = collections.Counter()
        for s in range(1, 11):
            tag = f"_s{s:02d}_"
            test = [(p, l) for p, l in files if tag in os.path.basename(p)]
            train = [(p, l) for p, l in files if tag not in os.path.basename(p)]
            if not test:
                continue
            manifest = os.path.join(work, "manifest.csv")
            with open(manifest, "w") as f:
                f.write("path,label\n" + "".join(f"{p},{l}\n" for p, l in train))
            template = os.path.join(work, "template.json")
            subprocess.run([a.relearn, "template", "build", "--exercise", NAMES[m - 1],
                            "--manifest", manifest, "--out", template, "--json"],
                           check=True, capture_output=True)
            labels = dict(test)
            out = subprocess.run([a.relearn, "score", "--template", template, "--json"]
                                 + [p for p, _ in test], check=True, capture_output=True,
                                 text=True).stdout
            for line in out.splitlines():
                r = json.loads(line)
                reps = r["reps"]
                if not reps:
                    continue
                mean = sum(x["score"] for x in reps) / len(reps)
                label = labels[r["path"]]
                total += 1
                right += (mean >= 50) == (label == "correct")
                if len(reps) == 1 and reps[0]["score"] == CAP:
                    rules = sorted({d["rule"] for d in reps[0]["deviations"] if d.get("rule")})
                    capped[(label, ", ".join(rules))] += 1
        print(f"m{m:02d} {NAMES[m - 1]}")
        for (label, rules), n in sorted(capped.items()):
            print(f"  capped at 49: {n:3d} {label:9s} breaking {rules}")
    print(f"accuracy {right / total:.3f} over {total} files")


if __name__ == "__main__":
    main()
