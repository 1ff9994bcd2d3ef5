#!/usr/bin/env bash
# End-to-end speed of Relearn against the Python reference pipeline on UI-PRMD, side by side
# in one run (BENCHMARKS.md, "UI-PRMD end to end").
#
#   bench/uiprmd_speed.sh            # m01 (200 files), then all 10 movements (2000 files)
#   bench/uiprmd_speed.sh 1          # m01 only
#   bench/uiprmd_speed.sh all        # all 10 movements only
#
# Builds the release binary first (`cargo build --release -p relearn-cli`, honouring
# CARGO_TARGET_DIR), then runs bench/uiprmd_speed.py. Environment:
#   RELEARN   binary to time (default target/release/relearn; with CARGO_TARGET_DIR=/x use
#             RELEARN=/x/release/relearn)
#   RELEARN_BASELINE  an earlier build, timed as one more variant in the same run
#             (say, the binary of the previous commit, to measure a change)
#   PYTHON_REFERENCE_BASELINE  an earlier bench/python_reference.py, timed as one more variant
#             (git show <commit>:bench/python_reference.py > old.py), to measure a change to
#             the reference; ratios are always against the current one
#   UIPRMD    data folder (default ../shared/data/ui-prmd from the repository root)
#   REPEATS   repeats per variant (default 3)
#   SKIP_BUILD=1  do not build
# Python side: pip install -r bench/requirements.txt
set -euo pipefail
cd "$(dirname "$0")/.."
export RELEARN="${RELEARN:-target/release/relearn}"
if [ -z "${SKIP_BUILD:-}" ]; then
  cargo build --release -p relearn-cli >&2
fi
echo "nproc: $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" >&2
python3 -c 'import numpy, scipy, dtaidistance; print("numpy", numpy.__version__, "scipy", scipy.__version__, "dtaidistance", dtaidistance.__version__)' >&2
for sel in "${@:-1 all}"; do
  for s in $sel; do
    python3 bench/uiprmd_speed.py --movements "$s" --repeats "${REPEATS:-3}"
  done
done
