"""Peer reference values for Relearn's numerics, computed with SciPy and dtaidistance.

Writes validation/peer_reference.json: input signals and what the peer libraries return for
them. `crates/relearn-core/tests/peer_reference.rs` recomputes the same with Relearn and
asserts agreement. Run (versions pinned in validation/requirements.txt):

    pip install -r validation/requirements.txt
    python3 validation/peer_reference.py

Compared:
- zero-phase Butterworth low-pass, 2nd order, Winter's dual-pass correction applied to the
  pre-warped frequency (tan(pi fc_design / fs) = tan(pi fc / fs) / C, C = (2**0.5 - 1)**0.25;
  Robertson & Dowling 2003), scipy.signal.butter(output="sos") +
  scipy.signal.sosfiltfilt(padtype="odd", padlen=P) with Relearn's padding P = max(3 x taps,
  1 s); and a 4th-order high-pass (EMG-style) the same way;
- DTW distance (dtaidistance.dtw.distance, C implementation, with and without a window) on
  univariate series, and dtaidistance.dtw_ndim.distance on 3-D series.
"""
import json
import os

import numpy as np
import scipy
import scipy.signal
import dtaidistance
from dtaidistance import dtw, dtw_ndim

rng = np.random.default_rng(20261123)
out = {"versions": {"numpy": np.__version__, "scipy": scipy.__version__,
                    "dtaidistance": dtaidistance.__version__},
       "filters": [], "dtw": [], "dtw_ndim": []}

C = (2 ** 0.5 - 1) ** 0.25
for rate, fc, n in [(30.0, 6.0, 300), (100.0, 6.0, 700), (50.0, 3.0, 123), (15.0, 6.0, 150)]:
    t = np.arange(n) / rate
    x = np.sin(2 * np.pi * 0.7 * t) + 0.3 * np.sin(2 * np.pi * 9.0 * t) + 0.05 * rng.standard_normal(n)
    design = np.arctan(np.tan(np.pi * fc / rate) / C) * rate / np.pi
    sos = scipy.signal.butter(2, design, btype="lowpass", fs=rate, output="sos")
    pad = max(3 * (2 * sos.shape[0] + 1), int(np.ceil(rate)))
    pad = min(pad, n - 1)
    y = scipy.signal.sosfiltfilt(sos, x, padtype="odd", padlen=pad)
    out["filters"].append({"kind": "zero_phase_lowpass", "order": 2, "cutoff_hz": fc,
                           "rate_hz": rate, "pad": pad, "x": x.tolist(), "y": y.tolist()})
for rate, fc, n in [(1000.0, 20.0, 2000)]:
    x = rng.standard_normal(n) + 3.0
    sos = scipy.signal.butter(4, fc, btype="highpass", fs=rate, output="sos")
    pad = max(3 * (2 * sos.shape[0] + 1), int(np.ceil(rate)))
    pad = min(pad, n - 1)
    y = scipy.signal.sosfiltfilt(sos, x, padtype="odd", padlen=pad)
    out["filters"].append({"kind": "highpass", "order": 4, "cutoff_hz": fc, "rate_hz": rate,
                           "pad": pad, "x": x.tolist(), "y": y.tolist()})

for la, lb, window in [(50, 60, None), (101, 101, 10), (80, 101, 30), (30, 30, 3)]:
    a = np.cumsum(rng.standard_normal(la))
    b = np.cumsum(rng.standard_normal(lb))
    d = dtw.distance(a, b, window=window, use_c=True)
    out["dtw"].append({"a": a.tolist(), "b": b.tolist(), "window": window, "distance": d})
for la, lb in [(40, 55), (101, 101)]:
    a = np.cumsum(rng.standard_normal((la, 3)), axis=0)
    b = np.cumsum(rng.standard_normal((lb, 3)), axis=0)
    d = dtw_ndim.distance(a, b, use_c=True)
    out["dtw_ndim"].append({"a": a.ravel().tolist(), "b": b.ravel().tolist(), "dims": 3,
                            "distance": d})

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "peer_reference.json")
with open(path, "w") as f:
    json.dump(out, f)
print("wrote", path, out["versions"])
