"""Ratings as CSV: one row per question (per review and question for several reviews), for a
spreadsheet. Written with a byte-order mark so Excel on Windows reads accents and curly quotes
correctly, and with cells that start like a formula defused, since comments are free text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from qmark.render.content import Content

COLUMNS = [
    "review",
    "reference",
    "report date",
    "question number",
    "question id",
    "question",
    "qmark suggests",
    "confidence %",
    "check",
    "assessor's rating",
    "rating status",
    "rating to report",
    "rated by",
    "rated on",
    "assessor's comment",
    "strongest evidence",
    "evidence paragraphs",
    "flagged passages",
]


def _safe(value: object) -> str:
    """A cell a spreadsheet will not run: text starting with = + - @ (or a tab or return) gets a
    leading apostrophe, as OWASP advises against CSV injection."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def rows(c: Content) -> list[list[str]]:
    j = c.judgements
    out = []
    for q in c.questions:
        a = q.assessor
        kept = q.kept_evidence
        out.append(
            [
                c.subject,
                j.reference if j else "",
                c.report_date_iso or "",
                str(q.number),
                q.id,
                q.short,
                q.suggested_label,
                str(q.confidence),
                "yes" if q.check else "no",
                q.assessor_label,
                q.status,
                q.final_label,
                a.by if a else "",
                a.at[:10] if a else "",
                a.comment if a else "",
                kept[0].label if kept else "",
                "; ".join(e.ref for e in kept),
                str(len(q.flags)),
            ]
        )
    return out


def to_csv(contents: Iterable[Content]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for c in contents:
        for row in rows(c):
            w.writerow([_safe(v) for v in row])
    return "\ufeff" + buf.getvalue()


def write(contents: Iterable[Content], path: str | Path) -> None:
    Path(path).write_text(to_csv(contents), encoding="utf-8", newline="")
