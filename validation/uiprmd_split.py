"""What the validation scripts that build a template from some UI-PRMD subjects and score
others share (`conventions.py`, `noise.py`, `resemblance.py`): the subject split (templates
from s01-s05, scored repetitions from s06-s10), the file lists, the command-line options for
the binary and the data, and running `relearn template build` and `relearn score`. Standard
library only."""
import json
import os
import random
import subprocess

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
