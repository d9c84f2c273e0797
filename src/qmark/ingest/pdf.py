"""PDF reader: pdfium's text layer, rebuilt into lines per page, then the shared layout rules.

pdfium hands over text in content-stream order, broken into runs wherever the text jumps. A
run's position (from the boxes of its first and last characters) lets us put the runs back in
reading order, rejoin runs that share a line (table cells, superscript note markers), and turn
the vertical gaps between paragraphs into the blank lines the layout rules rely on.

pdfium also gives each character's font size, weight and angle. Size and weight go with each
line to the layout rules (headings, footnotes); the angle lets a page whose text runs up or
down the sheet (a landscape table on a rotated page) be read as if it were upright. A page
set in two columns, found from the empty gutter between them, is read column by column.
"""

from __future__ import annotations

import ctypes
import math
import re
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from qmark.ingest.blocks import Noise, ReadResult
from qmark.ingest.errors import IngestError
from qmark.ingest.layout import MAX_PAGES, LineStyle, Styles, pages_to_blocks

PASSWORD = "is password-protected; remove the password and try again"
DAMAGED = "is not a valid PDF or is damaged"
SCANNED = "has no text layer: it looks scanned and needs OCR before qmark can read it"

_ERR_PASSWORD, _ERR_SECURITY = 4, 5  # pdfium's FPDF_ERR_PASSWORD, FPDF_ERR_SECURITY
_MIN_TEXT_CHARS = 20  # a page with fewer visible characters has no text layer
_GAP_FACTOR = 1.3  # line pitch this much above the usual one: a paragraph gap
# pdfium ends a line that ends in a hyphen with U+FFFE and no line break, running the next
# line on into the same text: the run is broken after it, so that each run is one line.
_BREAK = re.compile(r"\r\n|\r|\n|\ufffe")


@dataclass
class _Run:
    text: str
    left: float
    right: float
    bottom: float
    top: float
    size: float = 0.0  # font size in points; 0 when pdfium does not know it
    bold: bool = False

    @property
    def height(self) -> float:
        return self.top - self.bottom


def read(path: Path) -> ReadResult:
    _check_envelope(path)
    result, page_count = _read(path)
    if result is not None:
        return result
    # No text layer: a scan. With the OCR extra, OCRmyPDF adds one and it is read the same way.
    from qmark.ingest import ocr

    why = ocr.missing()
    if why is not None:
        raise IngestError(str(path), f"{SCANNED}; {why}")
    with tempfile.TemporaryDirectory(prefix="qmark-ocr-") as work:
        layered, confidences = ocr.ocr_pdf(path, page_count, Path(work))
        result, _ = _read(layered, shown=str(path))
    if result is None:
        raise IngestError(str(path), f"{SCANNED}; OCR found no readable text in it")
    result.ocr = confidences
    return result


def _read(path: Path, shown: str | None = None) -> tuple[ReadResult | None, int]:
    """The PDF's text layer as blocks, or None when it has none (a scan); and its page count."""
    shown = shown or str(path)
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) in (_ERR_PASSWORD, _ERR_SECURITY):
            raise IngestError(shown, PASSWORD) from None
        raise IngestError(shown, DAMAGED) from None
    try:
        if len(pdf) > MAX_PAGES:
            raise IngestError(shown, f"has {len(pdf):,} pages, over the {MAX_PAGES:,}-page limit")
        laid = [_page_lines(pdf, i) for i in range(len(pdf))]
        title = _title(pdf)
    except pdfium.PdfiumError:
        raise IngestError(shown, DAMAGED) from None
    finally:
        pdf.close()
    if not laid:
        raise IngestError(shown, DAMAGED)
    pages = [lines for lines, _ in laid]
    styles: Styles = [page_styles for _, page_styles in laid]
    blocks, noise = pages_to_blocks(pages, paged=True, styles=styles)
    if _pages_with_text(pages, noise) <= len(pages) // 10:
        return None, len(pages)
    return ReadResult(blocks=blocks, pages=len(pages), noise=noise, title=title), len(pages)


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


