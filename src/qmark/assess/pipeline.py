"""The one path every surface uses: files (or a Report) in, an Assessment out."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from qmark import __version__
from qmark.assess import figures as figures_mod
from qmark.assess.records import (Assessment, DocumentInfo, Figures, Flag, FrameworkInfo,
                                  QuestionResult, ReportInfo)
from qmark.assess.scoring import Scored, measure, rate
from qmark.assess.signals import Hit, collect
from qmark.assess.thresholds import Thresholds, load_thresholds
from qmark.data import data_path
from qmark.framework import Framework, load_framework
from qmark.ingest import DEFAULT_MAX_MB, read_report
from qmark.report import Report
from qmark.signals import Annotations, annotate


@dataclass
class Analysis:
    """Everything measured about a report before thresholds turn it into ratings."""
    report: Report
    framework: Framework
    annotations: Annotations
    hits: list[Hit]
    scored: dict[str, Scored]
    figures: Figures
    flags: list[Flag]


def _currency(report: Report):
    from qmark.assess.knowledge import assess_currency
    return assess_currency(report)


def analyse(report: Report, framework: Framework | None = None, semantic: bool = False) -> Analysis:
    """Measure a report. semantic=True adds the optional sentence-embedding layer's labels
    (pip install qmark[semantic]); the shipped rating thresholds are fitted without it."""
    framework = framework or load_framework()
    annotations = annotate(report)
    if semantic:
        from qmark.signals import semantic as sem
        annotations = sem.load_default().annotate(report, annotations)
    currency = _currency(report)
    hits = collect(report, annotations, currency)
    figs, flags = figures_mod.compute(report, annotations, currency)
    scored = {q.id: measure(report, hits, q, framework, figs.analysis_words) for q in framework.questions}
    return Analysis(report, framework, annotations, hits, scored, figs, flags)


@lru_cache(maxsize=8)
def config_hash(framework_path: str | None = None) -> str:
    """Hash of the data files that decide the result; read once per process, like the files themselves."""
    h = hashlib.sha256()
    files = [Path(framework_path) if framework_path else data_path("frameworks/analysis.yaml")]
    files += [data_path(n) for n in ("cues.yaml", "thresholds.yaml", "section_roles.yaml",
                                     "abbreviations.yaml", "knowledge_base.yaml", "currency.yaml")]
    for f in files:
        if f.exists():
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def to_assessment(analysis: Analysis, thresholds: Thresholds | None = None, framework_path: str | None = None) -> Assessment:
    thresholds = thresholds or load_thresholds()
    report, fw = analysis.report, analysis.framework
    results: list[QuestionResult] = [rate(report, analysis.scored[q.id], q, thresholds) for q in fw.questions]
    fingerprint = hashlib.sha256("".join(d.sha256 for d in report.documents).encode()).hexdigest()
    top = min((x.level for x in report.sections), default=1)   # once, not once per section
    return Assessment(
        engine_version=__version__,
        config_hash=config_hash(framework_path),
        fingerprint=fingerprint,
        created=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        framework=FrameworkInfo(id=fw.id, version=fw.version, title=fw.title),
        report=ReportInfo(
            title=report.title,
            date=report.date,
            date_source=report.date_source,
            documents=[DocumentInfo(name=d.name, format=d.format, sha256=d.sha256, pages=d.pages,
                                    role="report" if d.is_main else "working_document") for d in report.documents],
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


def assess(
    source: str | Path | Report,
    working: list[str | Path] | None = None,
    *,
    framework: str | None = None,
    report_date: date | None = None,
    max_mb: float = DEFAULT_MAX_MB,
    semantic: bool = False,
) -> Assessment:
    """Assess one review: a report file (or a Report already read) plus any working documents.

    Raises qmark.ingest.IngestError when a document cannot be read, and
    qmark.data.DataFileError when a framework or data file is invalid.
    """
    fw = load_framework(framework)
    report = source if isinstance(source, Report) else read_report(source, working, max_mb=max_mb)
    if report_date is not None:
        report.date, report.date_source = report_date.isoformat(), "--date"
    return to_assessment(analyse(report, fw, semantic=semantic), framework_path=framework)
