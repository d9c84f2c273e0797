"""How well an organisation's assessors agree: over the reviews rated blind by two assessors
(both submitted), percentage agreement, weighted kappa and Gwet's AC1, each with a 95%
confidence interval from resampling whole reviews (the ratings of one review are not
independent of each other). The statistics are qmark.evaluate.metrics, the same functions
behind qmark's own accuracy figures."""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from dataclasses import dataclass, field

from qmark.assess.records import RATING_LABELS, RATINGS
from qmark.evaluate import metrics
from qmark.web.reviews import state
from qmark.web.reviews.audit import _cell
from qmark.web.reviews.models import Review

RESAMPLES = 2000
SEED = 7
MIN_REVIEWS_FOR_INTERVAL = 2
FEW_REVIEWS = 5

METHOD = (
    "Percentage agreement counts the questions both assessors rated the same, over the four ratings. "
    "Weighted kappa (Cohen's, quadratic weights) treats the ratings as ordered, Met > Partly met > Not met or Not evidenced "
    "(the last two count as the same level, as in qmark's own accuracy figures), so a near miss counts for more than a far one; "
    "it corrects for the agreement two assessors would reach by chance. Gwet's AC1 also corrects for chance, over the four ratings "
    "as categories, and stays stable when most ratings are the same (where kappa can look low despite high agreement). "
    f"Each has a 95% confidence interval from {RESAMPLES:,} bootstrap resamples of whole reviews (percentile method), because "
    "the ratings of one review are not independent of each other."
)


@dataclass
class Pairing:
    review: Review
    pairs: list[tuple[str, str, str]]  # (question id, first assessor's rating, second's)
    labels: dict[str, str]  # question id -> "6. Techniques to limit hindsight"
    profile: str
    assessors: tuple[str, str]


@dataclass
class Figure:
    name: str
    value: float
    low: float | None
    high: float | None

    @property
    def has_interval(self) -> bool:
        return self.low is not None and self.high is not None and not math.isnan(self.low)


@dataclass
class Agreement:
    pairings: list[Pairing]
    figures: list[Figure] = field(default_factory=list)
    per_question: list[tuple[str, str, int, float]] = field(default_factory=list)  # profile, question label, n, share agreeing
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def n_reviews(self) -> int:
        return len(self.pairings)

    @property
    def n_pairs(self) -> int:
        return sum(len(p.pairs) for p in self.pairings)

    @property
    def few(self) -> bool:
        return self.n_reviews < FEW_REVIEWS


def pairings(organisation) -> list[Pairing]:
    """Every review of the organisation rated blind by two assessors who have both submitted."""
    out = []
    for review in Review.objects.filter(organisation=organisation, double_rating=True).select_related(
        "first_assessor", "second_assessor", "organisation"
    ):
        if len(review.assessors) != 2:
            continue
        _, done = state.runs_of(review)
        if done is None:
            continue
        st = state.for_viewer(review, done, None)
        if st.view != "pair":
            continue
        pairs = [(q.id, q.pair[0].value, q.pair[1].value) for q in st.questions if q.pair and q.pair[0] and q.pair[1]]
        if pairs:
            out.append(
                Pairing(
                    review=review,
                    pairs=pairs,
                    labels={q.id: f"{q.result.number}. {q.result.short}" for q in st.questions},
                    profile=st.assessment.profile.title,
                    assessors=(review.assessors[0].get_username(), review.assessors[1].get_username()),
                )
            )
    return out


def compute(chosen: list[Pairing]) -> Agreement:
    result = Agreement(pairings=chosen)
    tables = [Counter((a, b) for _, a, b in p.pairs) for p in chosen]
    everything = sum(tables, Counter())
    if not everything:
        return result
    measures = [
        ("Percentage agreement", metrics.exact_agreement_table),
        ("Weighted kappa (quadratic)", metrics.quadratic_kappa_table),
        ("Gwet's AC1", metrics.gwet_ac1_table),
    ]
    intervals: list[tuple[float | None, float | None]] = [(None, None)] * len(measures)
    if len(tables) >= MIN_REVIEWS_FOR_INTERVAL:
        intervals = list(metrics.bootstrap_ci_tables(tables, [stat for _, stat in measures], n=RESAMPLES, seed=SEED))
    for (name, stat), (low, high) in zip(measures, intervals):
        result.figures.append(Figure(name, stat(everything), low, high))
    per_q: dict[tuple[str, str], list[tuple[str, str]]] = {}
    order: dict[tuple[str, str], tuple] = {}
    for p in chosen:
        for qid, a, b in p.pairs:
            key = (p.profile, p.labels.get(qid, qid))
            per_q.setdefault(key, []).append((a, b))
            order.setdefault(key, (p.profile, list(p.labels).index(qid) if qid in p.labels else 99))
    for key in sorted(per_q, key=lambda k: order[k]):
        pairs = per_q[key]
        result.per_question.append((key[0], key[1], len(pairs), metrics.exact_agreement(pairs)))
    result.confusion = {a: {b: everything[(a, b)] for b in RATINGS} for a in RATINGS}
    return result


def _fmt(name: str, value: float | None) -> str:
    if value is None or math.isnan(value):
        return ""
    return f"{value:.1%}" if name.startswith("Percentage") else f"{value:.2f}"


def to_csv(a: Agreement, organisation: str) -> str:
    """The figures, each question's agreement and each review used, as one CSV table."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["section", "item", "value", "ci_low_95", "ci_high_95", "n", "note"])
    w.writerow(["organisation", _cell(organisation), "", "", "", a.n_reviews, f"{a.n_pairs} paired ratings"])
    for f in a.figures:
        w.writerow(["figure", f.name, f"{f.value:.4f}", *(f"{x:.4f}" if x is not None else "" for x in (f.low, f.high)), a.n_pairs, ""])
    for profile, label, n, share in a.per_question:
        w.writerow(["question", f"{profile}: {label}", f"{share:.4f}", "", "", n, "share of reviews rated the same"])
    for first, row in a.confusion.items():
        for second, n in row.items():
            w.writerow(["ratings", f"first {RATING_LABELS[first]} / second {RATING_LABELS[second]}", n, "", "", "", ""])
    for p in a.pairings:
        same = sum(1 for _, x, y in p.pairs if x == y)
        w.writerow(
            [
                "review",
                _cell(p.review.reference or p.review.title),
                f"{same / len(p.pairs):.4f}",
                "",
                "",
                len(p.pairs),
                " and ".join(p.assessors),
            ]
        )
    w.writerow(["method", "", "", "", "", "", METHOD])
    return out.getvalue()
