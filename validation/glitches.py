#!/usr/bin/env python3
"""How do Relearn's verdicts take tracking errors that are correlated in time?

White noise (`noise.py`) is the gentlest tracking error. A real tracker also loses a joint for
a moment, lets one slide away from the body and back, or swaps the left and right legs. For
each UI-PRMD movement a template is built from subjects s01-s05 as distributed; every
repetition of s06-s10 is scored as distributed and again with one glitch of each kind, placed
at a random time in each file (seeded by the file's name, so every run gives the same table):

- ``gap-short``: one joint missing for 3 frames (0.1 s; Relearn fills it with a spline);
- ``gap-long``: one joint missing for 12 frames (0.4 s; longer than the filling limit, so it
  stays missing and is reported);
- ``slide-5`` / ``slide-10``: one joint pushed away by a smooth bump (raised cosine over 1 s)
  of 5 or 10 cm, in a random horizontal direction, and back;
- ``spike-1`` / ``spike-3``: one joint thrown 30 cm in a random direction for 1 or 3 frames
  and back, as a depth camera does when it takes a joint for something else for an instant
  (Relearn treats such samples as missing, `relearn_core::spikes`);
- ``swap``: the left and right leg joints (hip, knee, ankle, toes) exchanged for 0.5 s;
- ``swap-arms``: the left and right arm joints (shoulder, elbow, wrist) exchanged for 0.5 s;
- ``swap-body``: every left joint exchanged with its right partner (legs, arms, collars) for
  0.5 s, as a depth camera does when a person turns side-on.

The joint is drawn at random among all of the skeleton's. Reported per glitch: verdicts
changed, accuracy against the data set's labels (as given), files that could not be scored,
and files that got any warning the clean file did not get.

    python3 validation/glitches.py [--relearn target/release/relearn] [--data DIR]

Standard library only.
"""
import argparse
import math

from uiprmd_split import add_common_arguments, altered_table

GLITCHES = [
    "gap-short", "gap-long", "slide-5", "slide-10", "spike-1", "spike-3", "swap", "swap-arms",
    "swap-body",
]
LEGS = ["upper leg", "lower leg", "foot", "leg toes"]
ARMS = ["upper arm", "forearm", "hand"]
SWAPPED = {"swap": LEGS, "swap-arms": ARMS, "swap-body": LEGS + ARMS + ["collar"]}


def glitched(csv_text, kind, rng):
    """The recording (a `relearn convert` CSV in cm) with one glitch of ``kind``."""
    lines = csv_text.splitlines()
    comments = [l for l in lines if l.startswith("#")]
    body = [l for l in lines if not l.startswith("#")]
    header = body[0].split(",")
    rows = [l.split(",") for l in body[1:]]
    joints = [header[i][:-2] for i in range(1, len(header), 3)]
    col = {j: 1 + 3 * k for k, j in enumerate(joints)}
    n = len(rows)
    rate = (n - 1) / float(rows[-1][0]) if n > 1 and float(rows[-1][0]) > 0 else 30.0
    joint = rng.choice(joints)
    if kind.startswith("gap"):
        length = 3 if kind == "gap-short" else 12
        start = rng.randrange(1, max(2, n - length - 1))
        for r in rows[start:start + length]:
            r[col[joint]:col[joint] + 3] = ["", "", ""]
    elif kind.startswith("slide"):
        amp = float(kind.split("-")[1])
        length = min(n, int(round(rate)))
        start = rng.randrange(0, max(1, n - length))
        angle = rng.uniform(0, 2 * math.pi)
        # A horizontal direction in the file's frame (y is up in a UI-PRMD conversion).
        dx, dz = math.cos(angle), math.sin(angle)
        for i in range(length):
            r = rows[start + i]
            w = amp * 0.5 * (1 - math.cos(2 * math.pi * i / max(1, length - 1)))
            c = col[joint]
            if r[c]:
                r[c] = repr(float(r[c]) + w * dx)
                r[c + 2] = repr(float(r[c + 2]) + w * dz)
    elif kind.startswith("spike"):
        length = int(kind.split("-")[1])
        start = rng.randrange(1, max(2, n - length - 1))
        # A direction uniform on the sphere, 30 cm long.
        z = rng.uniform(-1.0, 1.0)
        angle = rng.uniform(0, 2 * math.pi)
        ring = math.sqrt(1.0 - z * z)
        step = [30.0 * ring * math.cos(angle), 30.0 * ring * math.sin(angle), 30.0 * z]
        c = col[joint]
        for r in rows[start:start + length]:
            if r[c]:
                for a in range(3):
                    r[c + a] = repr(float(r[c + a]) + step[a])
    elif kind in SWAPPED:
        length = min(n, int(round(0.5 * rate)))
        start = rng.randrange(0, max(1, n - length))
        for r in rows[start:start + length]:
            for part in SWAPPED[kind]:
                a, b = col.get(f"Left {part}"), col.get(f"Right {part}")
                if a is not None and b is not None:
                    r[a:a + 3], r[b:b + 3] = r[b:b + 3], r[a:a + 3]
    return "\n".join(comments + [body[0]] + [",".join(r) for r in rows]) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(ap)
    args = ap.parse_args()
    altered_table(args.relearn, args.data, GLITCHES, glitched, "relearn-glitches-", "as given")


if __name__ == "__main__":
    main()
