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
import json
import math
import os
import subprocess
import tempfile

from uiprmd_split import (TEST, TRAIN, add_common_arguments, altered_copy, build_template, files,
                          score)

GLITCHES = ["gap-short", "gap-long", "slide-5", "slide-10", "swap", "swap-arms", "swap-body"]
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
    work = tempfile.mkdtemp(prefix="relearn-glitches-")
    totals = {g: {"n": 0, "changed": 0, "right": 0, "failed": 0, "files": 0, "warned": 0}
              for g in GLITCHES}
    right0 = n0 = 0
    print("| movement | " + " | ".join(f"{g}: verdicts changed / accuracy / failed / new warning"
                                         for g in GLITCHES) + " |")
    print("|" + " --- |" * (len(GLITCHES) + 1))
    for m in range(1, 11):
        template = build_template(args.relearn, work, f"m{m:02d}", files(args.data, m, TRAIN))
        test = files(args.data, m, TEST)
        base = {d["path"]: d for d in score(args.relearn, template, [p for p, _ in test])}
        row = [f"m{m:02d}"]
        for p, lab in test:
            for r in base[p]["reps"]:
                n0 += 1
                right0 += r["verdict"] == lab
        for g in GLITCHES:
            moved, label_of = [], {}
            for p, lab in test:
                name = os.path.basename(p).replace(".txt.gz", "")
                q = altered_copy(args.relearn, work, p, g, f"{name}:{g}",
                                 lambda text, rng, g=g: glitched(text, g, rng))
                moved.append(q)
                label_of[q] = (p, lab)
            r = subprocess.run([args.relearn, "score", "--template", template, "--json", *moved],
                               capture_output=True, text=True)
            other = {d["path"]: d for d in map(json.loads, r.stdout.splitlines())}
            t = totals[g]
            n = changed = right = failed = warned = 0
            for q, (p, lab) in label_of.items():
                d = other.get(q)
                if d is None or "error" in d:
                    failed += 1
                    continue
                clean = set(base[p]["warnings"])
                warned += any(w.split(":")[0] not in {c.split(":")[0] for c in clean}
                              for w in d["warnings"])
                for x, y in zip(base[p]["reps"], d["reps"]):
                    n += 1
                    changed += x["verdict"] != y["verdict"]
                    right += y["verdict"] == lab
            for k, v in (("n", n), ("changed", changed), ("right", right), ("failed", failed),
                         ("files", len(label_of)), ("warned", warned)):
                t[k] += v
            row.append(f"{changed}/{n} / {right / max(n, 1):.3f} / {failed} / {warned}/{len(label_of)}")
        print("| " + " | ".join(row) + " |", flush=True)
    row = ["all"]
    for g in GLITCHES:
        t = totals[g]
        row.append(f"{t['changed']}/{t['n']} / {t['right'] / max(t['n'], 1):.3f} / {t['failed']}"
                   f" / {t['warned']}/{t['files']}")
    print("| " + " | ".join(row) + " |")
    print(f"\naccuracy as given: {right0 / max(n0, 1):.3f} ({n0} repetitions)")


if __name__ == "__main__":
    main()
