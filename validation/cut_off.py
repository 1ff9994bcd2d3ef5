#!/usr/bin/env python3
"""Repetitions cut off by the recording, on real Kinect data (docs/scoring.md §3, "cut off";
VALIDATION.md §4, "Recordings that start or stop during a repetition").

    python3 validation/cut_off.py [--data ../shared/data/ui-prmd] [--relearn target/release/relearn]
        [--list-whole | --single | --alternate | --sides | --ends]

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

With ``--single``, the same templates score recordings of one repetition each, the way
UI-PRMD distributes them: every file of subjects s06-s10 (correct and incorrect, 100 per
movement) as it is, stopped P % of the way through, and started P % of the way through. A
recording that short is taken whole as one repetition, and the test is whether it is marked
cut off at the right edge (``template.rs`` ``whole_recording_cut_off``), while the files as
they are, each one whole repetition, should not be marked. About 15 seconds.

``--alternate`` joins the same four correct files of each of s06-s10 with the second and
fourth mirrored (the person doing every other repetition with the other side, as with
alternate legs: reflected about the person's own sagittal plane, left and right swapped),
through `relearn convert --lab-frame` to generic CSVs, and counts the recordings in which
the four repetitions are found (``segment::segment_sides``). About 30 seconds.

``--sides`` lists the subjects of s06-s10 who do a movement on the other side from s01-s05
(more variance along the mirror image of the template's primary axis than along the axis:
``segment::project_either_side``), and ``--ends`` counts UI-PRMD's files whose two ends lie
more than half their range apart; both use the Python reference's steps, not ``relearn``.
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
    """The rows of one UI-PRMD file (kind = Positions or Angles; the incorrect files' names end
    in ``_inc``)."""
    inc = "_inc" if folder.startswith("Incorrect") else ""
    path = os.path.join(data, folder, "Kinect", kind, f"m{m:02d}_s{s:02d}_e{e:02d}_{kind.lower()}{inc}.txt")
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


def single_variants(data, out_dir, m, s):
    """(variant, path, edge or None) for every file of subject s (correct and incorrect),
    as it is and cut at CUTS % from the end or the start."""
    out = []
    for folder, tag in (("Segmented Movements", "c"), ("Incorrect Segmented Movements", "i")):
        for e in range(1, 11):
            pos = lines(data, folder, "Positions", m, s, e)
            ang = lines(data, folder, "Angles", m, s, e)
            name = f"m{m:02d}_s{s:02d}_{tag}{e:02d}"
            out.append(("whole", write_pair(out_dir, name, pos, ang), None))
            for p in CUTS:
                k = round(len(pos) * p / 100)
                out.append((f"end-{p}", write_pair(out_dir, f"{name}_end{p}", pos[:k], ang[:k]), "end"))
                out.append((f"start-{p}", write_pair(out_dir, f"{name}_start{p}", pos[k:], ang[k:]), "start"))
    return out


def count_single(args):
    """The ``--single`` table (module documentation)."""
    kinds = ["whole"] + [f"end-{p}" for p in CUTS] + [f"start-{p}" for p in CUTS]
    print("| movement | files | as they are: marked (false) | " + " | ".join(
        f"{k}: marked {k.split('-')[0]}" for k in kinds[1:]) + " | cut at the end + at the start: marked at the other edge |")
    print("| --- |" + " --- |" * (len(kinds) + 2))
    totals = {k: 0 for k in kinds}
    files_total, wrong_total = 0, [0, 0]
    with tempfile.TemporaryDirectory() as tmp:
        for m in range(1, 11):
            template = build_template(args, tmp, m)
            jobs = [v for s in range(6, 11) for v in single_variants(args.data, os.path.join(tmp, f"m{m:02d}"), m, s)]
            scored = score_all(args, template, [path for _, path, _ in jobs])
            marked = {k: 0 for k in kinds}
            wrong = [0, 0]
            for variant, path, edge in jobs:
                marks = {r.get("cut_off") for r in scored[path]["reps"]} - {None}
                if edge is None:
                    marked[variant] += bool(marks)
                else:
                    marked[variant] += edge in marks or "both" in marks
                    wrong[edge == "start"] += bool(marks) and edge not in marks and "both" not in marks
            files = sum(1 for v, _, _ in jobs if v == "whole")
            files_total += files
            wrong_total = [a + b for a, b in zip(wrong_total, wrong)]
            for k in kinds:
                totals[k] += marked[k]
            print(f"| m{m:02d} {NAMES[m - 1]} | {files} | " + " | ".join(str(marked[k]) for k in kinds)
                  + f" | {wrong[0]} + {wrong[1]} |", flush=True)
    print(f"| all | {files_total} | " + " | ".join(str(totals[k]) for k in kinds) + f" | {wrong_total[0]} + {wrong_total[1]} |")


def build_template(args, tmp, m):
    """Movement m's template from subjects s01-s05 (``manifest``), written in `tmp`."""
    template = os.path.join(tmp, f"m{m:02d}.json")
    subprocess.run([args.relearn, "template", "build", "--exercise", NAMES[m - 1], "--manifest",
                    manifest(args.data, tmp, m), "--out", template], check=True, stdout=subprocess.DEVNULL)
    return template


