"""Fit the rating thresholds on a labelled corpus, and report-level cross-validation.

Fitting is coordinate descent over small grids, one question at a time, starting from the
defaults and preferring them when two settings score the same: with a dozen reports, the
danger is overfitting, not underfitting.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from qmark.engine import Engine
from qmark.evaluate.corpus import CorpusError, LabelledSentence, load_sentences
from qmark.evaluate.metrics import ORDINAL
from qmark.evaluate.replay import Point, collect_points, load_and_analyse
from qmark.signals import PUBLIC_LABELS, label_sentence
from qmark.signals.cues import CueSet
from qmark.signals.detect import profile_cues
from qmark.thresholds import Cuts, Thresholds, decide, strengths

GRID: dict[str, list[float]] = {
    "support_scale": [0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0],
    "against_scale": [0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0],
    "against_weight": [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5],
    "none_below": [0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5],
    "met_from": [round(0.2 + 0.05 * i, 2) for i in range(15)],
    "not_met_below": [-1.0, -0.6, -0.4, -0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3],
}
PASSES = 3


def _credit(gold: str, pred: str) -> float:
    if gold == pred:
        return 1.0
    d = abs(ORDINAL[gold] - ORDINAL[pred])
    return 0.5 if d == 0 else 0.25 if d == 1 else 0.0


def predict(p: Point, cuts: Cuts) -> tuple[str, float]:
    s, a = strengths(p.support, p.against, cuts)
    return decide(s, a, cuts, p.cap, p.evidenced)


def _score(points: list[Point], cuts: Cuts, default: Cuts) -> float:
    total = sum(_credit(p.gold, predict(p, cuts)[0]) for p in points)
    # A small pull towards the defaults breaks ties in their favour.
    drift = sum(abs(getattr(cuts, k) - getattr(default, k)) / (max(v) - min(v)) for k, v in GRID.items())
    return total - 0.01 * drift


def fit_question(points: list[Point], start: Cuts) -> Cuts:
    best = start
    best_score = _score(points, best, start)
    for _ in range(PASSES):
        improved = False
        for key, values in GRID.items():
            for v in values:
                trial = best.model_copy(update={key: v})
                sc = _score(points, trial, start)
                if sc > best_score + 1e-9:
                    best, best_score, improved = trial, sc, True
        if not improved:
            break
    return best


def fit(points: dict[str, list[Point]], base: Thresholds) -> dict[str, Cuts]:
    return {qid: fit_question(pts, base.default) for qid, pts in points.items()}


def cross_validate(points: dict[str, list[Point]], base: Thresholds, folds: int = 0) -> dict[tuple[str, str], tuple[str, float]]:
    """Out-of-fold (rating, margin) for every (report, question): never fitted on any report of
    the same group (its writer, when the gold names one), so a writer's style cannot leak."""
    group_of = {p.report: p.group or p.report for pts in points.values() for p in pts}
    if len(set(group_of.values())) < 2:  # one writer only: nothing to hold out by writer, so by report
        group_of = {r: r for r in group_of}
    groups = sorted(set(group_of.values()))
    k = folds if 1 < folds < len(groups) else len(groups)
    fold_of = {g: i % k for i, g in enumerate(groups)}
    out: dict[tuple[str, str], tuple[str, float]] = {}
    for f in range(k):
        for qid, pts in points.items():
            train = [p for p in pts if fold_of[group_of[p.report]] != f]
            if not train:
                continue
            cuts = fit_question(train, base.default)
            for p in pts:
                if fold_of[group_of[p.report]] == f:
                    out[(p.report, qid)] = predict(p, cuts)
    return out


def confidence_table(margins: list[tuple[float, bool]], bins: list[float] | None = None) -> list[tuple[float, float]]:
    """Share right per margin bin (smoothed, made non-decreasing): margin -> confidence."""
    bins = bins or [0.03, 0.08, 0.15, 0.3, 1.0, 9.0]
    rates = []
    lo = -1.0
    for hi in bins:
        inside = [ok for m, ok in margins if lo < m <= hi]
        rates.append((sum(inside) + 1) / (len(inside) + 2))  # Laplace: no bin claims 0% or 100%
        lo = hi
    # Pool adjacent violators so a larger margin never means less confidence.
    merged: list[list[float]] = []
    for r in rates:
        merged.append([r, 1])
        while len(merged) > 1 and merged[-2][0] > merged[-1][0]:
            r2, n2 = merged.pop()
            r1, n1 = merged.pop()
            merged.append([(r1 * n1 + r2 * n2) / (n1 + n2), n1 + n2])
    flat = [r for r, n in merged for _ in range(int(n))]
    return [(hi, round(c, 2)) for hi, c in zip(bins, flat)]


