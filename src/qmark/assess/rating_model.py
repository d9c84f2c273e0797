"""The learned rating model: per question, a multinomial logistic regression over the measured
evidence for and against the question and report-wide figures, fitted on labelled reports with
folds grouped by writer, its probabilities tempered on out-of-fold predictions so that they mean
what they say.

The suggested rating is the one with the lowest expected squared distance (in rating steps) from
the assessor's, which respects the order of the ratings; the confidence is the calibrated
probability of that rating; below the profile's ``check_below`` the suggestion is marked Check.
The evidence shown and the rationale come from the same gathering as the threshold scorer's, so
what people read is unchanged; only the cut into ratings is learned.

A model is a JSON file in the profile (``files.models.ratings``). Runtime needs only numpy;
``fit`` needs scikit-learn (the ``train`` and ``test`` extras).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qmark.assess.records import Figures, QuestionResult
from qmark.assess.scoring import Scored, question_result
from qmark.data import DataFileError, load_once
from qmark.framework import Question
from qmark.report import Report

if TYPE_CHECKING:  # pragma: no cover
    from qmark.profile import Profile

FORMAT = "qmark-rating-model/1"
ORDER = ("not_evidenced", "not_met", "partly_met", "met")
# not evidenced and not met sit at the same step: both mean the marker's expectation was not shown
STEP = {"not_evidenced": 0.0, "not_met": 0.0, "partly_met": 1.0, "met": 2.0}
FEATURES = (
    "support",
    "against",
    "supporting_paragraphs",
    "countering_paragraphs",
    "top_support",
    "top_against",
    "explain_share",
    "hindsight_rate",
    "hindsight_mitigated",
    "systemic_share",
    "analysis_words",
    "citations",
    "research_age",
    "research_age_unknown",
)


def features(scored: Scored, figures: Figures | None) -> list[float]:
    """The model's inputs for one question of one report, in FEATURES order. Counts are logged
    so that a long report does not look stronger merely for its length."""
    top_s = scored.supporting[0].score if scored.supporting else 0.0
    top_a = scored.countering[0].score if scored.countering else 0.0
    f = figures
    sys_n = f.systemic_explanations if f else 0
    ind_n = f.individual_explanations if f else 0
    age = f.median_research_age if f else None
    return [
        math.log1p(scored.support),
        math.log1p(scored.against),
        math.log1p(len(scored.supporting)),
        math.log1p(len(scored.countering)),
        math.log1p(top_s),
        math.log1p(top_a),
        f.explain_share if f else 0.0,
        math.log1p(f.hindsight_per_1000_words) if f else 0.0,
        1.0 if f and f.hindsight_mitigations > 0 else 0.0,
        (sys_n + 0.5) / (sys_n + ind_n + 1),
        math.log(max(f.analysis_words if f else 0, 100)),
        math.log1p(len(f.citations)) if f else 0.0,
        (age or 0.0) / 10,
        1.0 if age is None else 0.0,
    ]


def design(x: Sequence[float], qid: str, questions: Sequence[str]) -> list[float]:
    """One row of the pooled model: the features, which question it is, and the evidence for and
    against weighed per question (questions differ in how much evidence a rating needs)."""
    onehot = [1.0 if q == qid else 0.0 for q in questions]
    return [*x, *onehot, *(x[0] * h for h in onehot), *(x[1] * h for h in onehot)]


def choose(classes: Sequence[str], proba: Sequence[float], decision: str = "argmax", allowed: Sequence[str] | None = None) -> int:
    """The suggested rating: the most probable, or (decision 'expected_cost') the one with the
    lowest expected squared distance in rating steps from the assessor's; only among the ratings
    a question's parts allow (Scored.allowed), when any of them is a class of the model."""
    pick = [i for i, c in enumerate(classes) if allowed is None or c in allowed] or list(range(len(classes)))
    if decision == "argmax":
        return max(pick, key=lambda i: proba[i])
    costs = [sum(p * (STEP[c] - STEP[k]) ** 2 for k, p in zip(classes, proba)) for c in classes]
    return min(pick, key=lambda i: (round(costs[i], 9), -proba[i]))


