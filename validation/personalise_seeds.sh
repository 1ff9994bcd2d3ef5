#!/usr/bin/env bash
# How much the personalised protocol depends on WHICH repetitions were labelled
# (VALIDATION.md §4, "Personalised to the patient"): `relearn eval uiprmd --personalise K`
# with the K files of each kind chosen at random (seeds 1-5, a different choice for every
# subject) instead of the first K; prints the mean and range of accuracy per movement.
#
#   validation/personalise_seeds.sh [K ...]     # default: 2 3
# Environment: RELEARN (default target/release/relearn), UIPRMD (default ../shared/data/ui-prmd)
set -euo pipefail
cd "$(dirname "$0")/.."
RELEARN="${RELEARN:-target/release/relearn}"
UIPRMD="${UIPRMD:-../shared/data/ui-prmd}"
work="$(mktemp -d)"
for k in "${@:-2 3}"; do
  for k1 in $k; do
    for seed in 1 2 3 4 5; do
      "$RELEARN" eval uiprmd "$UIPRMD" --personalise "$k1" --personalise-seed "$seed" --json \
        > "$work/k${k1}_s${seed}.json"
    done
  done
done
python3 - "$work" <<'PY'
import glob, json, os, re, statistics, sys
work = sys.argv[1]
ks = sorted({int(re.match(r"k(\d+)_", os.path.basename(p)).group(1)) for p in glob.glob(f"{work}/k*_s*.json")})
for k in ks:
    runs = [json.load(open(p)) for p in sorted(glob.glob(f"{work}/k{k}_s*.json"))]
    print(f"\nK = {k}: {len(runs)} seeds; mean accuracy [min-max]\n")
    print("| movement | accuracy | same files, not personalised |")
    print("| --- | --- | --- |")
    for i, m in enumerate(runs[0]["movements"]):
        acc = [r["movements"][i]["accuracy"] for r in runs]
        base = []
        for r in runs:
            c = r["movements"][i]["without_personalisation"]
            base.append((c["true_correct"] + c["true_incorrect"]) / sum(c.values()))
        print(f"| m{m['movement']:02d} {m['name']} | {statistics.mean(acc):.3f} [{min(acc):.3f}-{max(acc):.3f}] | {statistics.mean(base):.3f} |")
    alls = [r["overall"]["accuracy"] for r in runs]
    base_all = []
    for r in runs:
        cs = [m["without_personalisation"] for m in r["movements"]]
        right = sum(c["true_correct"] + c["true_incorrect"] for c in cs)
        base_all.append(right / sum(sum(c.values()) for c in cs))
    print(f"| all | {statistics.mean(alls):.3f} [{min(alls):.3f}-{max(alls):.3f}] | {statistics.mean(base_all):.3f} |")
    reach = [sum(m["accuracy"] >= 0.9 for m in r["movements"]) for r in runs]
    print(f"\nmovements at 0.90 or more, per seed: {reach}")
PY
rm -rf "$work"
