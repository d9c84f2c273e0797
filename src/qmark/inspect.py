"""`qmark inspect`: how qmark read a document, before any assessment.

When the evidence looks wrong (a passage under the wrong heading, a paragraph number missing,
a running footer quoted as evidence), the cause is nearly always in the reading. This shows
the reading: title, date and where the date came from, sections with their roles, every
paragraph with its printed number, page, section and role, and what was set aside.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

from qmark.ingest import DEFAULT_MAX_MB, read_report
from qmark.report import Report

SCHEMA = "qmark-inspect/1"


def describe(report: Report) -> dict[str, Any]:
    """The reading of a report as plain data (the `qmark inspect --json` structure)."""
    sections = [
        {
            "index": s.index,
            "heading": s.heading,
            "level": s.level,
            "role": s.role,
            "document": report.documents[s.document].name if report.documents else "",
            "path": list(s.path),
        }
        for s in report.sections
    ]
    paragraphs = []
    noise = [{"text": n.text, "page": n.page, "reason": n.reason} for n in report.noise]
    for p in report.paragraphs:
        if p.kind == "heading":
            continue
        text = report.paragraph_text(p)
        entry = {
            "number": p.number,
            "page": p.page,
            "section": report.sections[p.section].heading if p.section is not None else None,
            "role": p.role,
            "kind": p.kind,
            "document": report.documents[p.document].name if report.documents else "",
            "text": text,
        }
        paragraphs.append(entry)
        if p.role == "contents":
            noise.append({"text": text, "page": p.page, "reason": "contents"})
    return {
        "schema": SCHEMA,
        "title": report.title,
        "date": report.date,
        "date_source": _date_source(report),
        "documents": [
            {
                "name": d.name,
                "format": d.format,
                "pages": d.pages,
                "role": "report" if d.is_main else "working_document",
                "ocr_confidence": list(d.ocr) if d.ocr is not None else None,
            }
            for d in report.documents
        ],
        "sections": sections,
        "paragraphs": paragraphs,
        "noise": noise,
    }


def _date_source(report: Report) -> str | None:
    """Where the date came from: the line of the report it was read from, or '--date'."""
    if report.date_source != "text":
        return report.date_source or None
    from qmark.segment.dating import find_report_date

    main = next((d for d in report.documents if d.is_main), None)
    found = find_report_date(report.text[main.start : main.end]) if main else None
    return f"the line '{found[1][:120]}'" if found else "the text"


def inspect(path: str | Path, working: list[str | Path] | None = None, *, max_mb: float = DEFAULT_MAX_MB) -> dict[str, Any]:
    """Read a document (and any working documents) and describe the reading.
    Raises qmark.ingest.IngestError when a document cannot be read."""
    return describe(read_report(path, working, max_mb=max_mb))


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


def render(data: dict[str, Any], out: TextIO) -> None:
    """The reading for a person: plain lines, one per section and paragraph."""
    from qmark.ingest.errors import one_line

    w = out.write
    w(f"Title: {one_line(data['title']) or '(none found)'}\n")
    if data["date"]:
        w(f"Date:  {data['date']} (from {one_line(data['date_source'] or 'the text')})\n")
    else:
        w("Date:  (none found; give it with --date when assessing)\n")
    for d in data["documents"]:
        pages = f", {d['pages']} pages" if d["pages"] else ""
        w(f"Document: {one_line(d['name'])} ({d['format']}{pages}, {d['role'].replace('_', ' ')})\n")
        if d.get("ocr_confidence") is not None:
            from qmark.ingest.ocr import describe

            w(f"  read by OCR (Tesseract); mean word confidence per page: {describe(d['ocr_confidence'])}\n")
    w(f"\nSections ({len(data['sections'])}):\n")
    for s in data["sections"]:
        w(f"  {'  ' * (s['level'] - 1)}{_short(one_line(s['heading']), 70)}  [{s['role']}]\n")
    numbered = sum(1 for p in data["paragraphs"] if p["number"])
    w(f"\nParagraphs ({len(data['paragraphs'])}, {numbered} with a printed number):\n")
    w(f"  {'number':<9} {'page':>4}  {'role':<18} text\n")
    for p in data["paragraphs"]:
        page = "" if p["page"] is None else str(p["page"])
        w(f"  {one_line(p['number'] or '-'):<9} {page:>4}  {p['role']:<18} {_short(one_line(p['text']), 60)}\n")
    w(f"\nSet aside ({len(data['noise'])}):\n")
    for n in data["noise"]:
        page = f"p. {n['page']}" if n["page"] else ""
        w(f"  {n['reason']:<16} {page:<7} {_short(one_line(n['text']), 60)}\n")


def main(args) -> int:
    """The `qmark inspect` command: args.file, args.with_docs, args.json, args.max_mb."""
    from qmark.ingest import IngestError

    try:
        data = inspect(args.file, args.with_docs, max_mb=args.max_mb)
    except IngestError as exc:
        print(f"qmark: {exc}", file=sys.stderr)
        return 2
    if args.json:
        if args.json == "-":
            json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
            print()
            return 0
        Path(args.json).write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    render(data, sys.stdout)
    if args.json:
        print(f"\nJSON written to {args.json}")
    return 0
