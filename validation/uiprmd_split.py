"""The subject split shared by the validation scripts that build a template from some UI-PRMD
subjects and score others (`conventions.py`, `resemblance.py`): templates from s01-s05, scored
repetitions from s06-s10. Standard library only."""
import os

TRAIN = ["s01", "s02", "s03", "s04", "s05"]
TEST = ["s06", "s07", "s08", "s09", "s10"]


def files(data, m, subjects):
    """(path, label) of every Kinect positions file of movement ``m`` by ``subjects``, correct
    files first, each group sorted by name."""
    out = []
    for folder, label in (("Segmented Movements", "correct"), ("Incorrect Segmented Movements", "incorrect")):
        d = os.path.join(data, folder, "Kinect", "Positions")
        out += [(os.path.join(d, n), label) for n in sorted(os.listdir(d))
                if any(n.startswith(f"m{m:02d}_{s}_") for s in subjects)]
    return out