def score_all(args, template, paths):
    """`relearn score --json` of `paths`: path -> the scored recording."""
    r = subprocess.run([args.relearn, "score", "--json", "--template", template] + paths,
                       check=True, capture_output=True, text=True)
    return {json.loads(ln)["path"]: json.loads(ln) for ln in r.stdout.splitlines()}


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


def as_csv(args, tmp, m, s, e):
    """One correct UI-PRMD file as `relearn convert --lab-frame` writes it: (header lines,
    rows)."""
    out = os.path.join(tmp, f"m{m:02d}_s{s:02d}_e{e:02d}.csv")
    inp = os.path.join(args.data, "Segmented Movements", "Kinect", "Positions", f"m{m:02d}_s{s:02d}_e{e:02d}_positions.txt")
    inp = inp + ".gz" if os.path.exists(inp + ".gz") else inp
    subprocess.run([args.relearn, "convert", "--lab-frame", "--out", out, inp], check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        lines = f.read().splitlines()
    return lines[:3], lines[3:]


def mirrored_rows(head, rows):
    """The rows (with their times) of the same person doing the movement with the other side,
    facing the same way: every joint reflected about the person's sagittal plane (vertical,
    through the mean mid-hip, across the mean hip line), left and right swapped."""
    import numpy as np
    joints = [n[:-2] for n in head[2].split(",")[1::3]]
    x = np.array([[float(v) if v not in ("", "nan") else np.nan for v in r.split(",")[1:]] for r in rows])
    pos = x.reshape(len(x), -1, 3)
    left, right = joints.index("Left upper leg"), joints.index("Right upper leg")
    lateral = np.nanmean(pos[:, right] - pos[:, left], axis=0)
    lateral[2] = 0.0
    lateral /= np.linalg.norm(lateral)
    centre = np.nanmean(0.5 * (pos[:, right] + pos[:, left]), axis=0)
    pos = pos - 2.0 * ((pos - centre) @ lateral)[..., None] * lateral
    other = {j: j.replace("Left", "\0").replace("Right", "Left").replace("\0", "Right") for j in joints}
    pos = pos[:, [joints.index(other[j]) for j in joints]]
    return [r.split(",", 1)[0] + "," + ",".join(f"{v:.6f}" for v in q.ravel()) for r, q in zip(rows, pos)]


def count_alternate(args):
    """The ``--alternate`` table (module documentation)."""
    print("| movement | 4 repetitions found | repetitions marked cut off | found compared mirrored (of those found) |")
    print("| --- | --- | --- | --- |")
    totals = [0, 0, 0, 0]
    with tempfile.TemporaryDirectory() as tmp:
        for m in range(1, 11):
            template = build_template(args, tmp, m)
            paths = []
            for s in range(6, 11):
                rows, head = [], None
                for k, e in enumerate((1, 2, 3, 4)):
                    head, r = as_csv(args, tmp, m, s, e)
                    rows += [x.split(",", 1)[1] for x in (mirrored_rows(head, r) if k % 2 else r)]
                path = os.path.join(tmp, f"m{m:02d}_s{s:02d}_alternate.csv")
                with open(path, "w") as f:
                    f.write("\n".join(head + [f"{k / 30:.6f},{x}" for k, x in enumerate(rows)]) + "\n")
                paths.append(path)
            scored = score_all(args, template, paths)
            found = sum(len(scored[p]["reps"]) == 4 for p in paths)
            marked = sum(1 for p in paths for r in scored[p]["reps"] if r.get("cut_off"))
            reps = [r for p in paths for r in scored[p]["reps"]]
            mirrored = sum(1 for r in reps if r.get("mirrored"))
            totals = [a + b for a, b in zip(totals, (found, marked, mirrored, len(reps)))]
            print(f"| m{m:02d} {NAMES[m - 1]} | {found} of 5 | {marked} | {mirrored} of {len(reps)} |", flush=True)
    print(f"| all | {totals[0]} of 50 | {totals[1]} | {totals[2]} of {totals[3]} |")


def count_sides(data):
    """Per movement, the subjects of s06-s10 who move along the mirror image of the primary
    axis of s01-s05's correct files more than along the axis itself: per file, the variance
    of the posture's projection on the mirrored axis over that on the axis (the Python
    reference's steps; `segment::project_either_side` takes the mirrored axis above 2)."""
    sys.path.insert(0, os.path.join(REPO, "bench"))
    import numpy as np
    import python_reference as pr
    from uiprmd_speed import files_of
    print("| movement | subject: files above 2 of 20 (ratio, lowest to highest) |")
    print("| --- | --- |")
    for m in range(1, 11):
        files = files_of(data, m)
        subject = [int(os.path.basename(path).split("_")[1][1:]) for path, _ in files]
        preps = [pr.prepare(path) for path, _ in files]
        train = [p for p, s, (_, label) in zip(preps, subject, files) if s <= 5 and label == "correct"]
        axis = pr.orient_away_from_rest(pr.learn_primary_axis(train), train)
        mirrored = pr.mirrored_axis(axis)
        ratios = {}
        for p, s in zip(preps, subject):
            if s <= 5:
                continue
            rows = pr.posture_rows(p)
            centred = rows - np.nanmean(rows, axis=0)
            ratios.setdefault(s, []).append(float(np.nanvar(centred @ mirrored) / np.nanvar(centred @ axis)))
        cells = [f"s{s:02d}: {sum(r > pr.OTHER_SIDE_VARIANCE_RATIO for r in v)} ({min(v):.1f}-{max(v):.1f})"
                 for s, v in sorted(ratios.items()) if np.median(v) > pr.OTHER_SIDE_VARIANCE_RATIO]
        print(f"| m{m:02d} {NAMES[m - 1]} | {'; '.join(cells) or 'none'} |", flush=True)


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
    ap.add_argument("--sides", action="store_true",
                    help="instead, list the subjects of s06-s10 who move along the mirrored axis (about 30 s)")
    ap.add_argument("--alternate", action="store_true",
                    help="instead, score joined recordings with every other repetition mirrored (module documentation)")
    ap.add_argument("--single", action="store_true",
                    help="instead, score recordings of one repetition each, whole and cut (module documentation)")
    args = ap.parse_args()
    listed = []
    if not os.path.isdir(os.path.join(args.data, "Segmented Movements")):
        sys.exit(f"{args.data}: not a UI-PRMD folder (no 'Segmented Movements'); give --data")
    if args.ends:
        return count_ends(args.data)
    if args.sides:
        return count_sides(args.data)
    if not os.path.exists(args.relearn):
        sys.exit(f"{args.relearn}: not found; build it with `cargo build --release -p relearn-cli`")
    if args.single:
        return count_single(args)
    if args.alternate:
        return count_alternate(args)
    print("| movement | whole: 4 repetitions found | whole: repetitions marked | cut repetition marked "
          "| other repetitions of cut recordings marked | cut recordings: 4 repetitions found |")
    print("| --- | --- | --- | --- | --- | --- |")
    totals = [0, 0, 0, 0, 0, 0, 0]
    with tempfile.TemporaryDirectory() as tmp:
        for m in range(1, 11):
            template = build_template(args, tmp, m)
            jobs = [(s, v) for s in range(6, 11) for v in variants(args.data, os.path.join(tmp, f"m{m:02d}"), m, s)]
            scored = score_all(args, template, [v[1] for _, v in jobs])
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
