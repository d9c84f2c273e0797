"""Replay a labelled corpus through the real engine (like ASReview's `simulate`): each report is
read and analysed once, and what the scorers need is kept for evaluation and calibration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qmark.assess.pipeline import Analysis
from qmark.assess.records import Assessment
from qmark.engine import Engine
from qmark.evaluate.corpus import CorpusError, LabelledReport, load_reports
from qmark.ingest import IngestError


@dataclass(frozen=True)
class Point:
    """One (report, question) as the threshold scorer sees it, with its gold rating."""

    report: str
    support: float
    against: float
    gold: str
    group: str = ""
    cap: str | None = None  # the best rating the question's parts allow (Scored.cap)
    evidenced: bool = False  # some part of the question is done (Scored.evidenced)


@dataclass
class Item:
    labelled: LabelledReport
    analysis: Analysis
    assessment: Assessment  # with the engine's own thresholds: used for evidence ranking


def load_and_analyse(folder: Path, engine: Engine, sentence_models: Mapping[str, Any] | None = None) -> list[Item]:
    """Every report labelled for the engine's profile, analysed once. With sentence_models (fold
    group -> sentence model), each report is labelled by the model fitted without its writer."""
    learned = [d for d in engine.detectors if hasattr(d, "model") and hasattr(d.model, "decide")]
    shipped = [d.model for d in learned]  # type: ignore[attr-defined]
    items = []
    try:
        for lr in load_reports(folder, engine.profile.id):
            try:
                report = engine.read(lr.path, lr.working)
            except IngestError as exc:
                raise CorpusError(str(exc)) from None
            if sentence_models is not None:
                for d in learned:
                    d.model = sentence_models.get(lr.gold.group, d.model)  # type: ignore[attr-defined]
            analysis = engine.analyse(report)
            items.append(Item(lr, analysis, engine.rate(analysis)))
    finally:
        for d, m in zip(learned, shipped):
            d.model = m  # type: ignore[attr-defined]
    return items


def collect_points(items: list[Item]) -> dict[str, list[Point]]:
    points: dict[str, list[Point]] = {}
    for it in items:
        for qid, gq in it.labelled.gold.questions.items():
            sc = it.analysis.scored.get(qid)
            if sc is None:
                continue
            points.setdefault(qid, []).append(
                Point(it.labelled.name, sc.support, sc.against, gq.rating, it.labelled.gold.group, sc.cap, sc.evidenced)
            )
    return points