def _softmax(logits: Sequence[float]) -> list[float]:
    top = max(logits)
    e = [math.exp(v - top) for v in logits]
    total = sum(e)
    return [v / total for v in e]


@dataclass
class RatingModel:
    """One multinomial logistic regression over every question's rows (pooled, so that 70-odd
    labelled reports are enough), with the question as an input."""

    questions: list[str]
    classes: list[str]
    coef: list[list[float]]  # (classes, design columns)
    intercept: list[float]
    mean: list[float]
    scale: list[float]
    temperature: float = 1.0
    decision: str = "argmax"
    check_below: float = 0.6
    notes: dict[str, Any] = field(default_factory=dict)

    def proba(self, qid: str, x: Sequence[float]) -> list[float]:
        z = [(v - m) / s for v, m, s in zip(design(x, qid, self.questions), self.mean, self.scale)]
        return _softmax([(sum(w * v for w, v in zip(row, z)) + b) / self.temperature for row, b in zip(self.coef, self.intercept)])

    def predict(self, qid: str, x: Sequence[float], allowed: Sequence[str] | None = None) -> tuple[str, float]:
        p = self.proba(qid, x)
        k = choose(self.classes, p, self.decision, allowed)
        return self.classes[k], p[k]

    def to_json(self) -> str:
        body = {k: v for k, v in self.__dict__.items()}
        return json.dumps({"format": FORMAT, "features": list(FEATURES), **body}, indent=1)

    @classmethod
    def load(cls, path: str | Path) -> RatingModel:
        path = Path(path)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DataFileError(f"{path}: cannot read the rating model ({type(exc).__name__})") from None
        if not isinstance(raw, dict) or raw.pop("format", None) != FORMAT:
            raise DataFileError(f"{path}: not a {FORMAT} file")
        if raw.pop("features", None) != list(FEATURES):
            raise DataFileError(f"{path}: fitted on other features than this version of qmark computes; refit it (qmark train)")
        try:
            m = cls(**raw)
        except TypeError as exc:
            raise DataFileError(f"{path}: {exc}") from None
        width = len(FEATURES) + 3 * len(m.questions)
        if (
            set(m.classes) - set(ORDER)
            or len(m.coef) != len(m.classes)
            or any(len(r) != width for r in m.coef)
            or len(m.mean) != width
            or m.decision not in ("argmax", "expected_cost")
        ):
            raise DataFileError(f"{path}: classes, coefficients and questions do not fit together")
        return m


# -- fitting (development time) ----------------------------------------------------------------

Row = tuple[str, str, str, list[float], str]  # report, fold group, question, features, gold rating


def _fit(rows: Sequence[Row], questions: list[str], c: float) -> RatingModel:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x = np.array([design(r[3], r[2], questions) for r in rows])
    y = np.array([r[4] for r in rows])
    mean, scale = x.mean(0), x.std(0) + 1e-6
    m = LogisticRegression(C=c, max_iter=5000).fit((x - mean) / scale, y)
    coef, intercept = m.coef_, m.intercept_
    if len(m.classes_) == 2:  # scikit-learn keeps one row for two classes: the softmax of [0, row] is the same model
        coef, intercept = np.vstack([np.zeros_like(coef[0]), coef[0]]), np.array([0.0, intercept[0]])
    classes = sorted(m.classes_, key=ORDER.index)
    order = [list(m.classes_).index(k) for k in classes]
    return RatingModel(questions, classes, coef[order].tolist(), intercept[order].tolist(), mean.tolist(), scale.tolist())


def _temperature(rows: Sequence[tuple[list[str], list[float], str]]) -> float:
    """The temperature that minimises the log loss of held-out probabilities (a grid is enough)."""
    best = (math.inf, 1.0)
    for t in [0.25 + 0.05 * i for i in range(56)]:
        loss = 0.0
        for classes, p, gold in rows:
            q = temper(p, t)
            loss -= math.log(max(q[classes.index(gold)] if gold in classes else 0.0, 1e-6))
        best = min(best, (loss, t))
    return best[1]


