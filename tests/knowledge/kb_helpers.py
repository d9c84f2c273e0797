"""Small markdown reports built in the tests themselves."""

from __future__ import annotations

from qmark.ingest import read_text
from qmark.report import Report


def analysis_report(*paragraphs: str, tail: str = "") -> Report:
    """A report whose analysis section holds the given paragraphs, numbered 4.1, 4.2, ..."""
    body = "\n\n".join(f"4.{i} {p}" for i, p in enumerate(paragraphs, 1))
    return read_text(f"# 4. Analysis\n\n{body}\n\n{tail}")
