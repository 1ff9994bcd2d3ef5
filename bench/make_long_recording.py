#!/usr/bin/env python3
"""Write a long generic skeleton CSV for the memory benchmark (BENCHMARKS.md, "One-hour
recording"): Kinect v2 joint names (25 joints, so the anatomical measures apply), 30 Hz,
squats repeated for the whole duration with rep-to-rep variability and 3 mm position noise.

    python3 bench/make_long_recording.py OUT.csv [--minutes 60] [--rate 30] [--seed 1]
        [--noise-mm 3]

Output (``docs/formats.md``, generic-csv): ``# units: m`` and ``# up: y`` lines, the header
``time_s,SpineBase_x,SpineBase_y,SpineBase_z,...``, one row per frame, coordinates in a
Kinect-like camera frame (metres, y up, the person 2.5 m in front of the sensor and turned
20 degrees). An ``.gz`` name writes gzip. NumPy only; memory stays at one block of rows.

The body follows ``relearn_motion::simulate`` in spirit (ankles planted, shank and thigh
rotating so the knee flexes to the target depth, trunk leaning forward, arms reaching
forward), without its exact geometry: a cycle is 1 s standing + a 3 s squat to 90-110 deg
knee flexion (5 % variability in depth and duration).
"""

import argparse
import gzip
import math

import numpy as np

JOINTS = ["SpineBase", "SpineMid", "Neck", "Head", "ShoulderLeft", "ElbowLeft", "WristLeft",
          "HandLeft", "ShoulderRight", "ElbowRight", "WristRight", "HandRight", "HipLeft",
          "KneeLeft", "AnkleLeft", "FootLeft", "HipRight", "KneeRight", "AnkleRight",
          "FootRight", "SpineShoulder", "HandTipLeft", "ThumbLeft", "HandTipRight", "ThumbRight"]


def progress_and_depth(n, rate, rng):
    """Per frame: progress 0 (standing) -> 1 (bottom) -> 0, and the repetition's depth (deg)."""
    p = np.zeros(n)
    depth = np.full(n, 100.0)
    t = 0
    while t < n:
        t += int(round(1.0 * rate))  # standing
        length = max(int(round(3.0 * rate * np.clip(1 + 0.05 * rng.standard_normal(), 0.7, 1.3))), 4)
        d = 100.0 * np.clip(1 + 0.05 * rng.standard_normal(), 0.8, 1.2)
        end = min(t + length, n)
        if t >= n:
            break
        u = np.arange(end - t) / length
        p[t:end] = 0.5 * (1 - np.cos(2 * np.pi * u))
        depth[t:end] = d
        t = end
    return p, depth


def body(p, depth):
    """Joint positions in the body frame (lateral, forward, up), metres: frames x 25 x 3."""
    n = len(p)
    out = np.zeros((n, len(JOINTS), 3))
    j = {name: i for i, name in enumerate(JOINTS)}
    k = np.radians(depth * p)
    s = 0.35 * k
    shank, thigh = 0.43, 0.45
    hips = []
    for side, lx in (("Left", -1.0), ("Right", 1.0)):
        ankle = np.array([0.12 * lx, 0.0, 0.08])
        knee = np.stack((np.full(n, 0.105 * lx), shank * np.sin(s), ankle[2] + shank * np.cos(s)), axis=1)
        hip = np.stack((np.full(n, 0.09 * lx), knee[:, 1] - thigh * np.sin(k - s),
                        knee[:, 2] + thigh * np.cos(k - s)), axis=1)
        hips.append(hip)
        out[:, j["Hip" + side]] = hip
        out[:, j["Knee" + side]] = knee
        out[:, j["Ankle" + side]] = ankle
        out[:, j["Foot" + side]] = ankle + np.array([0.02 * lx, 0.15, -0.05])
    pelvis = 0.5 * (hips[0] + hips[1]) + np.array([0.0, 0.0, 0.05])
    trunk = np.radians(35.0 * p)
    spine = np.stack((np.zeros(n), np.sin(trunk), np.cos(trunk)), axis=1)
    for name, h in (("SpineBase", 0.0), ("SpineMid", 0.26), ("SpineShoulder", 0.50), ("Neck", 0.56), ("Head", 0.72)):
        out[:, j[name]] = pelvis + spine * h
    arm = np.radians(80.0 * p)[:, None]
    direction = -spine * np.cos(arm) + np.array([0.0, 1.0, 0.0]) * np.sin(arm)
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    for side, lx in (("Left", -1.0), ("Right", 1.0)):
        shoulder = pelvis + spine * 0.47 + np.array([0.18 * lx, 0.0, 0.0])
        elbow = shoulder + direction * 0.29
        wrist = elbow + direction * 0.25
        hand = wrist + direction * 0.08
        out[:, j["Shoulder" + side]] = shoulder
        out[:, j["Elbow" + side]] = elbow
        out[:, j["Wrist" + side]] = wrist
        out[:, j["Hand" + side]] = hand
        out[:, j["HandTip" + side]] = hand + direction * 0.06
        out[:, j["Thumb" + side]] = hand + np.array([-0.03 * lx, 0.02, 0.0])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--rate", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--noise-mm", type=float, default=3.0,
                    help="SD of the position noise per coordinate (mm)")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    n = int(round(args.minutes * 60 * args.rate))
    p, depth = progress_and_depth(n, args.rate, rng)
    yaw = math.radians(20.0)
    rot = np.array([[math.cos(yaw), -math.sin(yaw), 0], [math.sin(yaw), math.cos(yaw), 0], [0, 0, 1]])
    header = "# units: m\n# up: y\ntime_s," + ",".join(f"{j}_{a}" for j in JOINTS for a in "xyz") + "\n"
    opener = gzip.open if args.out.endswith(".gz") else open
    with opener(args.out, "wt") as f:
        f.write(header)
        block = 9000
        for a in range(0, n, block):
            b = min(a + block, n)
            lab = body(p[a:b], depth[a:b]) @ rot.T
            lab += args.noise_mm / 1000.0 * rng.standard_normal(lab.shape)
            cam = np.stack((lab[..., 0], lab[..., 2], 2.5 - lab[..., 1]), axis=-1)
            rows = np.hstack((np.arange(a, b)[:, None] / args.rate, cam.reshape(b - a, -1)))
            np.savetxt(f, rows, fmt="%.4f", delimiter=",")
    print(f"{args.out}: {n} frames, {len(JOINTS)} joints, {n / args.rate:.0f} s")


if __name__ == "__main__":
    main()
