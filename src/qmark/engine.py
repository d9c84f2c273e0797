"""The one engine: built from a profile, it reads documents, runs the profile's detectors,
gathers each question's evidence and asks the profile's scorer for ratings. The CLI, the web
app, batch runs and the evaluation runner all build engines this way, so every surface gives
the same answer for the same documents and configuration.

    engine = Engine.from_profile("analysis")
    assessment = engine.assess("report.pdf", working=["terms-of-reference.docx"])
    for review, result in engine.pipe([Review("a.pdf"), Review("b.docx")]): ...
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

from qmark.assess import figures as figures_mod
from qmark.assess import scope as scope_mod
from qmark.assess.pipeline import Analysis, sentence_records, to_assessment
from qmark.assess.records import Assessment, FrameworkInfo, ProfileInfo, QuestionResult
from qmark.assess.scoring import Scored, measure
from qmark.data import DataFileError
from qmark.framework import Question, check_signals
from qmark.ingest import DEFAULT_MAX_MB, IngestError, read_report
from qmark.profile import Profile, load_profile
from qmark.registry import RegistryError, detectors, scorers
from qmark.report import Report
from qmark.signals import PUBLIC_LABELS
from qmark.thresholds import Thresholds, load_thresholds


class Detector(Protocol):
    """Marks a report: adds sentence annotations or paragraph hits to the Analysis."""

    signals: frozenset[str]

    def detect(self, analysis: Analysis) -> None: ...


class Scorer(Protocol):
    """Turns one question's gathered evidence into a suggested rating."""

    def rate(self, report: Report, scored: Scored, question: Question) -> QuestionResult: ...


@dataclass
class Review:
    """One review to assess: the report, its working documents, and an optional known date."""

    report: str | Path
    working: list[str | Path] = field(default_factory=list)
    report_date: date | None = None
    id: str = ""


class Engine:
    def __init__(
        self,
        profile: Profile,
        *,
        thresholds: Thresholds | str | Path | None = None,
        extra_detectors: Iterable[str] = (),
        scorer: str | None = None,
        max_mb: float = DEFAULT_MAX_MB,
    ) -> None:
        self.profile = profile
        self.max_mb = max_mb
        extra_files: list[Path] = []
        blob = b""  # thresholds passed as an object are hashed by content, so the hash still means the result
        if isinstance(thresholds, (str, Path)):
            extra_files.append(Path(thresholds))
            thresholds = load_thresholds(thresholds)
            unknown = sorted((set(thresholds.questions) | set(thresholds.question_accuracy)) - set(profile.question_ids))
            if unknown:
                raise DataFileError(
                    f"{extra_files[0]}: thresholds for questions {', '.join(unknown)}, which the {profile.id} profile does not have; "
                    "were they fitted for another profile?"
                )
        elif thresholds is not None:
            blob = thresholds.model_dump_json().encode()
        names = [*profile.manifest.pipeline.detectors, *[d for d in extra_detectors if d not in profile.manifest.pipeline.detectors]]
        try:
            self.detectors: list[Detector] = [detectors.get(n)(profile) for n in names]
            self.scorer: Scorer = scorers.get(scorer or profile.manifest.pipeline.scorer)(profile, thresholds)
        except RegistryError as exc:
            raise DataFileError(f"{profile.files['profile']}: field 'pipeline': {exc}") from None
        for component in [*self.detectors, self.scorer]:
            extra_files.extend(getattr(component, "files", ()))
        known: set[str] = set().union(*(d.signals for d in self.detectors))
        problems = check_signals(profile.framework, known, profile.files["framework"])
        if problems:
            raise DataFileError(problems[0] + (f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""))
        self.config_hash = profile.hash(extra_files, blob)
        self.info = ProfileInfo(id=profile.id, version=profile.version, title=profile.title, hash=self.config_hash)
        fw = profile.framework
        self.framework_info = FrameworkInfo(id=fw.id, version=fw.version, title=fw.title)

    @classmethod
    def from_profile(cls, ref: str | Path | None = None, **kwargs: object) -> Engine:
        """An engine for an installed profile id or a profile folder (the default profile when None)."""
        return cls(load_profile(ref), **kwargs)  # type: ignore[arg-type]

    # -- the steps, for callers (evaluation, calibration) that replay them
    def read(self, source: str | Path, working: Sequence[str | Path] | None = None, report_date: date | None = None) -> Report:
        report = read_report(source, list(working or []), max_mb=self.max_mb)
        if report_date is not None:
            report.date, report.date_source = report_date.isoformat(), "--date"
        return report

    def analyse(self, report: Report) -> Analysis:
        analysis = Analysis(report)
        if self.profile.scope is not None:
            analysis.scope = scope_mod.check(report, self.profile.scope)
        for d in self.detectors:
            d.detect(analysis)
        analysis.figures, analysis.flags = figures_mod.compute(report, analysis.annotations, analysis.knowledge)
        hits = analysis.all_hits()
        fw = self.profile.framework
        analysis.scored = {q.id: measure(report, hits, q, fw, analysis.figures.analysis_words) for q in fw.questions}
        for sc in analysis.scored.values():
            sc.figures = analysis.figures
        return analysis

    def rate(self, analysis: Analysis, *, annotations: bool = False) -> Assessment:
        """The Assessment record; with annotations, every sentence with its labels and scores."""
        results = [self.scorer.rate(analysis.report, analysis.scored[q.id], q) for q in self.profile.framework.questions]
        sentences = sentence_records(analysis, PUBLIC_LABELS, self.profile.thresholds.rule_scores) if annotations else None
        return to_assessment(analysis, results, self.info, self.framework_info, sentences)

    # -- the entry points
    def assess(
        self,
        source: str | Path | Report,
        working: list[str | Path] | None = None,
        *,
        report_date: date | None = None,
        annotations: bool = False,
    ) -> Assessment:
        """Assess one review: a report file (or a Report already read) plus any working documents.
        With annotations, the record also lists every sentence with its labels and scores.

        Raises IngestError when a document cannot be read.
        """
        if isinstance(source, Report):
            report = source
            if report_date is not None:
                report.date, report.date_source = report_date.isoformat(), "--date"
        else:
            report = self.read(source, working, report_date)
        return self.rate(self.analyse(report), annotations=annotations)

    def pipe(self, reviews: Iterable[Review]) -> Iterator[tuple[Review, Assessment | IngestError]]:
        """Assess many reviews in turn. A review whose documents cannot be read yields its
        IngestError instead of an Assessment and never stops the others."""
        for review in reviews:
            try:
                yield review, self.assess(review.report, review.working, report_date=review.report_date)
            except IngestError as exc:
                yield review, exc


def assess(
    source: str | Path | Report,
    working: list[str | Path] | None = None,
    *,
    profile: str | Path | None = None,
    report_date: date | None = None,
    max_mb: float = DEFAULT_MAX_MB,
) -> Assessment:
    """One call: build the engine for a profile (the default one when None) and assess a review."""
    return Engine.from_profile(profile, max_mb=max_mb).assess(source, working, report_date=report_date)


__all__ = ["Detector", "Engine", "Review", "Scorer", "assess"]
