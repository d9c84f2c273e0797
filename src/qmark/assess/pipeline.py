"""The measured state of one review as the engine's components work on it, and the step that
turns it into the Assessment record. Which components run is the Engine's business
(qmark.engine); this module names no component and no question."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from qmark import __version__
from qmark.assess.records import (
    Assessment,
    DocumentInfo,
    Figures,
    Flag,
    FrameworkInfo,
    ProfileInfo,
    QuestionResult,
    ReportInfo,
)
from qmark.assess.scoring import Scored
from qmark.assess.signals import Hit
from qmark.report import Report
from qmark.signals import Annotations


@dataclass
class Analysis:
    """Everything measured about a report before a scorer turns it into ratings. Detectors add
    sentence annotations and paragraph hits; the engine then gathers each question's evidence."""

    report: Report
    annotations: Annotations = field(default_factory=Annotations)
    hits: list[Hit] = field(default_factory=list)  # paragraph-level findings (knowledge checks)
    knowledge: object | None = None  # the knowledge detector's view, for the figures
    scored: dict[str, Scored] = field(default_factory=dict)
    figures: Figures | None = None
    flags: list[Flag] = field(default_factory=list)
    # sentence index -> {label: probability}, from a learned detector when one runs
    sentence_scores: dict[int, dict[str, float]] = field(default_factory=dict)

    def all_hits(self) -> list[Hit]:
        return [Hit(a.label, a.paragraph, a.sentence, a.start, a.end, a.reason, a.score) for a in self.annotations.items] + self.hits


def fingerprint(report: Report) -> str:
    return hashlib.sha256("".join(d.sha256 for d in report.documents).encode()).hexdigest()


def to_assessment(analysis: Analysis, results: list[QuestionResult], profile: ProfileInfo, framework: FrameworkInfo) -> Assessment:
    report = analysis.report
    top = min((x.level for x in report.sections), default=1)
    assert analysis.figures is not None
    return Assessment(
        engine_version=__version__,
        config_hash=profile.hash,
        fingerprint=fingerprint(report),
        created=datetime.now(UTC).replace(microsecond=0).isoformat(),
        profile=profile,
        framework=framework,
        report=ReportInfo(
            title=report.title,
            date=report.date,
            date_source=report.date_source,
            documents=[
                DocumentInfo(
                    name=d.name, format=d.format, sha256=d.sha256, pages=d.pages, role="report" if d.is_main else "working_document"
                )
                for d in report.documents
            ],
            pages=sum(d.pages for d in report.documents),
            paragraphs=sum(1 for p in report.paragraphs if p.kind != "heading"),
            numbered_paragraphs=sum(1 for p in report.paragraphs if p.number),
            sections=[s.heading for s in report.sections if s.level == top],
            noise_removed=len(report.noise),
        ),
        questions=results,
        figures=analysis.figures,
        flags=analysis.flags,
    )