def question_accuracy(held_out: list[tuple[str, bool]]) -> dict[str, float]:
    """Share right per question, smoothed towards one half (Laplace)."""
    out: dict[str, float] = {}
    for qid in dict.fromkeys(q for q, _ in held_out):
        oks = [ok for q, ok in held_out if q == qid]
        out[qid] = round((sum(oks) + 1) / (len(oks) + 2), 2)
    return out


def rule_scores(sentences: list[LabelledSentence], cues: CueSet) -> dict[str, tuple[float, float]]:
    """Per sentence label, what the rules' decision is worth as a probability: [share of the
    sentences the rules label so that a reader labelled so, share of the others that a reader
    did]. Laplace-smoothed, so no score is 0 or 1 on a finite corpus."""
    counts = {label: [0, 0, 0, 0] for label in PUBLIC_LABELS}  # fired and gold, fired, not fired and gold, not fired
    for s in sentences:
        fired = {h.label for h in label_sentence(s.text, cues=cues)}
        gold = set(s.labels)
        for label, c in counts.items():
            k = 0 if label in fired else 2
            c[k] += label in gold
            c[k + 1] += 1
    return {label: (round((a + 1) / (n + 2), 3), round((b + 1) / (m + 2), 3)) for label, (a, n, b, m) in counts.items()}


def write_thresholds(
    path: Path,
    base: Thresholds,
    fitted: dict[str, Cuts],
    table: list[tuple[float, float]],
    note: str,
    accuracy: dict[str, float] | None = None,
    rules: dict[str, tuple[float, float]] | None = None,
) -> None:
    default = base.default.model_dump()
    questions = {}
    for qid, cuts in fitted.items():
        over = {k: v for k, v in cuts.model_dump().items() if v != default[k]}
        questions[qid] = over
    doc = {
        "default": default,
        "human_read_below": base.human_read_below,
        "confidence": [list(row) for row in table],
        "question_accuracy": accuracy or {},
        "questions": questions,
    }
    if rules:
        doc["rule_scores"] = {label: list(v) for label, v in rules.items()}
    header = (
        "# Rating thresholds, fitted by `qmark calibrate` on the development corpus.\n"
        f"# {note}\n"
        "# Load with --thresholds FILE, or put it in a profile as thresholds.yaml.\n"
        "# How they are used: see qmark/thresholds.py. S = 1 - exp(-support/support_scale),\n"
        "# A = 1 - exp(-against/against_scale), z = S - against_weight*A; S and A below none_below:\n"
        "# not_evidenced; z >= met_from: met; z <= not_met_below: not_met; else partly_met.\n"
        "# confidence: [margin at most, share of held-out suggestions that were right].\n"
        "# rule_scores: per sentence label, [share of sentences the cue rules label so that a reader did,\n"
        "# share of the others that a reader did], on the corpus's labelled sentences (assess --annotations).\n"
    )
    path.write_text(header + yaml.safe_dump(doc, sort_keys=False, default_flow_style=None), encoding="utf-8")


def main(args: argparse.Namespace) -> int:
    engine = Engine.from_profile(args.profile)
    try:
        items = load_and_analyse(Path(args.folder), engine)
    except CorpusError as exc:
        print(f"qmark: {exc}", file=sys.stderr)
        return 2
    base = engine.profile.thresholds
    points = collect_points(items)
    fitted = fit(points, base)
    oof = cross_validate(points, base)
    margins = [(m, rating == p.gold) for qid, pts in points.items() for p in pts for rating, m in [oof[(p.report, qid)]]]
    table = confidence_table(margins)
    accuracy = question_accuracy([(qid, oof[(p.report, qid)][0] == p.gold) for qid, pts in points.items() for p in pts])
    right = sum(ok for _, ok in margins)
    print(f"Fitted on {len(items)} reports; out-of-fold exact agreement {right}/{len(margins)} ({right / len(margins):.0%}).")
    print("Confidence table (margin at most -> share right):", ", ".join(f"{m:g}->{c:.0%}" for m, c in table))
    rules = rule_scores(load_sentences(Path(args.folder)), profile_cues(engine.profile))
    if args.out:
        write_thresholds(Path(args.out), base, fitted, table, f"Fitted on {len(items)} reports in {args.folder}.", accuracy, rules)
        print(f"Thresholds written to {args.out}")
    return 0