def _page_lines(pdf: pdfium.PdfDocument, index: int) -> tuple[list[str], list[LineStyle | None]]:
    page = pdf[index]
    try:
        width = page.get_width()
        textpage = page.get_textpage()
        try:
            runs = _runs(textpage)
        finally:
            textpage.close()
    finally:
        page.close()
    return _read_columns(runs, width)


_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi", re.I)
_SAMPLES = 3  # characters of a run whose font is looked at


class _Fonts:
    """pdfium's font facts about one text page's characters. The ctypes calls are most of the
    time a page takes in Python, so the buffers are made once and a font name is judged once."""

    def __init__(self, textpage: pdfium.PdfTextPage) -> None:
        self.raw = textpage.raw
        self.name = ctypes.create_string_buffer(256)
        self.rect = pdfium_c.FS_RECTF()
        self.bold_names: dict[bytes, bool] = {}

    def font(self, index: int) -> tuple[float, bool, float]:
        """(size, bold, angle in degrees counter-clockwise) of one character."""
        raw = self.raw
        size = float(pdfium_c.FPDFText_GetFontSize(raw, index))
        bold = pdfium_c.FPDFText_GetFontWeight(raw, index) >= 600
        if not bold:
            # many PDFs give no weight; the font's name says 'Bold'
            need = pdfium_c.FPDFText_GetFontInfo(raw, index, self.name, 256, None)
            if 0 < need < 256:
                name = self.name.value
                known = self.bold_names.get(name)
                if known is None:
                    known = self.bold_names[name] = bool(_BOLD_NAME.search(name.decode("latin-1", "replace").split("+")[-1]))
                bold = known
        turn = pdfium_c.FPDFText_GetCharAngle(raw, index)
        # pdfium measures the angle clockwise; the turn below is counter-clockwise
        return size, bold, (360 - math.degrees(turn)) % 360 if turn >= 0 else 0.0

    def size(self, index: int) -> float:
        return float(pdfium_c.FPDFText_GetFontSize(self.raw, index))

    def box(self, index: int) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) of a character's loose box (the font's full height)."""
        rect = self.rect
        if not pdfium_c.FPDFText_GetLooseCharBox(self.raw, index, rect):
            raise pdfium.PdfiumError("Failed to get charbox.")
        return rect.left, rect.bottom, rect.right, rect.top


def _runs(textpage: pdfium.PdfTextPage) -> list[_Run]:
    """Text runs between pdfium's line breaks, each placed by its first and last characters and
    set in the size and weight of most of its characters. On a page whose text runs at an
    angle, positions are turned so that the text reads left to right, top to bottom."""
    text = textpage.get_text_range()
    count = len(text)
    # Characters outside the Basic Multilingual Plane can shift string positions against
    # pdfium's character indices; clamping keeps a box lookup in range (at worst a run is
    # placed by a neighbouring character).
    last_index = textpage.count_chars() - 1
    fonts = _Fonts(textpage)
    runs: list[_Run] = []
    angles: list[float] = []
    start = 0
    for end, after in _run_breaks(text) + [(count, count)]:
        chunk = text[start:end]
        stripped = chunk.strip()
        if stripped:
            first = min(start + (len(chunk) - len(chunk.lstrip())), last_index)
            last = min(start + len(chunk.rstrip()) - 1, last_index)
            # the type of a run: its first character's, and the size most of its letters have
            size, bold, turn = fonts.font(first)
            step = max(1, (last - first) // _SAMPLES)
            sizes = [size] + [fonts.size(k) for k in range(first + step, last + 1, step)]
            size = _median(sizes)
            angles.append(turn)
            l1, b1, r1, t1 = fonts.box(first)
            l2, b2, r2, t2 = fonts.box(last)
            runs.append(_Run(stripped, min(l1, l2), max(r1, r2), min(b1, b2), max(t1, t2), size, bold))
        start = after
    turn = _page_angle(angles)
    return [_turned(r, turn) for r in runs] if turn else runs


def _run_breaks(text: str) -> list[tuple[int, int]]:
    """Where runs end and the next begins: at each line break, and right after a U+FFFE that
    no line break follows."""
    breaks = []
    for m in _BREAK.finditer(text):
        at, after = m.span()
        if text[at] != "\ufffe":
            breaks.append((at, after))
        elif text[after : after + 1] not in ("\r", "\n"):
            breaks.append((after, after))
    return breaks


def _median(values: list[float]) -> float:
    """statistics.median, without its generality (it is called for every run and line)."""
    ordered = sorted(values)
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


def _page_angle(angles: list[float]) -> int:
    """The angle most of a page's text runs at, to the nearest quarter turn (0 when upright)."""
    if not angles:
        return 0
    quarters = [round(a / 90) % 4 for a in angles]
    best = max(set(quarters), key=quarters.count)
    return best * 90 if quarters.count(best) * 2 > len(quarters) else 0


