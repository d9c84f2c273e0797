"""Honest figures for the learned models: every report's sentences are labelled by a sentence model
fitted without its writer's sentences, and every rating comes from a rating model fitted without
its writer's reports. Confidence is tempered on one half of the held-out suggestions and stated
on the other, as for the thresholds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qmark.evaluate.corpus import LabelledSentence, load_sentences
from qmark.evaluate.replay import Item
from qmark.signals import PUBLIC_LABELS
from qmark.signals.cues import load_cues, merge_cues
from qmark.signals.detect import label_sentence

if TYPE_CHECKING:  # pragma: no cover
    from qmark.engine import Engine
    from qmark.profile import Profile
    from qmark.signals.learned import SentenceModel


@dataclass
class SentenceData:
    texts: list[str]
    rules: list[set[str]]
    gold: list[set[str]]
    groups: list[str]
    hard: list[bool]


def sentence_data(sentences: Sequence[LabelledSentence], profile: Profile) -> SentenceData:
    """The labelled sentences with the cue labels the profile's cues give each (as if in analysis)."""
    cues = load_cues(str(profile.cues_path()))
    extra = profile.files.get("cues_extra")
    if extra is not None:
        cues = merge_cues(cues, load_cues(str(extra)))
    rules = [{h.label for h in label_sentence(s.text, "analysis", cues)} & set(PUBLIC_LABELS) for s in sentences]
    return SentenceData(
        [s.text for s in sentences],
        rules,
        [set(s.labels) for s in sentences],
        [s.group or "?" for s in sentences],
        [bool(s.hard) for s in sentences],
    )


def rating_rows(items: Sequence[Item]) -> list[tuple[str, str, str, list[float], str]]:
    from qmark.assess.rating_model import features

    rows: list[tuple[str, str, str, list[float], str]] = []
    for it in items:
        for qid, gq in it.labelled.gold.questions.items():
            sc = it.analysis.scored.get(qid)
            if sc is not None:
                rows.append((it.labelled.name, it.labelled.gold.group, qid, features(sc, sc.figures), gq.rating))
    return rows


def learned_detector(engine: Engine) -> Any | None:
    from qmark.signals.learned import LearnedDetector

    return next((d for d in engine.detectors if isinstance(d, LearnedDetector)), None)


def learned_scorer(engine: Engine) -> Any | None:
    from qmark.assess.rating_model import LearnedScorer

    return engine.scorer if isinstance(engine.scorer, LearnedScorer) else None


def sentence_models(
    folder: Path, engine: Engine, fitted: bool, label_scores: Callable[[list[tuple[set[str], set[str]]]], tuple[dict, float]]
) -> tuple[dict[str, SentenceModel] | None, dict]:
    """Per writer, the shipped sentence model refitted without that writer (None when fitted), and
    the learned labels' figures on the labelled sentences (out of fold unless fitted)."""
    import numpy as np

    from qmark.signals.learned import refit

    detector = learned_detector(engine)
    sentences = load_sentences(folder)
    if detector is None or not sentences:
        return None, {}
    shipped = detector.model
    data = sentence_data(sentences, engine.profile)
    emb = detector.embedder.embed(data.texts)
    groups = np.array(data.groups)
    predicted: list[set[str]] = [set() for _ in sentences]
    models: dict[str, SentenceModel] | None = None if fitted else {}
    for g in sorted(set(data.groups)):
        inside = np.flatnonzero(groups == g)
        if fitted:
            model = shipped
        else:
            outside = np.flatnonzero(groups != g)
            model = refit(shipped, emb[outside], [data.rules[i] for i in outside], [data.gold[i] for i in outside])
            assert models is not None
            models[g] = model
        rules = [data.rules[i] for i in inside]
        decided = model.decide(model.proba(model.features(emb[inside], rules)), rules)
        for i, labels in zip(inside, decided):
            predicted[i] = labels | (data.rules[i] - set(model.labels))
    pairs = list(zip(predicted, data.gold))
    per, macro = label_scores(pairs)
    hard = [p for p, h in zip(pairs, data.hard) if h]
    return models, {
        "n": len(pairs),
        "labels": per,
        "macro_f1": macro,
        "hard_macro_f1": label_scores(hard)[1] if hard else None,
        "mode": "fitted" if fitted else "out-of-fold by writer",
    }


def rating_predictions(items: Sequence[Item], engine: Engine, fitted: bool) -> dict[tuple[str, str], tuple[str, float]]:
    """(report, question) -> (rating, stated confidence): the shipped model's when fitted, else out
    of fold by writer, tempered on one half of the held-out predictions and stated on the other."""
    from qmark.assess import rating_model as rm

    scorer = learned_scorer(engine)
    assert scorer is not None
    if fitted:
        return {(it.labelled.name, q.question): (q.rating, q.confidence) for it in items for q in it.assessment.questions}
    model = scorer.model
    rows = rating_rows(items)
    oof = rm.cross_validate(rows, float(model.notes.get("c", 0.1)))
    gold = {(r, q): g for r, _, q, _, g in rows}
    allowed = {(it.labelled.name, qid): sc.allowed for it in items for qid, sc in it.analysis.scored.items()}
    keys = [k for k in gold if k in oof]
    out: dict[tuple[str, str], tuple[str, float]] = {}
    for fit_on, state in ((keys[::2], keys[1::2]), (keys[1::2], keys[::2])):
        t = rm._temperature([(oof[k][0], oof[k][1], gold[k]) for k in fit_on])
        for k in state:
            classes, p = oof[k][0], rm.temper(oof[k][1], t)
            j = rm.choose(classes, p, model.decision, allowed.get(k))
            out[k] = (classes[j], p[j])
    return out
