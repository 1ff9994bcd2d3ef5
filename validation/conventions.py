#!/usr/bin/env python3
"""Do Relearn's verdicts depend on how the recording system sets up its axes, unit and camera?

For each UI-PRMD movement, a template is built from subjects s01-s05 (Kinect files as
distributed: centimetres, y up). Each repetition of subjects s06-s10 is then scored twice:
as distributed, and after being rewritten the way other systems record the same movement.
Each rewrite starts from `relearn convert FILE --out X.csv` (the generic skeleton CSV) and
applies a proper rotation, a unit change and a shift, then drops or keeps the `# units` /
`# up` lines (every number is written in full, so that only the convention changes):

- ``mocap``: z up, millimetres, camera turned 40 degrees about the vertical, origin moved,
  no metadata (Relearn must infer the unit from body size and detect the vertical);
- ``image``: y down (as image-based 3-D keypoints), metres, turned -70 degrees, origin
  moved, metadata stated (`# units: m`, `# up: -y`).

Reports, per movement and rewrite, the repetitions compared, how many verdicts differ and
the largest score difference (scores are printed to 0.1 point). The same check, on two
subjects of the deep squat, is the test
`scores_do_not_depend_on_the_recording_systems_axes_unit_or_camera_position`.

    python3 validation/conventions.py [--relearn target/release/relearn] [--data ../shared/data/ui-prmd]

Standard library only.
"""
import argparse
import math
import os
import subprocess
import sys
import tempfile

from uiprmd_split import TEST, TRAIN, add_common_arguments, build_template, files, score


def rewrite(csv_text, yaw_deg, mode):
    """The same movement as another system would write it (see the module doc)."""
    s, c = math.sin(math.radians(yaw_deg)), math.cos(math.radians(yaw_deg))
    lines = [l for l in csv_text.splitlines() if not l.startswith("#")]
    out = ["# units: m", "# up: -y"] if mode == "image" else []
    out.append(lines[0])
    for line in lines[1:]:
        f = line.split(",")
        row = [f[0]]
        for k in range(1, len(f), 3):
            if not f[k]:
                row += ["", "", ""]
                continue
            x, y, z = (float(v) for v in f[k:k + 3])
            if mode == "mocap":
                # y up -> z up (proper rotation), turned about the vertical, cm -> mm, shifted.
                x, y, z = x, -z, y
                x, y = c * x - s * y, s * x + c * y
                row += [repr(10 * x + 1234.5), repr(10 * y - 987.6), repr(10 * z + 55.0)]
            else:
                # Turned about the vertical (y), then y flipped with x (proper), cm -> m, shifted.
                x, z = c * x + s * z, -s * x + c * z
                x, y = -x, -y
                row += [repr(x / 100 + 0.3), repr(y / 100 - 1.1), repr(z / 100 + 2.5)]
        out.append(",".join(row))
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(ap)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="relearn-conventions-")
    print("| movement | repetitions | verdicts differing (mocap) | largest score difference (mocap) "
          "| verdicts differing (image) | largest score difference (image) |")
    print("| --- | --- | --- | --- | --- | --- |")
    totals = {"reps": 0, "mocap": [0, 0.0], "image": [0, 0.0]}
    for m in range(1, 11):
        template = build_template(args.relearn, work, f"m{m:02d}", files(args.data, m, TRAIN))
        given = [p for p, _ in files(args.data, m, TEST)]
        rewritten = {"mocap": [], "image": []}
        for p in given:
            name = os.path.basename(p).replace(".txt.gz", "")
            plain = os.path.join(work, name + ".csv")
            subprocess.run([args.relearn, "convert", p, "--out", plain], check=True, capture_output=True)
            text = open(plain).read()
            for mode, yaw in (("mocap", 40.0), ("image", -70.0)):
                q = os.path.join(work, f"{name}.{mode}.csv")
                with open(q, "w") as f:
                    f.write(rewrite(text, yaw, mode))
                rewritten[mode].append(q)
        base = score(args.relearn, template, given)
        row = [f"m{m:02d}"]
        reps = sum(len(b["reps"]) for b in base)
        row.append(str(reps))
        totals["reps"] += reps
        for mode in ("mocap", "image"):
            other = score(args.relearn, template, rewritten[mode])
            differ, largest = 0, 0.0
            for a, b in zip(base, other):
                if len(a["reps"]) != len(b["reps"]):
                    differ += max(len(a["reps"]), len(b["reps"]))
                    continue
                for x, y in zip(a["reps"], b["reps"]):
                    differ += x["verdict"] != y["verdict"]
                    largest = max(largest, abs(x["score"] - y["score"]))
            totals[mode][0] += differ
            totals[mode][1] = max(totals[mode][1], largest)
            row += [str(differ), f"{largest:.1f}"]
        print("| " + " | ".join(row) + " |")
        sys.stdout.flush()
    print(f"| all | {totals['reps']} | {totals['mocap'][0]} | {totals['mocap'][1]:.1f} "
          f"| {totals['image'][0]} | {totals['image'][1]:.1f} |")


if __name__ == "__main__":
    main()
