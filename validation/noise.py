#!/usr/bin/env python3
"""How much sensor noise can Relearn's verdicts take?

Relearn will meet recordings noisier than the UI-PRMD Kinect files it was validated on. For
each UI-PRMD movement a template is built from subjects s01-s05 as distributed; every
repetition of s06-s10 is scored as distributed and again after independent Gaussian noise of
standard deviation SIGMA (millimetres, each coordinate of each joint in each frame; seeded,
so every run gives the same table) was added to its positions (`relearn convert`, then the
noise, written in full). Reported per noise level: the share of verdicts that changed, the
accuracy against the data set's labels with and without the noise, the share of recordings
Relearn warned about (`noisier_than_template`: noisier than the far-out fence of the
template's examples), and the median absolute score change.

Relearn matches a recording with at least twice the template's examples' median noise power to
them before scoring (docs/scoring.md §4, "Noise matching"); `--no-noise-match` scores without
that step (`relearn score --no-noise-match`), for the comparison in VALIDATION.md.

White noise is the simplest model of tracker jitter (Kinect v2 joint positions jitter by a few
millimetres at rest and more in motion; a camera-keypoint tracker by centimetres). Real
tracking errors are also correlated in time (a joint sliding, a limb swapped), which this
does not model.

    python3 validation/noise.py [--sigma-mm 2,5,10,20] [--matched] [--no-noise-match]
        [--relearn target/release/relearn]

Standard library only.
"""
import argparse
import os
import statistics
import tempfile

from uiprmd_split import (TEST, TRAIN, add_common_arguments, altered_copy, build_template, files,
                          score)



def noisy(csv_text, sigma_mm, rng):
    """The recording with Gaussian noise added to every coordinate (the CSV is in cm)."""
    lines = csv_text.splitlines()
    out = [l for l in lines if l.startswith("#")]
    body = [l for l in lines if not l.startswith("#")]
    if not any(l.startswith("# units: cm") for l in out):
        raise SystemExit("expected a centimetre CSV from `relearn convert` of a UI-PRMD file")
    out.append(body[0])
    s = sigma_mm / 10.0
    for line in body[1:]:
        f = line.split(",")
        out.append(",".join([f[0]] + [repr(float(v) + rng.gauss(0.0, s)) if v else "" for v in f[1:]]))
    return "\n".join(out) + "\n"


def with_noise(relearn, work, path, sigma):
    """A copy of the UI-PRMD file at ``path`` with noise of ``sigma`` mm (made once, seeded by
    the file's name and the noise level)."""
    name = os.path.basename(path).replace(".txt.gz", "")
    return altered_copy(relearn, work, path, f"noise{sigma:g}", f"{name}:{sigma}",
                        lambda text, rng: noisy(text, sigma, rng))


def by_path(lines):
    return {d["path"]: d for d in lines}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(ap)
    ap.add_argument("--sigma-mm", default="2,5,10,20")
    ap.add_argument("--matched", action="store_true",
                    help="also add the same noise to the template's examples (one template per "
                         "noise level): a clinic whose demonstrations come from the same noisy "
                         "system as its patients' recordings")
    ap.add_argument("--no-noise-match", action="store_true",
                    help="score without noise matching (`relearn score --no-noise-match`), to "
                         "compare with and without it in one build")
    args = ap.parse_args()
    extra = ["--no-noise-match"] if args.no_noise_match else []
    sigmas = [float(x) for x in args.sigma_mm.split(",")]
    work = tempfile.mkdtemp(prefix="relearn-noise-")
    totals = {s: {"n": 0, "changed": 0, "right": 0, "right0": 0, "delta": [], "warned": 0,
                  "files": 0, "changed_unwarned": 0, "n_unwarned": 0} for s in sigmas}
    print("| movement | " + " | ".join(f"σ {s:g} mm: verdicts changed / accuracy (as given) / warned"
                                         for s in sigmas) + " |")
    print("|" + " --- |" * (len(sigmas) + 1))
    for m in range(1, 11):
        clean_template = build_template(args.relearn, work, f"m{m:02d}", files(args.data, m, TRAIN))
        test = files(args.data, m, TEST)
        base = by_path(score(args.relearn, clean_template, [p for p, _ in test], extra))
        row = [f"m{m:02d}"]
        for sigma in sigmas:
            template = clean_template
            if args.matched:
                noisy_train = [(with_noise(args.relearn, work, p, sigma), lab)
                               for p, lab in files(args.data, m, TRAIN)]
                template = build_template(args.relearn, work, f"m{m:02d}.noise{sigma:g}", noisy_train)
            moved, label_of = [], {}
            for p, lab in test:
                q = with_noise(args.relearn, work, p, sigma)
                moved.append(q)
                label_of[q] = (p, lab)
            other = by_path(score(args.relearn, template, moved, extra))
            n = changed = right = right0 = warned = 0
            t = totals[sigma]
            for q, (p, lab) in label_of.items():
                a, b = base[p]["reps"], other[q]["reps"]
                warn = any("noisier than the ones the template" in w for w in other[q]["warnings"])
                warned += warn
                for x, y in zip(a, b):
                    n += 1
                    changed += x["verdict"] != y["verdict"]
                    right0 += x["verdict"] == lab
                    right += y["verdict"] == lab
                    t["delta"].append(abs(x["score"] - y["score"]))
                    if not warn:
                        t["n_unwarned"] += 1
                        t["changed_unwarned"] += x["verdict"] != y["verdict"]
            t["warned"] += warned
            t["files"] += len(label_of)
            t["n"] += n
            t["changed"] += changed
            t["right"] += right
            t["right0"] += right0
            row.append(f"{changed}/{n} / {right / n:.3f} ({right0 / n:.3f}) / {warned}/{len(label_of)}")
        print("| " + " | ".join(row) + " |", flush=True)
    row = ["all"]
    for sigma in sigmas:
        t = totals[sigma]
        row.append(f"{t['changed']}/{t['n']} / {t['right'] / t['n']:.3f} ({t['right0'] / t['n']:.3f})"
                   f" / {t['warned']}/{t['files']}")
    print("| " + " | ".join(row) + " |")
    print()
    for sigma in sigmas:
        t = totals[sigma]
        unwarned = (f"{t['changed_unwarned']}/{t['n_unwarned']} verdicts changed among the "
                    f"recordings not warned about") if t["n_unwarned"] else "every recording warned about"
        print(f"σ {sigma:g} mm: median absolute score change "
              f"{statistics.median(t['delta']):.1f} points; {unwarned}")


if __name__ == "__main__":
    main()
