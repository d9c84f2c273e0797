"""The measured state of one review as the engine's components work on it, and the step that
turns it into the Assessment record. Which components run is the Engine's business
(qmark.engine); this module names no component and no question."""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping
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
    ReportWarning,
    SentenceAnnotation,
)
from qmark.assess.scope import ScopeCheck
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
    sentence_scores: MutableMapping[int, dict[str, float]] = field(default_factory=dict)
    scope: ScopeCheck | None = None  # is it the kind of document the profile assesses

    def all_hits(self) -> list[Hit]:
        return [Hit(a.label, a.paragraph, a.sentence, a.start, a.end, a.reason, a.score) for a in self.annotations.items] + self.hits


def fingerprint(report: Report) -> str:
    return hashlib.sha256("".join(d.sha256 for d in report.documents).encode()).hexdigest()


def sentence_records(analysis: Analysis, labels: tuple[str, ...], rule_scores: dict[str, tuple[float, float]]) -> list[SentenceAnnotation]:
    """Every sentence in reading order, with the labels detectors gave it and a probability per
    sentence label: a detector's own where it has one, else what the rules' decision is worth
    (rule_scores: the share of corpus sentences with the same decision that a reader labelled so)."""
    report = analysis.report
    by_sentence: dict[int, list[str]] = {}
    for h in analysis.all_hits():
        if h.sentence is not None and h.label not in by_sentence.setdefault(h.sentence, []):
            by_sentence[h.sentence].append(h.label)
    out = []
    for s in report.sentences:
        on = by_sentence.get(s.index, [])
        own = analysis.sentence_scores.get(s.index, {})
        scores = {}
        for label in labels:
            if label in own:
                scores[label] = round(own[label], 4)
            elif label in rule_scores:
                scores[label] = rule_scores[label][0 if label in on else 1]
        out.append(
            SentenceAnnotation(text=report.text[s.start : s.end], start=s.start, end=s.end, paragraph=s.paragraph, labels=on, scores=scores)
        )
    return out


def to_assessment(
    analysis: Analysis,
    results: list[QuestionResult],
    profile: ProfileInfo,
    framework: FrameworkInfo,
    sentences: list[SentenceAnnotation] | None = None,
) -> Assessment:
    report = analysis.report
    top = min((x.level for x in report.sections), default=1)
    assert analysis.figures is not None
    warnings = []
    if analysis.scope is not None and not analysis.scope.in_scope:
        # Not the kind of document the marker is for: keep the ratings (they show what was found)
        # but mark every one Check, with no confidence (nothing was measured on such documents),
        # and say why, first, wherever the assessment is shown.
        message = analysis.scope.warning()
        warnings.append(ReportWarning(kind="not_a_review", message=message))
        results = [
            r.model_copy(update={"needs_human_read": True, "confidence": 0.0, "rationale": f"{message} {r.rationale}"}) for r in results
        ]
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
                    name=d.name,
                    format=d.format,
                    sha256=d.sha256,
                    pages=d.pages,
                    role="report" if d.is_main else "working_document",
                    ocr_confidence=list(d.ocr) if d.ocr is not None else None,
                )
                for d in report.documents
            ],
            pages=sum(d.pages for d in report.documents),
            paragraphs=sum(1 for p in report.paragraphs if p.kind != "heading"),
            numbered_paragraphs=sum(1 for p in report.paragraphs if p.number),
            sections=[s.heading for s in report.sections if s.level == top],
            noise_removed=len(report.noise),
            notes=_reading_notes(report),
        ),
        questions=results,
        figures=analysis.figures,
        flags=analysis.flags,
        warnings=warnings,
        sentences=sentences,
    )


def _reading_notes(report: Report) -> list[str]:
    """What the assessor should know about how the documents were read."""
    from qmark.ingest.ocr import describe

    notes = []
    for d in report.documents:
        if d.ocr is not None:
            low = [c for c in d.ocr if c is not None and c < 80]
            caution = "; check quotes from low-confidence pages against the scan" if low else ""
            notes.append(
                f"{d.name} was scanned and read by OCR (Tesseract); mean word confidence per page: {describe(list(d.ocr))}{caution}."
            )
    return notes
