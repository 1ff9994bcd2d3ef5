#!/usr/bin/env python3
"""A clinic's small template, judged on its verdicts: one person demonstrates a few
repetitions, other people are scored (VALIDATION.md §4, "A clinic's small template: the
verdict").

    python3 validation/small_template.py [--examples 5] [--demonstrators 1] [--with-incorrect] [--personalise 2] [--reasons]

For each UI-PRMD movement, each of s01-s05 in turn is the demonstrator: the template is that
person's first N correct files (``--examples``, 5), and their first N incorrect ones too with
``--with-incorrect``. With ``--demonstrators D`` (1), each template is D people's first N
files (each of s01-s05 with the D - 1 next ones), as when a clinic records two or three of
its staff demonstrating; "own" columns are then those people's files. Scored with it
(`relearn score`; a file's verdict is its first repetition's):

- *own examples*: the N files the template was built from;
- *own next*: the same person's other correct files (e.g. e06-e10): the same person on the
  same day, repetitions the template did not see;
- *others correct* and *others incorrect*: every file of s06-s10.

The columns give the share called correct (own files, others' correct) or incorrect (others'
incorrect), the area under the ROC curve of the scores of others' correct against others'
incorrect files, pooled over s06-s10 and within each of them (averaged), and, with
``--personalise K`` (2), the accuracy on each of s06-s10's remaining 20 - 2K files when the
template is personalised (`relearn template personalise`) with that person's first K correct
and first K incorrect files, beside the accuracy on the same files without personalising.
Counts are added over the five demonstrators. Standard library only; about 20 s.

With ``--reasons``, a second table says why other people's correct repetitions are called
incorrect: for each movement, how many of s06-s10's correct files are, how many of those
break a fault rule that decides the verdict in that template (the others are the model's
verdict alone), and how many files break each rule (the ``deviations`` with
``"source": "rule"``, deciding or not).
"""
import argparse
import collections
import json
import os
import subprocess
import tempfile

from uiprmd_split import TEST, TRAIN, add_common_arguments, build_template, files, score

NAMES = ["deep squat", "hurdle step", "inline lunge", "side lunge", "sit to stand", "leg raise",
         "shoulder abduction", "shoulder extension", "internal-external rotation", "scaption"]


def auc(pos, neg):
    """Mann-Whitney area: the chance that a score of `pos` exceeds one of `neg` (ties half)."""
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def first_rep(line):
    """(score, verdict is correct) of a scored file's first repetition."""
    rep = line["reps"][0]
    return rep["score"], rep["verdict"] == "correct"


def demonstrator_groups(count):
    """Who demonstrates, in turn: each of s01-s05 with the ``count - 1`` next ones (s05 is
    followed by s01), so that five templates are built and every person demonstrates in
    ``count`` of them."""
    return [[TRAIN[(i + j) % len(TRAIN)] for j in range(count)] for i in range(len(TRAIN))]


def reasons_table(relearn, data, work, n, groups):
    """The ``--reasons`` table (module docstring), for the templates of ``groups``
    ([`demonstrator_groups`])."""
    print("\n| movement | others' correct files | called incorrect | of which a deciding rule broken "
          "| of which by the model alone | rules they break (files; deciding or not) |")
    print("| --- | --- | --- | --- | --- | --- |")
    every, sums = collections.Counter(), [0, 0, 0, 0]
    for m in range(1, 11):
        broken = collections.Counter()
        row = [0, 0, 0, 0]  # files, called incorrect, by a rule, by the model
        for group in groups:
            correct = []
            for demo in group:
                correct += [e for e in files(data, m, [demo]) if e[1] == "correct"][:n]
            template = build_template(relearn, work, f"m{m:02d}_{'_'.join(group)}", correct)
            with open(template) as f:
                deciding = {r["id"] for r in json.load(f)["rules"] if r["enabled"] and r.get("decides_verdict", True)}
            theirs = [e for e in files(data, m, TEST) if e[1] == "correct"]
            for line in score(relearn, template, [p for p, _ in theirs]):
                rep = line["reps"][0]
                rules = {d["rule"] for d in rep["deviations"] if d["source"] == "rule"}
                broken.update(rules)
                row[0] += 1
                if rep["verdict"] == "incorrect":
                    row[1] += 1
                    row[2 if rules & deciding else 3] += 1
        every += broken
        sums = [a + b for a, b in zip(sums, row)]
        rules = ", ".join(f"{k} {v}" for k, v in broken.most_common())
        print(f"| m{m:02d} {NAMES[m - 1]} | {row[0]} | {row[1]} | {row[2]} | {row[3]} | {rules} |", flush=True)
    rules = ", ".join(f"{k} {v}" for k, v in every.most_common())
    print(f"| all | {sums[0]} | {sums[1]} | {sums[2]} | {sums[3]} | {rules} |")


