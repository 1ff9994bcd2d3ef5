#!/usr/bin/env python3
"""Which repetitions are compared with the mirror image of the demonstration, leave one
subject out on UI-PRMD (VALIDATION.md §4, "The other side").

    python3 validation/mirrors.py [--movements 1,2,5] [--relearn BIN]

In UI-PRMD, subjects s07 and s10 perform the one-sided movements with the other side from
the other eight (`../shared/data/README.md` does not say so; the recordings show it). Each
subject's 20 files are scored (`relearn score --json`) with the template of the other nine
subjects (`relearn template build`, as `relearn eval uiprmd` does), and the repetitions
compared mirrored (`"mirrored": true`) are counted per subject, correct and incorrect
apart. Printed: one row per movement, ``correct/incorrect`` mirrored of 10 for each subject.
Standard library only; about 15 s.
"""
import argparse
import tempfile

from uiprmd_split import add_common_arguments, leave_one_subject_out

SUBJECTS = [f"s{k:02d}" for k in range(1, 11)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(ap)
    ap.add_argument("--movements", default="1,2,3,4,5,6,7,8,9,10")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="relearn-mirrors-")
    print("| movement | " + " | ".join(SUBJECTS) + " |")
    print("| --- |" + " --- |" * len(SUBJECTS))
    for m in (int(x) for x in args.movements.split(",")):
        counts = {s: {"correct": 0, "incorrect": 0} for s in SUBJECTS}
        for s, _, label, line in leave_one_subject_out(args.relearn, args.data, m, work, SUBJECTS):
            counts[s][label] += sum(1 for r in line["reps"] if r.get("mirrored"))
        cells = [f"{counts[s]['correct']}/{counts[s]['incorrect']}" for s in SUBJECTS]
        print(f"| m{m:02d} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
