"""PDF reader: pdfium's text layer, rebuilt into lines per page, then the shared layout rules.

pdfium hands over text in content-stream order, broken into runs wherever the text jumps. A
run's position (from the boxes of its first and last characters) lets us put the runs back in
reading order, rejoin runs that share a line (table cells, superscript note markers), and turn
the vertical gaps between paragraphs into the blank lines the layout rules rely on.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from qmark.ingest.blocks import Noise, ReadResult
from qmark.ingest.errors import IngestError
from qmark.ingest.layout import MAX_PAGES, pages_to_blocks

PASSWORD = "is password-protected; remove the password and try again"
DAMAGED = "is not a valid PDF or is damaged"
SCANNED = "has no text layer: it looks scanned and needs OCR before qmark can read it"

_ERR_PASSWORD, _ERR_SECURITY = 4, 5  # pdfium's FPDF_ERR_PASSWORD, FPDF_ERR_SECURITY
_MIN_TEXT_CHARS = 20  # a page with fewer visible characters has no text layer
_GAP_FACTOR = 1.3  # line pitch this much above the usual one: a paragraph gap
_RUN_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class _Run:
    text: str
    left: float
    right: float
    bottom: float
    top: float

    @property
    def height(self) -> float:
        return self.top - self.bottom


def read(path: Path) -> ReadResult:
    _check_envelope(path)
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) in (_ERR_PASSWORD, _ERR_SECURITY):
            raise IngestError(str(path), PASSWORD) from None
        raise IngestError(str(path), DAMAGED) from None
    try:
        if len(pdf) > MAX_PAGES:
            raise IngestError(str(path), f"has {len(pdf):,} pages, over the {MAX_PAGES:,}-page limit")
        pages = [_page_lines(pdf, i) for i in range(len(pdf))]
        title = _title(pdf)
    except pdfium.PdfiumError:
        raise IngestError(str(path), DAMAGED) from None
    finally:
        pdf.close()
    if not pages:
        raise IngestError(str(path), DAMAGED)
    blocks, noise = pages_to_blocks(pages, paged=True)
    if _pages_with_text(pages, noise) <= len(pages) // 10:
        raise IngestError(str(path), SCANNED)
    return ReadResult(blocks=blocks, pages=len(pages), noise=noise, title=title)


def _pages_with_text(pages: list[list[str]], noise: list[Noise]) -> int:
    """Pages with some text besides furniture: a scan may carry a typed footer and no more."""
    furniture: dict[int, int] = {}
    for n in noise:
        if n.page is not None:
            furniture[n.page] = furniture.get(n.page, 0) + len(n.text.replace(" ", ""))
    visible = [sum(len(line.replace(" ", "")) for line in lines) for lines in pages]
    return sum(1 for number, chars in enumerate(visible, start=1) if chars - furniture.get(number, 0) >= _MIN_TEXT_CHARS)


def _check_envelope(path: Path) -> None:
    """A PDF starts with %PDF- and ends with %%EOF. pdfium can often open a truncated file, but
    the pages lost at its end would be missing from the assessment without anyone knowing."""
    with open(path, "rb") as fh:
        head = fh.read(1024)
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 4096))
        tail = fh.read().rstrip(b"\x00 \t\r\n")
    if b"%PDF-" not in head:
        raise IngestError(str(path), DAMAGED)
    if b"%%EOF" not in tail[-1024:]:
        raise IngestError(str(path), DAMAGED)


def _title(pdf: pdfium.PdfDocument) -> str:
    try:
        title = (pdf.get_metadata_value("Title") or "").strip()
    except Exception:  # metadata is a nicety; a broken info dictionary must not stop the read
        return ""
    title = re.sub(r"^Microsoft (?:Word|PowerPoint) - ", "", title)
    if re.search(r"\.(?:docx?|pdf|rtf|odt)$", title, re.I) or title.lower() in ("untitled", "(anonymous)"):
        return ""
    return title


def _page_lines(pdf: pdfium.PdfDocument, index: int) -> list[str]:
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            runs = _runs(textpage)
        finally:
            textpage.close()
    finally:
        page.close()
    return _lines(runs)


def _runs(textpage: pdfium.PdfTextPage) -> list[_Run]:
    """Text runs between pdfium's line breaks, each placed by its first and last characters."""
    text = textpage.get_text_range()
    count = len(text)
    # Characters outside the Basic Multilingual Plane can shift string positions against
    # pdfium's character indices; clamping keeps a box lookup in range (at worst a run is
    # placed by a neighbouring character).
    last_index = textpage.count_chars() - 1
    runs: list[_Run] = []
    start = 0
    for m in list(_RUN_BREAK.finditer(text)) + [None]:
        end = m.start() if m else count
        chunk = text[start:end]
        stripped = chunk.strip()
        if stripped:
            first = min(start + (len(chunk) - len(chunk.lstrip())), last_index)
            last = min(start + len(chunk.rstrip()) - 1, last_index)
            l1, b1, r1, t1 = textpage.get_charbox(first, loose=True)
            l2, b2, r2, t2 = textpage.get_charbox(last, loose=True)
            runs.append(_Run(stripped, min(l1, l2), max(r1, r2), min(b1, b2), max(t1, t2)))
        start = m.end() if m else count
    return runs


