#!/usr/bin/env python3
"""Does the knee frontal-plane projection angle still measure valgus at the bottom of a deep
squat? For the first correct deep squat (m01 e01) of every UI-PRMD subject, written in the lab
frame by `relearn convert --lab-frame`, this computes per frame, independently of Relearn's
code and from the raw (unfiltered) positions:

- knee flexion: 180° − the 3-D angle at the knee (clinical-spec §6);
- the frontal-plane projection angle (FPPA): hip, knee and ankle projected on the plane of the
  pelvis's horizontal left-right axis and the vertical, 180° − the angle at the knee, + when
  the knee lies medial to the hip-ankle line (clinical-spec §6, Willson & Davis 2008);
- the knee medial displacement: how far the knee sits inside its ankle along that axis, cm.

It prints, per subject and side, the share of the frames in the bottom half of the squat (knee
flexion above half its peak) whose |FPPA| exceeds 60° (Relearn's plausible range, beyond which
it drops the value), the FPPA and the displacement at peak flexion.

    python3 validation/deep_squat_fppa.py [--relearn target/release/relearn] [--data DIR]

Standard library only.
"""
import argparse
import math
import os
import subprocess
import tempfile


def read_lab_csv(path):
    """Joint name -> list of (x, y, z) per frame, from a generic skeleton CSV."""
    rows = [l.strip() for l in open(path) if l.strip() and not l.startswith("#")]
    header = rows[0].split(",")
    joints = {}
    for i in range(1, len(header), 3):
        joints[header[i][:-2]] = i
    data = [[float(v) if v else math.nan for v in r.split(",")] for r in rows[1:]]
    return {j: [tuple(r[i:i + 3]) for r in data] for j, i in joints.items()}


def sub(a, b):
    return tuple(x - y for x, y in zip(a, b))


def dot(a, b):
    return sum(x * y for x, y in zip(a, b))


def angle(u, v):
    nu, nv = math.sqrt(dot(u, u)), math.sqrt(dot(v, v))
    if nu == 0 or nv == 0:
        return math.nan
    return math.degrees(math.acos(max(-1.0, min(1.0, dot(u, v) / (nu * nv)))))


def leg(j, side, f):
    """Hip, knee, ankle of one side at frame f (UI-PRMD names)."""
    return (j[f"{side} upper leg"][f], j[f"{side} lower leg"][f], j[f"{side} foot"][f])


def measures(j, side, f):
    hip, knee, ankle = leg(j, side, f)
    flexion = 180.0 - angle(sub(hip, knee), sub(ankle, knee))
    # The pelvis's horizontal axis towards the person's right (z is up in the lab frame).
    right = sub(j["Right upper leg"][f], j["Left upper leg"][f])
    norm = math.hypot(right[0], right[1])
    lateral = (right[0] / norm, right[1] / norm, 0.0)
    project = lambda p: (dot(p, lateral), p[2])
    h, k, a = project(hip), project(knee), project(ankle)
    size = 180.0 - angle((h[0] - k[0], h[1] - k[1], 0.0), (a[0] - k[0], a[1] - k[1], 0.0))
    medial = 1.0 if side == "Left" else -1.0
    t = (k[1] - h[1]) / (a[1] - h[1])
    offset = (k[0] - (h[0] + t * (a[0] - h[0]))) * medial
    fppa = size if offset >= 0 else -size
    inside = (a[0] - k[0]) * medial * 100.0
    return flexion, fppa, inside


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--relearn", default="target/release/relearn")
    ap.add_argument("--data", default="../shared/data/ui-prmd")
    args = ap.parse_args()
    folder = os.path.join(args.data, "Segmented Movements", "Kinect", "Positions")
    work = tempfile.mkdtemp(prefix="relearn-fppa-")
    print("| subject | side | bottom-half frames with abs(FPPA) > 60° | FPPA at peak flexion "
          "| knee inside the ankle at peak flexion (cm) | peak knee flexion |")
    print("| --- | --- | --- | --- | --- | --- |")
    for s in range(1, 11):
        src = os.path.join(folder, f"m01_s{s:02d}_e01_positions.txt.gz")
        out = os.path.join(work, f"s{s:02d}.csv")
        subprocess.run([args.relearn, "convert", "--lab-frame", "--out", out, src],
                       check=True, capture_output=True)
        j = read_lab_csv(out)
        n = len(j["Waist"])
        for side in ("Left", "Right"):
            m = [measures(j, side, f) for f in range(n)]
            peak = max(range(n), key=lambda f: m[f][0])
            bottom = [x for x in m if x[0] > 0.5 * m[peak][0]]
            beyond = sum(abs(x[1]) > 60.0 for x in bottom)
            print(f"| s{s:02d} | {side.lower()} | {beyond}/{len(bottom)} | {m[peak][1]:.0f}° "
                  f"| {m[peak][2]:.1f} | {m[peak][0]:.0f}° |")


if __name__ == "__main__":
    main()
