"""The engine's work for one background assessment, as run in a sandboxed child process
(qmark.sandbox) by the job runner (qmark.web.reviews.jobs). Nothing here imports Django: the
child reads the stored files and returns plain strings, so a document that takes too long, uses
too much memory or crashes its reader takes down only the child, never the web process."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any


def rename(report, names: dict[str, tuple[str, str]]) -> None:
    """Give the report's documents the names the user knows them by: stored path -> (name for
    the evidence, the file name as uploaded)."""
    report.documents = [
        replace(doc, name=names[doc.path][0], path=names[doc.path][1]) if doc.path in names else doc for doc in report.documents
    ]


def paragraph_index(report) -> list[dict]:
    """Every non-heading paragraph as read: where it is and its text, for adding evidence."""
    from qmark.assess.scoring import location

    return [
        {"index": p.index, "id": report.evidence_id(p), "location": location(report, p).model_dump(), "text": report.paragraph_text(p)}
        for p in report.paragraphs
        if p.kind != "heading"
    ]


def read_and_assess(
    paths: list[str], names: list[str], originals: list[str], profile: str, report_date: str | None, max_mb: float
) -> dict[str, Any]:
    """Read the stored files (paths[0] the report) and assess them against the profile.

    Returns {"ok": True, "assessment": JSON, "paragraphs": JSON}, or {"ok": False, "kind":
    "unreadable", "path", "reason"} for a document that cannot be read, or {"ok": False, "kind":
    "config", "reason"} when qmark's own data files cannot be loaded."""
    from qmark.data import DataFileError
    from qmark.engine import Engine
    from qmark.ingest import IngestError, read_report

    try:
        report = read_report(paths[0], list(paths[1:]), max_mb=max_mb)
        rename(report, {p: (n, o) for p, n, o in zip(paths, names, originals, strict=True)})
        when = date.fromisoformat(report_date) if report_date else None
        assessment = Engine.from_profile(profile).assess(report, report_date=when)
    except IngestError as exc:
        return {"ok": False, "kind": "unreadable", "path": exc.path, "reason": exc.reason}
    except DataFileError as exc:
        return {"ok": False, "kind": "config", "reason": str(exc)}
    return {
        "ok": True,
        "assessment": assessment.model_dump_json(),
        "paragraphs": json.dumps(paragraph_index(report), ensure_ascii=False),
    }


__all__ = ["paragraph_index", "read_and_assess", "rename"]