def _turned(run: _Run, angle: int) -> _Run:
    """A run's box in the frame of text at this angle (so that it reads left to right)."""
    rad = math.radians(angle)
    c, s = round(math.cos(rad)), round(math.sin(rad))
    xs, ys = [], []
    for x in (run.left, run.right):
        for y in (run.bottom, run.top):
            xs.append(x * c + y * s)
            ys.append(-x * s + y * c)
    return _Run(run.text, min(xs), max(xs), min(ys), max(ys), run.size, run.bold)


_GUTTER = 9.0  # points of white between two columns of text, at least
_COLUMN_SHARE = 0.25  # each column holds at least this share of the page's narrow runs


def _read_columns(runs: list[_Run], width: float) -> tuple[list[str], list[LineStyle | None]]:
    """Lines of a page, read column by column when the page is set in two columns: text
    spanning both (a title, a full-width table) is read before or after the columns."""
    gutter = _gutter(runs, width)
    if gutter is None:
        return _lines(runs)
    left = [r for r in runs if r.right <= gutter]
    right = [r for r in runs if r.left >= gutter]
    wide = [r for r in runs if r.left < gutter < r.right]
    top = max(r.top for r in left + right)
    above = [r for r in wide if r.bottom >= top - 1]
    below = [r for r in wide if r.top < top - 1]
    lines: list[str] = []
    styles: list[LineStyle | None] = []
    for part in (above, left, right, below):
        if not part:
            continue
        part_lines, part_styles = _lines(part)
        if lines:
            lines.append("")
            styles.append(None)
        lines += part_lines
        styles += part_styles
    return lines, styles


def _gutter(runs: list[_Run], width: float) -> float | None:
    """The x of an empty vertical strip down the middle of the page with text on both sides,
    or None when the page is set in one column."""
    if width <= 0 or len(runs) < 16:
        return None
    narrow = [r for r in runs if r.right - r.left < 0.55 * width]
    if len(narrow) < 0.7 * len(runs):
        return None
    lo, hi = int(0.3 * width), int(0.7 * width)
    covered = [False] * (hi - lo + 1)
    for r in narrow:
        for at in range(max(lo, int(r.left)), min(hi, int(math.ceil(r.right))) + 1):
            covered[at - lo] = True
    best: tuple[int, int] | None = None
    run_start = None
    for k, c in enumerate(covered + [True]):
        if not c and run_start is None:
            run_start = k
        elif c and run_start is not None:
            if best is None or k - run_start > best[1] - best[0]:
                best = (run_start, k)
            run_start = None
    if best is None or best[1] - best[0] < _GUTTER:
        return None
    gutter = lo + (best[0] + best[1]) / 2
    left = [r for r in narrow if r.right <= gutter]
    right = [r for r in narrow if r.left >= gutter]
    if min(len(left), len(right)) < _COLUMN_SHARE * len(narrow) or min(len(left), len(right)) < 6:
        return None
    # Text columns are filled: most lines in each run close to the column's full width. Table
    # columns with short cells are left to be read row by row.
    for side in (left, right):
        start = statistics.median(r.left for r in side)
        full = sum(1 for r in side if r.right - r.left >= 0.7 * (max(rr.right for rr in side) - start))
        if full < 0.5 * len(side):
            return None
    # The wide runs must sit above or below the columns, not between their lines.
    cols = left + right
    top, bottom = max(r.top for r in cols), min(r.bottom for r in cols)
    if any(bottom + 1 < r.top < top - 1 for r in runs if r.left < gutter < r.right):
        return None
    return gutter