def temper(p: Sequence[float], t: float) -> list[float]:
    return _softmax([math.log(max(v, 1e-12)) / t for v in p])


def cross_validate(rows: Sequence[Row], c: float) -> dict[tuple[str, str], tuple[list[str], list[float]]]:
    """Out-of-fold probabilities, folds by writer: {(report, question): (classes, probabilities)}."""
    questions = sorted({r[2] for r in rows}, key=lambda q: [r[2] for r in rows].index(q))
    out: dict[tuple[str, str], tuple[list[str], list[float]]] = {}
    # One writer only: nothing to hold out by writer, so by report (as the thresholds' folds do).
    group = (lambda r: r[1]) if len({r[1] for r in rows}) > 1 else (lambda r: r[0])
    for g in sorted({group(r) for r in rows}):
        train = [r for r in rows if group(r) != g]
        test = [r for r in rows if group(r) == g]
        if not train or len({r[4] for r in train}) < 2:
            continue
        m = _fit(train, questions, c)
        for r in test:
            out[(r[0], r[2])] = (m.classes, m.proba(r[2], r[3]))
    return out


def fit(rows: Sequence[Row], c: float, check_below: float = 0.6, decision: str = "argmax") -> tuple[RatingModel, dict]:
    """Fit on all rows; the temperature from the out-of-fold probabilities. Returns the model and
    {(report, question): (rating, probability)} out of fold, tempered as the model will be."""
    questions = sorted({r[2] for r in rows}, key=lambda q: [r[2] for r in rows].index(q))
    oof = cross_validate(rows, c)
    gold = {(r[0], r[2]): r[4] for r in rows}
    t = _temperature([(cl, p, gold[k]) for k, (cl, p) in oof.items()]) if oof else 1.0
    model = _fit(rows, questions, c)
    model.temperature, model.decision, model.check_below = t, decision, check_below
    model.notes = {"c": c, "temperature": t, "reports": len({r[0] for r in rows}), "writers": len({r[1] for r in rows})}
    held = {}
    for k, (cl, p) in oof.items():
        q = temper(p, t)
        j = choose(cl, q, decision)
        held[k] = (cl[j], q[j])
    return model, held


# -- the scorer ----------------------------------------------------------------------------------


def load_model(path: str | Path) -> RatingModel:
    return load_once(RatingModel.load, path, "rating model")


class LearnedScorer:
    """The registered 'learned' scorer: the profile's rating model cuts each question's evidence
    into a rating. Questions the model has no entry for fall back to the profile's thresholds."""

    MODEL = "ratings"

    def __init__(self, profile: Profile, thresholds: Any = None) -> None:
        from qmark.assess.scoring import ThresholdScorer

        path = profile.files.get(f"model:{self.MODEL}")
        if path is None:
            raise DataFileError(f"{profile.files['profile']}: the 'learned' scorer needs files.models.{self.MODEL} (a rating model)")
        self.profile = profile
        self.model = load_model(path)
        self.files = [path]
        self.fallback = ThresholdScorer(profile, thresholds)
        self.thresholds = self.fallback.thresholds  # evaluation replays them for comparison

    def rate(self, report: Report, scored: Scored, question: Question) -> QuestionResult:
        if question.id not in self.model.questions:
            return self.fallback.rate(report, scored, question)  # a question the model was not fitted for
        rating, p = self.model.predict(question.id, features(scored, scored.figures), scored.allowed)
        return self.result(report, scored, question, rating, p)

    def result(self, report: Report, scored: Scored, question: Question, rating: str, p: float) -> QuestionResult:
        label = self.profile.words.ratings[rating].label
        unsure = round(p, 2) < self.model.check_below  # as the confidence shown, so Check agrees with it
        number = self.profile.framework.number(question.id)
        support, against = 1 - math.exp(-scored.support), 1 - math.exp(-scored.against)
        return question_result(report, scored, question, number, rating, label, p, unsure, support, against)