def _same_line(a: _Run, b: _Run) -> bool:
    overlap = min(a.top, b.top) - max(a.bottom, b.bottom)
    return overlap > 0.5 * min(a.height, b.height)


def _lines(runs: list[_Run]) -> list[str]:
    """Runs grouped into visual lines, top to bottom, with blank lines at paragraph gaps."""
    rows: list[list[_Run]] = []
    for run in sorted(runs, key=lambda r: (-r.top, r.left)):
        for row in rows[-3:]:  # a run shares a line with one of the last few lines, if any
            if _same_line(row[0], run):
                row.append(run)
                break
        else:
            rows.append([run])
    rows.sort(key=lambda row: -max(r.top for r in row))
    texts = [_join(sorted(row, key=lambda r: r.left)) for row in rows]
    bottoms = [min(r.bottom for r in row) for row in rows]
    heights = [statistics.median(r.height for r in row) for row in rows]
    lefts = [min(r.left for r in row) for row in rows]
    pitches = [bottoms[i - 1] - bottoms[i] for i in range(1, len(rows))]
    usual = statistics.median(pitches) if len(pitches) >= 3 else None
    margin = _left_margin(lefts)
    out: list[str] = []
    for i, text in enumerate(texts):
        if i:
            pitch = pitches[i - 1]
            gap = pitch > _GAP_FACTOR * usual if usual else pitch > 1.6 * heights[i]
            if gap or (_first_line_indent(lefts, heights, i, margin) and out[-1].endswith((".", "?", "!", ":"))):
                out.append("")
        out.append(text)
    return out


def _first_line_indent(lefts: list[float], heights: list[float], i: int, margin: float) -> bool:
    """An indented line between two lines further left starts a paragraph. (The lines of a
    hanging-indent paragraph, '4.12<tab>text', stay indented together and are not taken
    for one.)"""
    if lefts[i] <= margin + heights[i] or i + 1 >= len(lefts):
        return False
    further_left = lefts[i] - heights[i]
    return lefts[i - 1] < further_left and lefts[i + 1] < further_left


def _left_margin(lefts: list[float]) -> float:
    """The x most lines start at (the body's left margin)."""
    if not lefts:
        return 0.0
    rounded = [round(x / 4) * 4 for x in lefts]
    return float(statistics.mode(rounded)) + 2


def _join(row: list[_Run]) -> str:
    """Runs on one line, left to right; a space where there is a visible gap between them."""
    parts = [row[0].text]
    for prev, run in zip(row, row[1:]):
        gap = run.left - prev.right
        parts.append(("" if gap < 0.15 * max(run.height, 1.0) else " ") + run.text)
    return "".join(parts)