def personalised(relearn, work, template, entries):
    """`relearn template personalise` of ``template`` with ``entries`` ((path, label) pairs)."""
    manifest = os.path.join(work, "patient.csv")
    with open(manifest, "w") as f:
        f.write("path,label\n")
        f.writelines(f'"{p}",{lab}\n' for p, lab in entries)
    out = os.path.join(work, "patient.json")
    subprocess.run([relearn, "template", "personalise", "--template", template, "--manifest", manifest,
                    "--out", out], check=True, capture_output=True)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(ap)
    ap.add_argument("--examples", type=int, default=5, help="the demonstrator's first N files of each kind")
    ap.add_argument("--with-incorrect", action="store_true", help="the demonstrator's first N incorrect files too")
    ap.add_argument("--personalise", type=int, default=2, help="K labelled files of each kind per scored person")
    ap.add_argument("--demonstrators", type=int, default=1, choices=range(1, len(TRAIN) + 1),
                    help="people whose first N files make each template (1: one person demonstrates)")
    ap.add_argument("--reasons", action="store_true",
                    help="then the rules other people's correct files break, and whether one that decides was among them")
    args = ap.parse_args()
    n, k = args.examples, args.personalise
    work = tempfile.mkdtemp(prefix="relearn-small-template-")
    print("| movement | own examples called correct | own next called correct | others' correct called correct "
          "| others' incorrect called incorrect | AUC pooled | AUC within person "
          f"| accuracy, personalised with {k} + {k} | same files, not personalised |")
    print("| --- |" + " --- |" * 8)
    totals = [0] * 12
    for m in range(1, 11):
        row = [0] * 12  # own ok, own n, next ok, next n, oc ok, oc n, oi ok, oi n, pers ok, plain ok, pers n, -
        pooled, within = [], []
        for group in demonstrator_groups(args.demonstrators):
            firsts, rests, chosen = [], [], []
            for demo in group:
                mine = files(args.data, m, [demo])
                correct = [e for e in mine if e[1] == "correct"]
                firsts += correct[:n]
                rests += correct[n:]
                chosen += correct[:n] + ([e for e in mine if e[1] == "incorrect"][:n] if args.with_incorrect else [])
            template = build_template(args.relearn, work, f"m{m:02d}_{'_'.join(group)}", chosen)
            own = [first_rep(x)[1] for x in score(args.relearn, template, [p for p, _ in firsts])]
            nxt = [first_rep(x)[1] for x in score(args.relearn, template, [p for p, _ in rests])]
            row[0] += sum(own); row[1] += len(own); row[2] += sum(nxt); row[3] += len(nxt)
            oc_all, oi_all = [], []
            for s in TEST:
                theirs = files(args.data, m, [s])
                scored = [first_rep(x) for x in score(args.relearn, template, [p for p, _ in theirs])]
                oc = [sc for (sc, _), (_, lab) in zip(scored, theirs) if lab == "correct"]
                oi = [sc for (sc, _), (_, lab) in zip(scored, theirs) if lab == "incorrect"]
                row[4] += sum(v for (_, v), (_, lab) in zip(scored, theirs) if lab == "correct")
                row[5] += len(oc)
                row[6] += sum(not v for (_, v), (_, lab) in zip(scored, theirs) if lab == "incorrect")
                row[7] += len(oi)
                within.append(auc(oc, oi))
                oc_all += oc
                oi_all += oi
                if k:
                    c_files = [e for e in theirs if e[1] == "correct"]
                    i_files = [e for e in theirs if e[1] == "incorrect"]
                    labelled = c_files[:k] + i_files[:k]
                    rest = c_files[k:] + i_files[k:]
                    mine_t = personalised(args.relearn, work, template, labelled)
                    for tmpl, slot in ((mine_t, 8), (template, 9)):
                        verdicts = [first_rep(x)[1] for x in score(args.relearn, tmpl, [p for p, _ in rest])]
                        row[slot] += sum(v == (lab == "correct") for v, (_, lab) in zip(verdicts, rest))
                    row[10] += len(rest)
            pooled.append(auc(oc_all, oi_all))
        totals = [a + b for a, b in zip(totals, row)]
        share = lambda a, b: f"{a / b:.3f}" if b else "-"
        print(f"| m{m:02d} {NAMES[m - 1]} | {share(row[0], row[1])} | {share(row[2], row[3])} | {share(row[4], row[5])} "
              f"| {share(row[6], row[7])} | {sum(pooled) / len(pooled):.3f} | {sum(within) / len(within):.3f} "
              f"| {share(row[8], row[10])} | {share(row[9], row[10])} |", flush=True)
    t = totals
    share = lambda a, b: f"{a / b:.3f}" if b else "-"
    print(f"| all | {share(t[0], t[1])} | {share(t[2], t[3])} | {share(t[4], t[5])} | {share(t[6], t[7])} | | "
          f"| {share(t[8], t[10])} | {share(t[9], t[10])} |")
    if args.reasons:
        reasons_table(args.relearn, args.data, work, n, demonstrator_groups(args.demonstrators))


if __name__ == "__main__":
    main()
