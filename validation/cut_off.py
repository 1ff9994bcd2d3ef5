#!/usr/bin/env python3
"""Repetitions cut off by the recording, on real Kinect data (docs/scoring.md §3, "cut off";
VALIDATION.md §4, "Recordings that start or stop during a repetition").

    python3 validation/cut_off.py [--data ../shared/data/ui-prmd] [--relearn target/release/relearn]

UI-PRMD files hold one repetition each, recorded from rest to rest. For each movement, a
template is built with `relearn template build` from subjects s01-s05 (correct and
incorrect files). For each of subjects s06-s10, the first four correct files are joined
into one continuous recording of four repetitions (positions and the sibling Angles file
alike), and variants of it are written:

- ``whole``: the four repetitions;
- ``end-P``: stopped P % of the way through the fourth file (P = 40, 50, 60);
- ``start-P``: started P % of the way through the first file.

Each is scored with `relearn score --json`. The script counts the repetitions found, how
many of the repetitions at the cut edge are marked ``cut_off`` (the right edge), and how many
other repetitions are marked (wrongly). The cut points are fractions of a file, not of the
movement: where a file's turning point lies far from its middle, a cut at 40-60 % can fall
where the person is still less than half-way in, and such a repetition is kept whole by
design (docs/scoring.md §3). About 1 minute on 2 cores.
"""

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAMES = ["deep squat", "hurdle step", "inline lunge", "side lunge", "sit to stand",
         "standing active straight leg raise", "standing shoulder abduction",
         "standing shoulder extension", "standing shoulder internal-external rotation",
         "standing shoulder scaption"]
CUTS = (40, 50, 60)


def lines(data, folder, kind, m, s, e):
    """The rows of one UI-PRMD file (kind = Positions or Angles)."""
    path = os.path.join(data, folder, "Kinect", kind, f"m{m:02d}_s{s:02d}_e{e:02d}_{kind.lower()}.txt")
    opener = gzip.open if os.path.exists(path + ".gz") else open
    with opener(path + ".gz" if os.path.exists(path + ".gz") else path, "rt") as f:
        return [ln for ln in f.read().splitlines() if ln.strip()]


def write_pair(out_dir, name, pos, ang):
    """A positions file and its Angles sibling, as `relearn` finds them."""
    for kind, rows in (("Positions", pos), ("Angles", ang)):
        d = os.path.join(out_dir, kind)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"{name}_{kind.lower()}.txt"), "w") as f:
            f.write("\n".join(rows) + "\n")
    return os.path.join(out_dir, "Positions", f"{name}_positions.txt")


def variants(data, out_dir, m, s):
    """(variant, path, index of the cut repetition or None) for subject s's joined recording."""
    files = [(lines(data, "Segmented Movements", "Positions", m, s, e),
              lines(data, "Segmented Movements", "Angles", m, s, e)) for e in (1, 2, 3, 4)]
    pos = [r for p, _ in files for r in p]
    ang = [r for _, a in files for r in a]
    first, last = len(files[0][0]), len(files[-1][0])
    out = [("whole", write_pair(out_dir, f"m{m:02d}_s{s:02d}_whole", pos, ang), None)]
    for p in CUTS:
        k = len(pos) - last + round(last * p / 100)
        out.append((f"end-{p}", write_pair(out_dir, f"m{m:02d}_s{s:02d}_end{p}", pos[:k], ang[:k]), "end"))
        k = round(first * p / 100)
        out.append((f"start-{p}", write_pair(out_dir, f"m{m:02d}_s{s:02d}_start{p}", pos[k:], ang[k:]), "start"))
    return out


def manifest(data, out_dir, m):
    """A manifest of subjects s01-s05's correct and incorrect files of movement m."""
    path = os.path.join(out_dir, f"m{m:02d}_manifest.csv")
    with open(path, "w") as f:
        f.write("path,label\n")
        for folder, label in (("Segmented Movements", "correct"), ("Incorrect Segmented Movements", "incorrect")):
            d = os.path.join(data, folder, "Kinect", "Positions")
            for name in sorted(os.listdir(d)):
                if name.startswith(f"m{m:02d}_") and int(name.split("_")[1][1:]) <= 5:
                    f.write(f"\"{os.path.join(os.path.abspath(d), name)}\",{label}\n")
    return path


