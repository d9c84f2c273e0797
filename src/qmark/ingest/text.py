"""Plain-text reader. Text exported from PDFs often keeps form feeds between pages and the
running headers and footers; the layout module recognises both, as it does for PDFs. Text
copied out of a PDF viewer or a web page is hard-wrapped, often without blank lines between
paragraphs; the layout module reflows it. A .txt file that is really Markdown (a report's
Markdown saved under another name) is read as Markdown."""

from __future__ import annotations

import re
from pathlib import Path

from qmark.ingest.blocks import ReadResult
from qmark.ingest.errors import IngestError
from qmark.ingest.layout import MAX_PAGES, pages_to_blocks


def decode(data: bytes, shown: str) -> str:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError(shown, "looks like a binary file, not text")
    for enc in ("utf-8-sig", "utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig",):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            pass
    # Windows-1252 is what Word's 'plain text' export gives on a UK Windows laptop.
    return data.decode("cp1252", errors="replace")


_MD_HEADING = re.compile(r"^#{1,6}[ \t]+\S", re.M)
_MD_TABLE_RULE = re.compile(r"^\|?[ \t]*:?-{3,}:?[ \t]*\|", re.M)
_MD_EMPHASIS_LINE = re.compile(r"^\*\*[^*\n]+\*\*[ \t]*$", re.M)


def looks_like_markdown(source: str) -> bool:
    """ATX headings ('# 1. Introduction') on several lines, or with a Markdown table or bold
    lines: text that only a Markdown reader reads as its writer meant."""
    head = source[:200_000]
    headings = sum(1 for _ in zip(range(3), _MD_HEADING.finditer(head)))
    if headings >= 3:
        return True
    return headings >= 1 and bool(_MD_TABLE_RULE.search(head) or _MD_EMPHASIS_LINE.search(head))


def parse(source: str) -> ReadResult:
    if looks_like_markdown(source):
        from qmark.ingest import markdown

        return markdown.parse(source)
    if source.count("\f") >= MAX_PAGES:
        raise IngestError("", f"has {source.count(chr(12)) + 1:,} pages (form feeds), over the {MAX_PAGES:,}-page limit")
    pages = [page.splitlines() for page in source.split("\f")]
    blocks, noise = pages_to_blocks(pages, paged=len(pages) > 1)
    # Without form feeds the layout may still find pages from 'Page N of M' lines.
    found = max((b.page or 0 for b in blocks), default=0)
    return ReadResult(blocks=blocks, pages=max(found, len(pages) if len(pages) > 1 else 0), noise=noise)


def read(path: Path) -> ReadResult:
    return parse(decode(path.read_bytes(), str(path)))
