"""Plain-text reader. Text exported from PDFs often keeps form feeds between pages and the
running headers and footers; the layout module recognises both, as it does for PDFs."""

from __future__ import annotations

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


def parse(source: str) -> ReadResult:
    if source.count("\f") >= MAX_PAGES:
        raise IngestError("", f"has {source.count(chr(12)) + 1:,} pages (form feeds), over the {MAX_PAGES:,}-page limit")
    pages = [page.splitlines() for page in source.split("\f")]
    blocks, noise = pages_to_blocks(pages, paged=len(pages) > 1)
    # Without form feeds the layout may still find pages from 'Page N of M' lines.
    found = max((b.page or 0 for b in blocks), default=0)
    return ReadResult(blocks=blocks, pages=max(found, len(pages) if len(pages) > 1 else 0), noise=noise)


def read(path: Path) -> ReadResult:
    return parse(decode(path.read_bytes(), str(path)))
