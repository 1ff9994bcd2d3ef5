#!/usr/bin/env python3
"""Turn criterion's saved estimates into BENCHMARKS.md table rows.

Usage:
    python3 bench/criterion_summary.py [CRITERION_DIR] [--filter SUBSTRING]

CRITERION_DIR defaults to $CARGO_TARGET_DIR/criterion, else target/criterion. For every
benchmark criterion measured (each ``<group>/<function>/new/estimates.json`` with its
``benchmark.json``), one Markdown row is printed:

    | benchmark | time per iteration (95 % CI) | median of samples | MAD |

"time per iteration" is criterion's slope estimate (linear regression of sample time on
iteration count), the figure ``cargo bench`` prints as ``time: [lo est hi]``; when criterion
used flat sampling and reports no slope, the mean is used and marked "(mean)".

Standard library only.
"""

import json
import os
import sys


def fmt(ns):
    """A duration in nanoseconds, in a readable unit with 3 significant digits."""
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def rows(root, needle=""):
    out = []
    for dirpath, _dirnames, filenames in os.walk(root):
        if os.path.basename(dirpath) != "new" or "estimates.json" not in filenames:
            continue
        with open(os.path.join(dirpath, "estimates.json")) as f:
            est = json.load(f)
        name = os.path.relpath(os.path.dirname(dirpath), root)
        bench_json = os.path.join(dirpath, "benchmark.json")
        if os.path.exists(bench_json):
            with open(bench_json) as f:
                name = json.load(f).get("full_id", name)
        if needle not in name:
            continue
        typical = est.get("slope") or est["mean"]
        which = "" if est.get("slope") else " (mean)"
        ci = typical["confidence_interval"]
        out.append(
            (
                name,
                f"| `{name}` | {fmt(typical['point_estimate'])}{which} "
                f"[{fmt(ci['lower_bound'])}, {fmt(ci['upper_bound'])}] "
                f"| {fmt(est['median']['point_estimate'])} "
                f"| {fmt(est['median_abs_dev']['point_estimate'])} |",
            )
        )
    return [r for _, r in sorted(out)]


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    needle = ""
    if "--filter" in argv:
        i = argv.index("--filter")
        needle = argv[i + 1] if i + 1 < len(argv) else ""
        args = [a for a in args if a != needle]
    if args:
        root = args[0]
    else:
        target = os.environ.get("CARGO_TARGET_DIR", "target")
        root = os.path.join(target, "criterion")
    if not os.path.isdir(root):
        sys.exit(f"{root}: no criterion results (run cargo bench first)")
    table = rows(root, needle)
    if not table:
        sys.exit(f"{root}: no benchmark matches {needle!r}")
    print("| benchmark | time per iteration (95 % CI) | median of samples | MAD |")
    print("| --- | --- | --- | --- |")
    print("\n".join(table))


if __name__ == "__main__":
    main(sys.argv)
