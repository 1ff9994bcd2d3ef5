"""What the validation scripts that build a template from some UI-PRMD subjects and score
others share (`conventions.py`, `noise.py`, `resemblance.py`, `glitches.py`, `rates.py`): the
subject split (templates from s01-s05, scored repetitions from s06-s10), the file lists, the
command-line options for the binary and the data, running `relearn template build` and
`relearn score`, and the table of verdicts changed by an alteration of the files. Standard
library only."""
import json
import os
import random
import subprocess
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRAIN = ["s01", "s02", "s03", "s04", "s05"]
TEST = ["s06", "s07", "s08", "s09", "s10"]


def add_common_arguments(ap):
    """``--relearn`` (the binary) and ``--data`` (the UI-PRMD folder), with the defaults of a
    checkout next to ``../shared``."""
    ap.add_argument("--relearn", default=os.path.join(REPO, "target", "release", "relearn"))
    ap.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data", "ui-prmd"))


def files(data, m, subjects):
    """(path, label) of every Kinect positions file of movement ``m`` by ``subjects``, correct
    files first, each group sorted by name."""
    out = []
    for folder, label in (("Segmented Movements", "correct"), ("Incorrect Segmented Movements", "incorrect")):
        d = os.path.join(data, folder, "Kinect", "Positions")
        out += [(os.path.join(d, n), label) for n in sorted(os.listdir(d))
                if any(n.startswith(f"m{m:02d}_{s}_") for s in subjects)]
    return out


def build_template(relearn, work, name, entries):
    """Writes a manifest of ``entries`` ((path, label) pairs) and builds the template
    ``work/name.json`` from it; returns the template's path."""
    manifest = os.path.join(work, f"{name}.csv")
    with open(manifest, "w") as f:
        f.write("path,label\n")
        f.writelines(f'"{p}",{lab}\n' for p, lab in entries)
    template = os.path.join(work, f"{name}.json")
    subprocess.run([relearn, "template", "build", "--exercise", name, "--manifest", manifest,
                    "--out", template, "--json"], check=True, capture_output=True)
    return template


def score(relearn, template, paths, extra=()):
    """The JSON lines of `relearn score` for ``paths``, in order (``extra``: more options)."""
    r = subprocess.run([relearn, "score", "--template", template, "--json", *extra, *paths],
                       check=True, capture_output=True, text=True)
    return [json.loads(l) for l in r.stdout.splitlines()]


def leave_one_subject_out(relearn, data, m, work, subjects):
    """For movement ``m``, each subject in turn scored with the template of the others (as
    `relearn eval uiprmd` does): yields (subject, path, label, JSON line of `relearn score`)
    for each of the subject's files."""
    for s in subjects:
        others = files(data, m, [o for o in subjects if o != s])
        template = build_template(relearn, work, f"m{m:02d}_no_{s}", others)
        theirs = files(data, m, [s])
        for line, (path, label) in zip(score(relearn, template, [p for p, _ in theirs]), theirs):
            yield s, path, label, line


def altered_copy(relearn, work, path, tag, seed, alter):
    """``work/NAME.TAG.csv``: the UI-PRMD file at ``path`` as a generic skeleton CSV in cm
    (`relearn convert`, done once per file) changed by ``alter(text, rng)``, with ``rng`` a
    `random.Random` seeded by ``seed``; written once, then reused. Returns its path."""
    name = os.path.basename(path).replace(".txt.gz", "")
    q = os.path.join(work, f"{name}.{tag}.csv")
    if not os.path.exists(q):
        plain = os.path.join(work, name + ".csv")
        if not os.path.exists(plain):
            subprocess.run([relearn, "convert", path, "--out", plain], check=True,
                           capture_output=True)
        with open(plain) as f, open(q, "w") as g:
            g.write(alter(f.read(), random.Random(seed)))
    return q


def warning_kind(message):
    """What kind of warning a message is: its first four words (`relearn score --json` gives
    the messages, whose first words name the kind and whose numbers vary from file to file)."""
    return " ".join(message.split()[:4]).lower()


def altered_table(relearn, data, kinds, alter, work_prefix, clean_label, extra=()):
    """Prints the table of `glitches.py` and `rates.py`: for each movement, a template from
    TRAIN as distributed; every TEST file scored as distributed and again changed by
    ``alter(text, kind, rng)`` for each of ``kinds`` (on a `relearn convert` CSV, seeded by
    the file's name and the kind). A cell: verdicts changed / accuracy against the data set's
    labels / files that could not be scored / files with a warning of a kind the file as
    distributed did not get. The last line gives the accuracy as distributed, named
    ``clean_label``. ``extra``: more options for `relearn score`."""
    work = tempfile.mkdtemp(prefix=work_prefix)
    totals = {g: {"n": 0, "changed": 0, "right": 0, "failed": 0, "files": 0, "warned": 0}
              for g in kinds}
    right0 = n0 = 0
    print("| movement | " + " | ".join(f"{g}: verdicts changed / accuracy / failed / new warning"
                                         for g in kinds) + " |")
    print("|" + " --- |" * (len(kinds) + 1))
    for m in range(1, 11):
        template = build_template(relearn, work, f"m{m:02d}", files(data, m, TRAIN))
        test = files(data, m, TEST)
        base = {d["path"]: d for d in score(relearn, template, [p for p, _ in test], extra)}
        row = [f"m{m:02d}"]
        for p, lab in test:
            for r in base[p]["reps"]:
                n0 += 1
                right0 += r["verdict"] == lab
        for g in kinds:
            label_of = {}
            for p, lab in test:
                name = os.path.basename(p).replace(".txt.gz", "")
                q = altered_copy(relearn, work, p, g, f"{name}:{g}",
                                 lambda text, rng, g=g: alter(text, g, rng))
                label_of[q] = (p, lab)
            r = subprocess.run([relearn, "score", "--template", template, "--json", *extra,
                                *label_of], capture_output=True, text=True)
            other = {d["path"]: d for d in map(json.loads, r.stdout.splitlines())}
            t = totals[g]
            n = changed = right = failed = warned = 0
            for q, (p, lab) in label_of.items():
                d = other.get(q)
                if d is None or "error" in d:
                    failed += 1
                    continue
                clean = {warning_kind(c) for c in base[p]["warnings"]}
                warned += any(warning_kind(w) not in clean for w in d["warnings"])
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
    for g in kinds:
        t = totals[g]
        row.append(f"{t['changed']}/{t['n']} / {t['right'] / max(t['n'], 1):.3f} / {t['failed']}"
                   f" / {t['warned']}/{t['files']}")
    print("| " + " | ".join(row) + " |")
    print(f"\naccuracy {clean_label}: {right0 / max(n0, 1):.3f} ({n0} repetitions)")
