#!/usr/bin/env python3
"""Do Relearn's verdicts hold when the patient's camera runs at another frame rate than the
demonstration's?

A clinic's template may come from a 30 Hz depth camera and the patient be filmed by a
webcam at 15 Hz, a phone at 60 Hz or a motion-capture system at 100 Hz or more. For each
UI-PRMD movement a template is built from subjects s01-s05 as distributed (30 Hz); every
repetition of s06-s10 is scored as distributed and again at another rate:

- ``15hz`` / ``10hz``: every second / third frame kept (a slower camera; the samples are
  real, with the same per-frame noise);
- ``60hz`` / ``120hz``: the frames interpolated (natural cubic spline through each
  coordinate) at twice / four times the rate. Interpolation adds no noise above the original
  15 Hz Nyquist frequency, so these recordings are smoother than a real fast camera's.

Reported per rate: verdicts changed, accuracy against the data set's labels, files that
could not be scored, and files with a warning the file at 30 Hz did not get.

    python3 validation/rates.py [--relearn target/release/relearn] [--data DIR]

Standard library only.
"""
import argparse

from uiprmd_split import add_common_arguments, altered_table

RATES = ["15hz", "10hz", "60hz", "120hz"]


def spline(ys):
    """Second derivatives of the natural cubic spline through equally spaced ``ys`` (unit
    spacing; Thomas algorithm)."""
    n = len(ys)
    if n < 3:
        return [0.0] * n
    a = [0.0] * n
    b = [0.0] * n
    m = [0.0] * n
    for i in range(1, n - 1):
        rhs = 6.0 * (ys[i + 1] - 2.0 * ys[i] + ys[i - 1])
        w = 4.0 - (a[i - 1] if i > 1 else 0.0)
        a[i] = 1.0 / w
        b[i] = (rhs - (b[i - 1] if i > 1 else 0.0)) / w
    for i in range(n - 2, 0, -1):
        m[i] = b[i] - a[i] * m[i + 1]
    return m


def at(ys, m, x):
    """The spline through ``ys`` (second derivatives ``m``) at fractional index ``x``."""
    i = min(int(x), len(ys) - 2)
    t = x - i
    return ((1 - t) * ys[i] + t * ys[i + 1]
            + ((1 - t) ** 3 - (1 - t)) * m[i] / 6.0 + (t ** 3 - t) * m[i + 1] / 6.0)


def resampled(csv_text, kind):
    """The recording (a `relearn convert` CSV) at the rate of ``kind``."""
    lines = csv_text.splitlines()
    comments = [l for l in lines if l.startswith("#")]
    body = [l for l in lines if not l.startswith("#")]
    rows = [l.split(",") for l in body[1:]]
    n = len(rows)
    dt = float(rows[1][0]) - float(rows[0][0])
    if kind in ("15hz", "10hz"):
        step = 2 if kind == "15hz" else 3
        out = rows[::step]
    else:
        factor = 2 if kind == "60hz" else 4
        cols = list(zip(*rows))
        curves = []
        for c in cols[1:]:
            if any(v == "" for v in c):
                curves.append(None)  # a coordinate with gaps: nearest frame instead
                continue
            ys = [float(v) for v in c]
            curves.append((ys, spline(ys)))
        out = []
        for k in range((n - 1) * factor + 1):
            x = k / factor
            row = [repr(float(rows[0][0]) + x * dt)]
            for j, cv in enumerate(curves):
                row.append(cols[j + 1][round(x)] if cv is None else repr(at(cv[0], cv[1], x)))
            out.append(row)
    return "\n".join(comments + [body[0]] + [",".join(r) for r in out]) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(ap)
    ap.add_argument("--extra", default="", help="more options for `relearn score`, space-separated")
    args = ap.parse_args()
    altered_table(args.relearn, args.data, RATES, lambda text, kind, rng: resampled(text, kind),
                  "relearn-rates-", "at 30 Hz", args.extra.split())


if __name__ == "__main__":
    main()