def _lines(runs: list[_Run]) -> tuple[list[str], list[LineStyle | None]]:
    """Runs grouped into visual lines, top to bottom, with blank lines at paragraph gaps; and
    each line's style (None for the blank lines)."""
    if not runs:
        return [], []
    rows: list[list[_Run]] = []
    for run in sorted(runs, key=lambda r: (-r.top, r.left)):
        top, bottom = run.top, run.bottom
        half = 0.5 * (top - bottom)
        for row in rows[-3:]:  # a run shares a line with one of the last few lines, if any
            first = row[0]
            # the same line: they overlap by more than half the smaller one's height
            overlap = min(first.top, top) - max(first.bottom, bottom)
            if overlap > min(0.5 * (first.top - first.bottom), half):
                row.append(run)
                break
        else:
            rows.append([run])
    rows.sort(key=lambda row: -row[0].top)  # a row's first run is its highest
    texts: list[str] = []
    bottoms: list[float] = []
    heights: list[float] = []
    lefts: list[float] = []
    rights: list[float] = []
    for row in rows:
        if len(row) == 1:  # most lines are one run
            only = row[0]
            texts.append(only.text)
            bottoms.append(only.bottom)
            heights.append(only.height)
            lefts.append(only.left)
            rights.append(only.right)
        else:
            texts.append(_join(sorted(row, key=lambda r: r.left)))
            bottoms.append(min(r.bottom for r in row))
            heights.append(_median([r.height for r in row]))
            lefts.append(min(r.left for r in row))
            rights.append(max(r.right for r in row))
    pitches = [bottoms[i - 1] - bottoms[i] for i in range(1, len(rows))]
    usual = _median(pitches) if len(pitches) >= 3 else None
    margin = _left_margin(lefts)
    edge = sorted(rights)[int(0.9 * (len(rights) - 1))]  # the right margin most full lines reach
    out: list[str] = []
    styles: list[LineStyle | None] = []
    for i, text in enumerate(texts):
        if i:
            pitch = pitches[i - 1]
            gap = pitch > _GAP_FACTOR * usual if usual else pitch > 1.6 * heights[i]
            if gap or (_first_line_indent(lefts, heights, i, margin) and out[-1].endswith((".", "?", "!", ":"))):
                out.append("")
                styles.append(None)
            elif _short_line_ends(texts[i - 1], rights[i - 1], edge, margin, text):
                out.append("")
                styles.append(None)
        out.append(text)
        styles.append(_style(rows[i]))
    return out, styles


def _style(row: list[_Run]) -> LineStyle | None:
    """A line's style: the size of most of its letters (a superscript note marker does not
    count), bold when all its longer runs are bold."""
    if len(row) == 1:  # most lines are one run
        run = row[0]
        return LineStyle(round(run.size, 1), run.bold) if run.size else None
    main = [r for r in row if len(r.text) > 3] or row
    if not any(r.size for r in main):
        return None
    weights: dict[float, int] = {}
    for r in main:
        weights[round(r.size, 1)] = weights.get(round(r.size, 1), 0) + len(r.text)
    size = max(weights, key=lambda k: weights[k])
    return LineStyle(size, all(r.bold for r in main))


_SHORT = 0.2  # a line ending this share of the column short of the right margin ends its paragraph
_SENTENCE_END = re.compile(r"[.?!:\u2026][\"'\u201d\u2019)\]]*$")


def _short_line_ends(prev: str, right: float, edge: float, margin: float, text: str) -> bool:
    """A sentence that ends well short of the right margin ends its paragraph (measured in
    points: counting characters misjudges proportional type)."""
    if edge - margin < 100 or right > edge - _SHORT * (edge - margin):
        return False
    return bool(_SENTENCE_END.search(prev)) and not text[:1].islower()


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
