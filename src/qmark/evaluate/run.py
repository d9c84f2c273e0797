"""`qmark evaluate`: replay a labelled corpus through the real pipeline and print agreement."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from qmark.engine import Engine
from qmark.evaluate import learned_eval, metrics
from qmark.evaluate.calibrate import confidence_table, cross_validate, predict, question_accuracy
from qmark.evaluate.corpus import CorpusError, load_sentences
from qmark.evaluate.replay import Item, collect_points, load_and_analyse
from qmark.segment.numbering import normalise_id
from qmark.signals import PUBLIC_LABELS, label_sentence
from qmark.thresholds import Thresholds


def _recall_at_3(it: Item, qid: str) -> bool | None:
    """A gold paragraph among the top three. For a not_met gold rating the gold paragraphs show the
    weakness, so they are looked for among the evidence against first."""
    gq = it.labelled.gold.questions[qid]
    if not gq.evidence:
        return None
    gold = {normalise_id(e) for e in gq.evidence}
    r = it.assessment.result(qid)
    ranked = (r.counter_evidence + r.evidence) if gq.rating == "not_met" else (r.evidence + r.counter_evidence)
    return any(normalise_id(e.id) in gold for e in ranked[:3])


def evaluate(folder: Path, engine: Engine | None = None, fitted: bool = False, folds: int = 0) -> dict:
    started = time.perf_counter()
    engine = engine or Engine.from_profile()
    models, learned_sentences = learned_eval.sentence_models(folder, engine, fitted, _label_scores)
    items = load_and_analyse(folder, engine, models)
    thresholds = engine.scorer.thresholds  # type: ignore[attr-defined]
    points = collect_points(items)
    learned = learned_eval.learned_scorer(engine) is not None
    stated: dict[tuple[str, str], float] = {}
    if learned:
        both = learned_eval.rating_predictions(items, engine, fitted)
        preds = {k: (r, 0.0) for k, (r, _) in both.items()}
        stated = {k: c for k, (_, c) in both.items()}
    elif fitted:
        preds = {(p.report, qid): predict(p, thresholds.cuts(qid)) for qid, pts in points.items() for p in pts}
    else:
        preds = cross_validate(points, thresholds, folds)
    qids = engine.profile.question_ids
    per_q: dict[str, dict] = {}
    all_pairs: list[tuple[str, str]] = []
    by_report: dict[str, list[tuple[str, str]]] = {}
    held_out: list[tuple[str, float, bool]] = []
    suggested: dict[str, dict[str, str]] = {}
    for qid in qids:
        pairs, hits = [], []
        for it in items:
            name = it.labelled.name
            if qid not in it.labelled.gold.questions:
                continue
            gold = it.labelled.gold.questions[qid].rating
            if (name, qid) not in preds:
                continue
            pred, margin = preds[(name, qid)]
            pairs.append((gold, pred))
            suggested.setdefault(name, {})[qid] = pred
            by_report.setdefault(name, []).append((gold, pred))
            held_out.append((qid, stated.get((name, qid), margin), gold == pred))
            h = _recall_at_3(it, qid)
            if h is not None:
                hits.append(h)
        all_pairs += pairs
        per_q[qid] = {
            "n": len(pairs),
            "exact": metrics.exact_agreement(pairs),
            "kappa": metrics.quadratic_kappa(pairs),
            "recall_at_3": sum(hits) / len(hits) if hits else None,
            "confusion": metrics.confusion(pairs),
        }
    groups = list(by_report.values())
    all_hits = [h for it in items for qid in qids if qid in it.labelled.gold.questions for h in [_recall_at_3(it, qid)] if h is not None]
    result = {
        "reports": len(items),
        "profile": engine.profile.id,
        "mode": "fitted" if fitted else f"out-of-fold ({folds or len({it.labelled.gold.group for it in items})} folds, by writer)",
        "overall": {
            "exact": metrics.exact_agreement(all_pairs),
            "exact_ci": metrics.bootstrap_ci(groups, metrics.exact_agreement),
            "kappa": metrics.quadratic_kappa(all_pairs),
            "kappa_ci": metrics.bootstrap_ci(groups, metrics.quadratic_kappa),
            "recall_at_3": sum(all_hits) / len(all_hits) if all_hits else None,
            "confusion": metrics.confusion(all_pairs),
        },
        "questions": per_q,
        "scorer": "learned rating model" if learned else "thresholds",
        "calibration": calibration(
            [(c, ok) for _, c, ok in held_out] if learned else _confidences(held_out, thresholds, fitted),
            getattr(getattr(engine.scorer, "model", None), "check_below", thresholds.human_read_below),
        ),
        "ceiling": ceiling(items, qids),
        "invariance": invariance(items, suggested),
        "sentences": evaluate_sentences(folder),
    }
    if learned_sentences:
        result["sentences_learned"] = learned_sentences
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def _confidences(held_out: list[tuple[str, float, bool]], base: Thresholds, fitted: bool) -> list[tuple[float, bool]]:
    """(stated confidence, right) per suggestion. With fitted thresholds (a frozen test split),
    the confidence the shipped thresholds state; out-of-fold, a confidence table fitted on one
    half of the held-out suggestions and applied to the other, as assess() would state it."""
    if fitted:
        return [(base.confidence_for(m, q), ok) for q, m, ok in held_out]
    half_a, half_b = held_out[::2], held_out[1::2]
    rows = []
    for fit_on, check in ((half_a, half_b), (half_b, half_a)):
        t = Thresholds(
            default=base.default,
            human_read_below=base.human_read_below,
            confidence=confidence_table([(m, ok) for _, m, ok in fit_on]),
            question_accuracy=question_accuracy([(q, ok) for q, _, ok in fit_on]),
        )
        rows += [(t.confidence_for(m, q), ok) for q, m, ok in check]
    return rows


def calibration(rows: list[tuple[float, bool]], check_below: float = 0.6) -> dict:
    """Reliability table, expected calibration error, confident misses and the share marked Check."""
    bins = []
    ece = 0.0
    for lo, hi in ((0, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)):
        inside = [(c, ok) for c, ok in rows if lo <= c < hi]
        if inside:
            stated = sum(c for c, _ in inside) / len(inside)
            observed = sum(ok for _, ok in inside) / len(inside)
            ece += len(inside) / len(rows) * abs(stated - observed)
            bins.append(
                {"stated": f"{lo:.0%}-{min(hi, 1):.0%}", "mean_stated": round(stated, 2), "observed": round(observed, 2), "n": len(inside)}
            )
    n = len(rows) or 1
    return {
        "bins": bins,
        "ece": round(ece, 3),
        "confident_misses": round(sum(1 for c, ok in rows if c >= 0.8 and not ok) / n, 3),
        "marked_check": round(sum(1 for c, _ in rows if c < check_below) / n, 3),
    }


def ceiling(items: list[Item], qids: list[str]) -> dict:
    """Agreement between the writer's intended ratings and the reader's blind ones: how far two
    careful people agree on this corpus, the ceiling for any suggestion."""
    per_q = {}
    all_pairs: list[tuple[str, str]] = []
    for qid in qids:
        pairs = [(g.intended[qid], g.blind[qid]) for it in items for g in [it.labelled.gold] if qid in g.intended and qid in g.blind]
        all_pairs += pairs
        if pairs:
            per_q[qid] = {"n": len(pairs), "exact": metrics.exact_agreement(pairs), "kappa": metrics.quadratic_kappa(pairs)}
    if not all_pairs:
        return {}
    return {
        "n": len(all_pairs),
        "exact": metrics.exact_agreement(all_pairs),
        "kappa": metrics.quadratic_kappa(all_pairs),
        "questions": per_q,
    }


def _points(ratings: Mapping[str, str]) -> int:
    return sum(metrics.ORDINAL[r] for r in ratings.values())


def invariance(items: list[Item], suggested: dict[str, dict[str, str]]) -> dict:
    """Within each family, the same content in other words (variants a, b, d) should get the same
    ratings: the spread of rating sums (met=2, partly=1) across them, for qmark and for the gold.
    Also the mean sum qmark gives strong content in plain words (a), in jargon (b), and weak
    content dressed in jargon (c)."""
    fams: dict[str, dict[str, str]] = {}
    for it in items:
        g = it.labelled.gold
        if g.family and g.variant:
            fams.setdefault(g.family, {})[g.variant] = it.labelled.name
    spreads, gold_spreads = [], []
    by_variant: dict[str, list[int]] = {}
    gold_by_variant: dict[str, list[int]] = {}
    gold_of = {it.labelled.name: {q: gq.rating for q, gq in it.labelled.gold.questions.items()} for it in items}
    for variants in fams.values():
        same = [variants[v] for v in ("a", "b", "d") if v in variants and variants[v] in suggested]
        if len(same) >= 2:
            sums = [_points(suggested[n]) for n in same]
            spreads.append(max(sums) - min(sums))
            gsums = [_points(gold_of[n]) for n in same]
            gold_spreads.append(max(gsums) - min(gsums))
        for v, name in variants.items():
            if name in suggested:
                by_variant.setdefault(v, []).append(_points(suggested[name]))
                gold_by_variant.setdefault(v, []).append(_points(gold_of[name]))
    if not spreads and not by_variant:
        return {}
    mean = lambda xs: round(sum(xs) / len(xs), 1) if xs else None  # noqa: E731
    return {
        "families": len(spreads),
        "mean_spread": mean(spreads),
        "max_spread": max(spreads) if spreads else None,
        "gold_mean_spread": mean(gold_spreads),
        "mean_points_by_variant": {v: mean(xs) for v, xs in sorted(by_variant.items())},
        "gold_points_by_variant": {v: mean(xs) for v, xs in sorted(gold_by_variant.items())},
    }


def _label_scores(pairs: list[tuple[set[str], set[str]]]) -> tuple[dict, float]:
    """Per-label precision, recall, F1 and support over (predicted, gold) label sets; macro-F1."""
    counts = {label: [0, 0, 0] for label in PUBLIC_LABELS}  # tp, fp, fn
    for pred, gold in pairs:
        for label in PUBLIC_LABELS:
            if label in pred and label in gold:
                counts[label][0] += 1
            elif label in pred:
                counts[label][1] += 1
            elif label in gold:
                counts[label][2] += 1
    per = {}
    for label, (tp, fp, fn) in counts.items():
        p, r, f = metrics.prf(tp, fp, fn)
        per[label] = {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "support": tp + fn}
    return per, round(sum(v["f1"] for v in per.values()) / len(per), 3)


def evaluate_sentences(folder: Path) -> dict:
    """The cue lists' sentence labels against the labelled sentences; also on the hard cases
    alone (sentences whose wording misleads a keyword reader)."""
    sentences = load_sentences(folder)
    if not sentences:
        return {}
    pairs = [({h.label for h in label_sentence(s.text)} & set(PUBLIC_LABELS), set(s.labels)) for s in sentences]
    per, macro = _label_scores(pairs)
    hard = [pair for pair, s in zip(pairs, sentences) if s.hard]
    return {
        "n": len(sentences),
        "labels": per,
        "macro_f1": macro,
        "hard": len(hard),
        "hard_share": round(len(hard) / len(sentences), 3),
        "hard_macro_f1": _label_scores(hard)[1] if hard else None,
    }


def _fmt(x) -> str:
    return "-" if x is None or x != x else f"{x:.2f}"


def print_result(res: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    c = Console()
    o = res["overall"]
    c.print(f"[bold]qmark evaluate[/bold] ({res['profile']}): {res['reports']} reports, {res['mode']}, {res['seconds']} s")
    c.print(
        f"Exact agreement {o['exact']:.0%} (95% CI {o['exact_ci'][0]:.0%}-{o['exact_ci'][1]:.0%}); "
        f"quadratic-weighted kappa {o['kappa']:.2f} (95% CI {o['kappa_ci'][0]:.2f}-{o['kappa_ci'][1]:.2f}); "
        f"evidence recall@3 {_fmt(o['recall_at_3'])}"
    )
    t = Table(title="Per question")
    for col in ("Q", "n", "exact", "kappa", "recall@3", "confusion (gold → suggested: M/P/N/E)"):
        t.add_column(col)
    for qid, q in res["questions"].items():
        conf = "  ".join(
            f"{g[0].upper() if g != 'not_evidenced' else 'E'}:" + "/".join(str(q["confusion"][g][p]) for p in metrics.RATINGS)
            for g in metrics.RATINGS
        )
        t.add_row(qid, str(q["n"]), f"{q['exact']:.0%}", _fmt(q["kappa"]), _fmt(q["recall_at_3"]), conf)
    c.print(t)
    cal = res["calibration"]
    if cal["bins"]:
        t = Table(
            title=f"Confidence calibration (held-out): ECE {cal['ece']:.3f}; confident misses (>=80% and wrong) "
            f"{cal['confident_misses']:.0%}; marked Check {cal['marked_check']:.0%}"
        )
        for col in ("stated", "mean stated", "observed right", "n"):
            t.add_column(col)
        for row in cal["bins"]:
            t.add_row(row["stated"], f"{row['mean_stated']:.0%}", f"{row['observed']:.0%}", str(row["n"]))
        c.print(t)
    ceil = res.get("ceiling")
    if ceil:
        c.print(
            f"Ceiling (writer's intended vs reader's blind ratings, {ceil['n']} ratings): exact {ceil['exact']:.0%}, "
            f"kappa {_fmt(ceil['kappa'])}; per question: " + ", ".join(f"{q} {v['exact']:.0%}" for q, v in ceil["questions"].items())
        )
    inv = res.get("invariance")
    if inv:
        c.print(
            f"Invariance over {inv['families']} families (same content, other words: variants a, b, d): mean spread of rating "
            f"points {inv['mean_spread']} (max {inv['max_spread']}; gold {inv['gold_mean_spread']})"
        )
        c.print(
            "Mean rating points by variant, qmark [gold]: "
            + ", ".join(f"{v} {p} [{inv['gold_points_by_variant'][v]}]" for v, p in inv["mean_points_by_variant"].items())
            + "  (a plain strong, b same in jargon, c weak in jargon, d other headings, e another case)"
        )
    s = res["sentences"]
    if s:
        t = Table(
            title=f"Sentence labels ({s['n']} sentences, {s['hard_share']:.0%} hard cases): macro-F1 {s['macro_f1']:.2f}"
            f"; on the hard cases {_fmt(s['hard_macro_f1'])}"
        )
        learned = res.get("sentences_learned", {}).get("labels", {})
        for col in ("label", "precision", "recall", "F1", "support", *(["F1 learned"] if learned else [])):
            t.add_column(col)
        for label, v in s["labels"].items():
            extra = [f"{learned[label]['f1']:.2f}"] if label in learned else []
            t.add_row(label, f"{v['precision']:.2f}", f"{v['recall']:.2f}", f"{v['f1']:.2f}", str(v["support"]), *extra)
        c.print(t)
    sl = res.get("sentences_learned")
    if sl:
        c.print(
            f"Sentence labels with the learned model ({sl['mode']}): macro-F1 {sl['macro_f1']:.2f}; on the hard cases {_fmt(sl['hard_macro_f1'])}"
        )


def main(args: argparse.Namespace) -> int:
    try:
        engine = Engine.from_profile(args.profile, thresholds=args.thresholds)
        res = evaluate(Path(args.folder), engine, fitted=args.fitted, folds=args.folds)
        if getattr(args, "semantic", False):
            from qmark.evaluate.semantic_eval import evaluate_semantic

            res["semantic"] = evaluate_semantic(Path(args.folder))
    except CorpusError as exc:
        print(f"qmark: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:  # SemanticUnavailable: the [semantic] extra is not installed
        print(f"qmark: {exc}", file=sys.stderr)
        return 2
    print_result(res)
    if "semantic" in res:
        from qmark.evaluate.semantic_eval import print_semantic

        print_semantic(res["semantic"])
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2, default=list), encoding="utf-8")
        print(f"Figures written to {args.json}")
    return 0
