#!/usr/bin/env python3
"""Side-by-side end-to-end timing of Relearn and the Python reference pipeline on UI-PRMD.

Normally run through ``bench/uiprmd_speed.sh`` (which builds the release binary first).

    python3 bench/uiprmd_speed.py [--movements 1 | --movements all] [--repeats 3]

For each selected movement, both sides do the same job on the same files: build a template
from a manifest of the movement's 200 files (100 correct, 100 incorrect; header
``path,label``) and score the same 200 files, one process per command:

    relearn template build --exercise NAME --manifest mMM.csv --out mMM.relearn.json
    relearn score --template mMM.relearn.json FILE... --json > mMM.relearn.jsonl
    python3 bench/python_reference.py template --exercise NAME --manifest mMM.csv --out mMM.py.json
    python3 bench/python_reference.py score --template mMM.py.json FILE... --json > mMM.py.jsonl

Three variants are timed, interleaved within every repeat so that they see the same machine
load: Relearn with its default thread pool (rayon over files; ``nproc`` threads), Relearn with
``RAYON_NUM_THREADS=1``, and Python (single process, single thread; NumPy/SciPy/dtaidistance
are pinned to one thread with ``OMP_NUM_THREADS=1`` etc., which is also their effective use
here). The wall clock of the whole job (all selected movements, both commands) is measured
with ``time.perf_counter``; CPU time (user + system) from ``getrusage(RUSAGE_CHILDREN)``.
The wall clock of each step (all template builds; all scoring runs) is also reported, so that
the ratio of scoring alone can be read beside that of the whole job.
Before timing, every data file is read once (warm file cache) and each side runs once on
m01 untimed (warm binaries and Python modules).

Also measured in the same run: Python's start-up (interpreter + ``import numpy,
scipy.signal, scipy.interpolate, dtaidistance``), paid twice per movement, so that the ratio
can be read with and without it; and the agreement of the two sides' verdicts (a check that
they do the same work).

Environment: ``RELEARN`` (binary, default ``target/release/relearn``), ``UIPRMD`` (data
folder, default ``../shared/data/ui-prmd`` from the repository root), ``PYTHON`` (default
``python3``), ``RELEARN_BASELINE`` (optional: an earlier build, timed as one more variant in
the same run, so that a change is measured against the same machine load),
``PYTHON_REFERENCE_BASELINE`` (optional: an earlier ``python_reference.py``, say
``git show <commit>:bench/python_reference.py > old.py``, timed as one more variant, so that
a change to the reference is measured against the same machine load; ratios are always
against the current reference).
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAMES = ["deep squat", "hurdle step", "inline lunge", "side lunge", "sit to stand",
         "standing active straight leg raise", "standing shoulder abduction",
         "standing shoulder extension", "standing shoulder internal-external rotation",
         "standing shoulder scaption"]
SINGLE = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def files_of(data, m):
    out = []
    for folder, label in (("Segmented Movements/Kinect/Positions", "correct"),
                          ("Incorrect Segmented Movements/Kinect/Positions", "incorrect")):
        d = os.path.join(data, folder)
        out += [(os.path.join(d, f), label) for f in sorted(os.listdir(d)) if f.startswith(f"m{m:02d}_")]
    return out


def run(cmd, out_path, env, steps, step):
    """Runs one command, adding its wall-clock time to ``steps[step]``."""
    with open(out_path, "w") as out:
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, env=env, text=True)
        steps[step] = steps.get(step, 0.0) + time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(cmd[:4])} ...\n{r.stderr[-2000:]}")


def job(side, movements, work, relearn, python, env, steps=None, baseline=None, py_baseline=None):
    """The whole job for one side: template + score for every movement. The wall-clock time of
    each kind of command (``template``, ``score``) is added up in ``steps``."""
    steps = {} if steps is None else steps
    for m, name, files, manifest in movements:
        base = os.path.join(work, f"m{m:02d}.{side}")
        if side in ("python", "python-baseline"):
            script = (py_baseline if side == "python-baseline"
                      else os.path.join(REPO, "bench", "python_reference.py"))
            run([python, script, "template", "--exercise", name, "--manifest", manifest,
                 "--out", base + ".json"], base + ".template.out", env, steps, "template")
            run([python, script, "score", "--template", base + ".json", "--json"] + files,
                base + ".jsonl", env, steps, "score")
        else:
            binary = baseline if side == "baseline" else relearn
            run([binary, "template", "build", "--exercise", name, "--manifest", manifest,
                 "--out", base + ".json", "--json"], base + ".template.out", env, steps, "template")
            run([binary, "score", "--template", base + ".json", "--json"] + files,
                base + ".jsonl", env, steps, "score")


def timed(fn):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    fn()
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def agreement(work, movements):
    """Repetitions whose verdict, and whose ``unlike_exercise`` mark, the two sides agree on,
    out of all repetitions (a file whose repetition counts differ counts as one disagreement
    for both)."""
    same = same_unlike = total = 0
    for m, _, _, _ in movements:
        paths = [os.path.join(work, f"m{m:02d}.{s}.jsonl") for s in ("relearn", "python")]
        rows = []
        for p in paths:
            with open(p) as f:
                rows.append({d["path"]: d for d in map(json.loads, f)})
        for path, a in rows[0].items():
            b = rows[1].get(path)
            if not b or len(a.get("reps", [])) != len(b.get("reps", [])):
                total += 1
                continue
            for ra, rb in zip(a["reps"], b["reps"]):
                total += 1
                same += ra["verdict"] == rb["verdict"]
                same_unlike += ra.get("unlike_exercise", False) == rb.get("unlike_exercise", False)
    return same, same_unlike, total


def rule_agreement(work, movements):
    """Movements whose two templates switch on the same fault rules and let the same ones decide
    the verdict (Relearn's ``rules``: ``enabled``, ``decides_verdict``; the reference's
    ``rules_on``, ``rules_decide``), and the movements where they differ."""
    differ = []
    for m, _, _, _ in movements:
        with open(os.path.join(work, f"m{m:02d}.relearn.json")) as f:
            ours = {r["id"]: (r["enabled"], r["enabled"] and r["decides_verdict"])
                    for r in json.load(f)["rules"]}
        with open(os.path.join(work, f"m{m:02d}.python.json")) as f:
            t = json.load(f)
        theirs = {r: (t["rules_on"].get(r, True), t["rules_on"].get(r, True) and t["rules_decide"].get(r, False))
                  for r in ours}
        if ours != theirs:
            differ.append(m)
    return len(movements) - len(differ), differ


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--movements", default="1", help="comma-separated 1-10, or all")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    relearn = os.path.abspath(os.environ.get("RELEARN", os.path.join(REPO, "target/release/relearn")))
    data = os.environ.get("UIPRMD", os.path.join(REPO, "..", "shared", "data", "ui-prmd"))
    python = os.environ.get("PYTHON", "python3")
    if not os.path.isdir(data):
        sys.exit(f"{data}: UI-PRMD folder not found (set UIPRMD)")
    if not os.access(relearn, os.X_OK):
        sys.exit(f"{relearn}: no Relearn binary (build it, or set RELEARN)")
    ms = list(range(1, 11)) if args.movements == "all" else [int(x) for x in args.movements.split(",")]
    work = tempfile.mkdtemp(prefix="relearn-speed-")
    movements = []
    for m in ms:
        entries = files_of(data, m)
        manifest = os.path.join(work, f"m{m:02d}.csv")
        with open(manifest, "w") as f:
            f.write("path,label\n")
            f.writelines(f"{p},{lab}\n" for p, lab in entries)
        movements.append((m, NAMES[m - 1], [p for p, _ in entries], manifest))
    n_files = sum(len(x[2]) for x in movements)

    # Warm file cache: every Positions and Angles file of the selection, read once.
    for _, _, files, _ in movements:
        for p in files:
            for q in (p, p.replace("/Positions/", "/Angles/").replace("_positions", "_angles")):
                with open(q, "rb") as f:
                    f.read()
    base_env = dict(os.environ)
    base_env.pop("RAYON_NUM_THREADS", None)
    envs = {
        "relearn (default threads)": ("relearn", base_env),
        "relearn RAYON_NUM_THREADS=1": ("relearn", dict(base_env, RAYON_NUM_THREADS="1")),
        "python reference (1 thread)": ("python", dict(base_env, **SINGLE)),
    }
    baseline = os.environ.get("RELEARN_BASELINE")
    if baseline:
        # An earlier build, timed in the same run, so that a change is measured against the
        # same machine load as the peer.
        baseline = os.path.abspath(baseline)
        if not os.access(baseline, os.X_OK):
            sys.exit(f"{baseline}: RELEARN_BASELINE is not an executable")
        envs = {"relearn (default threads)": envs["relearn (default threads)"],
                "baseline relearn (default threads)": ("baseline", base_env),
                **{k: v for k, v in envs.items() if k != "relearn (default threads)"}}
    py_baseline = os.environ.get("PYTHON_REFERENCE_BASELINE")
    if py_baseline:
        py_baseline = os.path.abspath(py_baseline)
        if not os.path.isfile(py_baseline):
            sys.exit(f"{py_baseline}: PYTHON_REFERENCE_BASELINE is not a file")
        envs["earlier python reference (1 thread)"] = ("python-baseline", envs["python reference (1 thread)"][1])
    # Untimed warm-up on the first movement (binaries, Python modules, page cache).
    for side, env in {v[0]: v[1] for v in envs.values()}.items():
        job(side, movements[:1], work, relearn, python, env, None, baseline, py_baseline)

    startup_cmd = [python, "-c", "import numpy, scipy.signal, scipy.interpolate, dtaidistance.dtw_ndim"]
    results = {k: [] for k in envs}
    per_step = {k: [] for k in envs}
    startups = []
    for rep in range(args.repeats):
        for name, (side, env) in envs.items():
            steps = {}
            wall, cpu = timed(lambda: job(side, movements, work, relearn, python, env, steps,
                                          baseline, py_baseline))
            results[name].append((wall, cpu))
            per_step[name].append(steps)
            print(f"repeat {rep + 1}: {name}: {wall:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr)
        w, _ = timed(lambda: subprocess.run(startup_cmd, check=True, env=envs["python reference (1 thread)"][1]))
        startups.append(w)
    same, same_unlike, total = agreement(work, movements)
    rules_same, rules_differ = rule_agreement(work, movements)

    label = "m" + ",".join(f"{m:02d}" for m in ms) if len(ms) < 10 else "all 10 movements"
    print(f"\n### UI-PRMD {label}: {n_files} files, template build + score, {args.repeats} repeats\n")
    print(f"machine: {os.cpu_count()} CPUs; Relearn {relearn}; data {os.path.abspath(data)}\n")
    print("| variant | median wall (s) | all runs (s) | median CPU (s) | Python / this (wall) |")
    print("| --- | --- | --- | --- | --- |")
    py = statistics.median(w for w, _ in results["python reference (1 thread)"])
    for name, runs in results.items():
        walls = [w for w, _ in runs]
        med = statistics.median(walls)
        cpu = statistics.median(c for _, c in runs)
        print(f"| {name} | {med:.2f} | {', '.join(f'{w:.2f}' for w in walls)} | {cpu:.2f} | {py / med:.1f} |")
    print("\nEach step on its own (sum over the movements of each command's wall clock; median of "
          "the repeats):\n")
    print("| variant | template build (s) | Python / this | score (s) | Python / this |")
    print("| --- | --- | --- | --- | --- |")
    py_steps = {k: statistics.median(s[k] for s in per_step["python reference (1 thread)"])
                for k in ("template", "score")}
    for name, runs in per_step.items():
        t = statistics.median(s["template"] for s in runs)
        sc = statistics.median(s["score"] for s in runs)
        print(f"| {name} | {t:.2f} | {py_steps['template'] / t:.1f} | {sc:.2f} | "
              f"{py_steps['score'] / sc:.1f} |")
    st = statistics.median(startups)
    py_compute = py - 2 * len(ms) * st
    print(f"\nPython start-up (interpreter + imports), median of {len(startups)}: {st:.2f} s, paid "
          f"{2 * len(ms)} times -> Python without start-up ~{py_compute:.2f} s; ratio without "
          f"start-up: {py_compute / statistics.median(w for w, _ in results['relearn (default threads)']):.1f} "
          f"(default threads), {py_compute / statistics.median(w for w, _ in results['relearn RAYON_NUM_THREADS=1']):.1f} "
          f"(1 thread)")
    one = [w for w, _ in results["relearn RAYON_NUM_THREADS=1"]]
    default = [w for w, _ in results["relearn (default threads)"]]

    def spread(v):
        return (max(v) - min(v)) / statistics.median(v) * 100

    print(f"how much the machine gave: the default threads ran {statistics.median(one) / statistics.median(default):.2f} "
          f"times as fast as one thread ({os.cpu_count()} CPUs); runs spread by "
          f"{spread(default):.0f} % (default threads) and {spread(one):.0f} % (one thread). "
          f"A second CPU shared with other work shows as a speed-up well under the CPU count "
          f"and a wide spread of the default-thread runs (BENCHMARKS.md, seventh session of "
          f"2026-12-06)")
    print(f"fault rules switched on, and deciding the verdict: the same in {rules_same} of "
          f"{len(movements)} movements' templates" + (f" (differ in {rules_differ})" if rules_differ else ""))
    print(f"verdict agreement Relearn vs Python: {same} of {total} repetitions; "
          f"unlike_exercise marks agree on {same_unlike}")
    print(f"outputs kept in {work}")


if __name__ == "__main__":
    main()
