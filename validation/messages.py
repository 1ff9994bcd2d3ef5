#!/usr/bin/env python3
"""What the differences told to patients say, measure by measure, leave one subject out on
UI-PRMD (VALIDATION.md §4, "Hip abduction at the bottom of a squat").

    python3 validation/messages.py [--measure hip_abduction] [--by-measure] [--movements 1,2,5] [--relearn BIN]

Used for VALIDATION.md §4, "Hip abduction at the bottom of a squat" and "Differences told
only when held".

For each movement, each subject's 20 files are scored (`relearn score --json`) with the
template of the other nine subjects' files (`relearn template build`, as `relearn eval
uiprmd` does), and the differences from the demonstration told on its repetitions
(`deviations` with `"source": "template"`) are gathered. Printed per movement: for the
measures whose id ends with ``--measure`` (all measures when not given), how many
differences were told, on how many of the correct and of the incorrect repetitions, and their size (median and
largest, in the measure's unit); with ``--by-measure``, one row per measure (left and right
together). Standard library only; about 20 s for all ten movements.
"""
import argparse
import statistics
import tempfile

from uiprmd_split import add_common_arguments, leave_one_subject_out

SUBJECTS = [f"s{k:02d}" for k in range(1, 11)]


def kind(measure):
    """A measure's id without its side (``left_hip_abduction`` -> ``hip_abduction``)."""
    for side in ("left_", "right_"):
        if measure.startswith(side):
            return measure[len(side):]
    return measure


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(ap)
    ap.add_argument("--measure", default="", help="measure id suffix (hip_abduction); all when empty")
    ap.add_argument("--movements", default="1,2,3,4,5,6,7,8,9,10")
    ap.add_argument("--by-measure", action="store_true",
                    help="one row per measure (left and right together) instead of one per movement")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="relearn-messages-")
    print(f"| movement | differences told ({args.measure or 'all measures'}) | correct repetitions told one "
          "| incorrect repetitions told one | median size | largest size | unit |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for m in (int(x) for x in args.movements.split(",")):
        # Per measure kind (the side dropped when --by-measure): sizes, correct files told one.
        sizes, told_correct, told_incorrect, units = {}, {}, {}, {}
        n_correct = n_incorrect = 0
        for _, _, label, line in leave_one_subject_out(args.relearn, args.data, m, work, SUBJECTS):
                told = set()
                for rep in line["reps"]:
                    for d in rep["deviations"]:
                        if d["source"] == "template" and d["measure"].endswith(args.measure):
                            key = kind(d["measure"]) if args.by_measure else args.measure or "all"
                            sizes.setdefault(key, []).append(abs(d["size"]))
                            units[key] = d["unit"] if args.by_measure or args.measure else "mixed"
                            told.add(key)
                if label == "correct":
                    n_correct += 1
                    for key in told:
                        told_correct[key] = told_correct.get(key, 0) + 1
                else:
                    n_incorrect += 1
                    for key in told:
                        told_incorrect[key] = told_incorrect.get(key, 0) + 1
        for key in sorted(sizes) or [args.measure or "all"]:
            v = sizes.get(key, [])
            med = f"{statistics.median(v):.1f}" if v else "-"
            top = f"{max(v):.1f}" if v else "-"
            name = f"m{m:02d} {key}" if args.by_measure else f"m{m:02d}"
            print(f"| {name} | {len(v)} | {told_correct.get(key, 0)} of {n_correct} "
                  f"| {told_incorrect.get(key, 0)} of {n_incorrect} | {med} | {top} "
                  f"| {units.get(key, '')} |", flush=True)


if __name__ == "__main__":
    main()