def count_ends(data):
    """Per movement, UI-PRMD files (each one pre-segmented repetition) whose two ends' levels
    lie more than half the range apart along the axis of all ten subjects' correct files,
    turned away from rest: the test a recording taken whole would need to pass to be called
    cut off (docs/scoring.md §3; not applied to such recordings)."""
    sys.path.insert(0, os.path.join(REPO, "bench"))
    import numpy as np
    import python_reference as pr
    from uiprmd_speed import files_of
    print("| movement | files whose ends disagree | of them correct | subjects |")
    print("| --- | --- | --- | --- |")
    total = 0
    for m in range(1, 11):
        files = files_of(data, m)
        preps = [pr.prepare(path) for path, _ in files]
        correct = [p for p, (_, label) in zip(preps, files) if label == "correct"]
        axis = pr.orient_away_from_rest(pr.learn_primary_axis(correct), correct)
        found = []
        for p, (path, label) in zip(preps, files):
            smooth = pr.smoothed_projection(p, axis)
            edge = min(max(len(smooth) // 10, 3), len(smooth))
            first, last = np.median(smooth[:edge]), np.median(smooth[-edge:])
            if abs(first - last) > 0.5 * (np.quantile(smooth, 0.98) - np.quantile(smooth, 0.02)):
                found.append((os.path.basename(path).split("_")[1], label))
        total += len(found)
        subjects = sorted({s for s, _ in found})
        print(f"| m{m:02d} {NAMES[m - 1]} | {len(found)} of 200 | {sum(lab == 'correct' for _, lab in found)} "
              f"| {', '.join(subjects)} |", flush=True)
    print(f"| all | {total} of 2000 | | |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data", "ui-prmd"))
    ap.add_argument("--relearn", default=os.path.join(REPO, "target", "release", "relearn"))
    ap.add_argument("--list-whole", action="store_true",
                    help="after the table, the repetitions found in every whole recording with a mark")
    ap.add_argument("--ends", action="store_true",
                    help="instead, count UI-PRMD's own files whose two ends lie more than half their range "
                         "apart along the turned axis (the Python reference's steps; about 30 s)")
    args = ap.parse_args()
    listed = []
    if not os.path.isdir(os.path.join(args.data, "Segmented Movements")):
        sys.exit(f"{args.data}: not a UI-PRMD folder (no 'Segmented Movements'); give --data")
    if args.ends:
        return count_ends(args.data)
    if not os.path.exists(args.relearn):
        sys.exit(f"{args.relearn}: not found; build it with `cargo build --release -p relearn-cli`")
    print("| movement | whole: 4 repetitions found | whole: repetitions marked | cut repetition marked "
          "| other repetitions of cut recordings marked | cut recordings: 4 repetitions found |")
    print("| --- | --- | --- | --- | --- | --- |")
    totals = [0, 0, 0, 0, 0, 0, 0]
    with tempfile.TemporaryDirectory() as tmp:
        for m in range(1, 11):
            template = os.path.join(tmp, f"m{m:02d}.json")
            subprocess.run([args.relearn, "template", "build", "--exercise", NAMES[m - 1], "--manifest",
                            manifest(args.data, tmp, m), "--out", template], check=True,
                           stdout=subprocess.DEVNULL)
            jobs = [(s, v) for s in range(6, 11) for v in variants(args.data, os.path.join(tmp, f"m{m:02d}"), m, s)]
            r = subprocess.run([args.relearn, "score", "--json", "--template", template] + [v[1] for _, v in jobs],
                               check=True, capture_output=True, text=True)
            scored = {json.loads(ln)["path"]: json.loads(ln) for ln in r.stdout.splitlines()}
            whole_ok = whole_marked = cut_marked = cut_total = others_marked = found_four = cut_files = 0
            for s, (variant, path, edge) in jobs:
                reps = scored[path]["reps"]
                marks = [r.get("cut_off") for r in reps]
                if edge is None:
                    whole_ok += len(reps) == 4
                    whole_marked += sum(1 for x in marks if x)
                    if any(marks):
                        listed.append(f"m{m:02d} s{s:02d}: " + ", ".join(
                            f"{r['start_s']:.1f}-{r['end_s']:.1f} s" + (f" ({r['cut_off']})" if r.get("cut_off") else "")
                            for r in reps))
                    continue
                cut_files += 1
                found_four += len(reps) == 4
                at = 0 if edge == "start" else len(reps) - 1
                cut_total += 1
                cut_marked += bool(reps) and marks[at] == edge
                others_marked += sum(1 for k, x in enumerate(marks) if x and k != at)
            row = (whole_ok, whole_marked, cut_marked, cut_total, others_marked, found_four, cut_files)
            totals = [a + b for a, b in zip(totals, row)]
            print(f"| m{m:02d} {NAMES[m - 1]} | {whole_ok} of 5 | {whole_marked} | {cut_marked} of {cut_total} "
                  f"| {others_marked} | {found_four} of {cut_files} |", flush=True)
    print(f"| all | {totals[0]} of 50 | {totals[1]} | {totals[2]} of {totals[3]} | {totals[4]} "
          f"| {totals[5]} of {totals[6]} |")
    if args.list_whole:
        print("\nWhole recordings with a repetition marked:")
        for line in listed:
            print(line)


if __name__ == "__main__":
    main()
