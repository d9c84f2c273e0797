"""The work for one review, as run in a sandboxed child process (locally or on a Dask worker):
read and assess the documents, and turn the Assessment into the rows of the batch's tables.
The same function runs everywhere, so a cluster gives the same results as one machine."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from qmark.assess.records import RATINGS, Assessment
from qmark.engine import Engine
from qmark.ingest import IngestError
from qmark.render import jsonout


@lru_cache(maxsize=4)
def engine(profile: str | None, thresholds: str | None, max_mb: float) -> Engine:
    """One engine per configuration per process: loading a profile is paid once, not per report."""
    return Engine.from_profile(profile, thresholds=thresholds, max_mb=max_mb)


def config(profile: str | None, thresholds: str | None, max_mb: float) -> tuple[str, str]:
    """The engine version and configuration hash this process would assess with."""
    from qmark import __version__

    return __version__, engine(profile, thresholds, max_mb).config_hash


def rows(a: Assessment) -> dict[str, Any]:
    """The table rows for one assessment, without what only the batch knows (id, file, type)."""
    f = a.figures
    counts = {r: sum(q.rating == r for q in a.questions) for r in RATINGS}
    year = int(a.report.date[:4]) if a.report.date and a.report.date[:4].isdigit() else None
    common = {
        "profile": a.profile.id,
        "profile_version": a.profile.version,
        "engine_version": a.engine_version,
        "config_hash": a.config_hash,
    }
    ratings = [
        {
            "question": q.question,
            "number": q.number,
            "short": q.short,
            "rating": q.rating,
            "confidence": round(q.confidence, 4),
            "needs_check": q.needs_human_read,
            "top_evidence": q.evidence[0].location.label if q.evidence else None,
            **common,
        }
        for q in a.questions
    ]
    report = {
        "title": a.report.title,
        "date": a.report.date,
        "year": year,
        "date_source": a.report.date_source,
        "documents": len(a.report.documents),
        "pages": a.report.pages,
        "paragraphs": a.report.paragraphs,
        "numbered_paragraphs": a.report.numbered_paragraphs,
        "words": f.words,
        "analysis_words": f.analysis_words,
        "hindsight_judgements": f.hindsight_judgements,
        "hindsight_per_1000_words": round(f.hindsight_per_1000_words, 4),
        "hindsight_mitigations": f.hindsight_mitigations,
        "explain_share": round(f.explain_share, 4),
        "systemic_explanations": f.systemic_explanations,
        "individual_explanations": f.individual_explanations,
        "citations": len(f.citations),
        "newest_research_year": f.newest_research_year,
        "median_research_age": f.median_research_age,
        **{r: counts[r] for r in RATINGS},
        "needs_check": sum(q.needs_human_read for q in a.questions),
        "fingerprint": a.fingerprint,
        **common,
    }
    citations = [{"kind": c.kind, "year": c.year, "age_at_report": c.age_at_report, "entry": c.entry} for c in f.citations]
    return {"report": report, "ratings": ratings, "citations": citations}


def assess_review(
    files: list[str],
    shown: list[str],
    report_date: str | None,
    profile: str | None,
    thresholds: str | None,
    max_mb: float,
    html: bool,
    annotations: bool = False,
) -> dict[str, Any]:
    """Assess one review (files[0] the report, the rest working documents). `shown` are the names
    to use in messages (the user's paths, where files are temporary copies on a cluster).
    Returns {"ok": True, "json", "html", "report", "ratings", "citations"} or {"ok": False,
    "kind": "unreadable", "reason"} for a document that cannot be read."""
    eng = engine(profile, thresholds, max_mb)
    when = date.fromisoformat(report_date) if report_date else None
    try:
        a = eng.assess(files[0], list(files[1:]), report_date=when, annotations=annotations)
    except IngestError as exc:
        name = dict(zip(files, shown, strict=True)).get(exc.path, exc.path)
        return {"ok": False, "kind": "unreadable", "reason": str(IngestError(name, exc.reason))}
    out: dict[str, Any] = {"ok": True, "json": jsonout.to_json(a), "html": None, **rows(a)}
    if html:
        from qmark.render.html import render

        out["html"] = render(a, eng.profile)
    return out


__all__ = ["assess_review", "config", "engine", "rows"]
