"""Lines on pages become blocks: shared by the PDF reader and the plain-text reader.

A PDF (or text exported from one) has no paragraphs, only lines on pages, with publication
furniture mixed in. This module recognises the furniture (running headers and footers, page
numbers, classification markings), the contents page and page-bottom footnotes, then joins
wrapped lines into paragraphs and finds headings. Everything here is a heuristic over plain
strings; a blank line is the strongest paragraph boundary a reader can hand over (the PDF
reader turns large vertical gaps into blank lines).

A PDF reader also knows each line's font size and weight (LineStyle): then headings are the
lines set larger or in bold, a title wrapped over two lines stays one heading, footnotes are
the small numbered lines at a page's foot, and a heading-sized title is never taken for the
running header that repeats its words.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from qmark.ingest.blocks import Block, BlockKind, Noise
from qmark.segment.numbering import find_number
from qmark.segment.roles import role_of

# --- furniture ------------------------------------------------------------------------

MAX_PAGES = 2_000  # more pages than any review; a bigger file is refused, not read for minutes
_ZONE = 3  # top/bottom lines of a page where furniture is looked for
_RECUR_SHARE = 0.4  # share of pages a line must recur on to be a running header/footer

# Government Security Classification markings (and the older GPMS ones) as printed.
_MARKING = (
    r"OFFICIAL(?:[\s:\-\u2013\u2014]*SENSITIVE)?|RESTRICTED|STRICTLY CONFIDENTIAL|"
    r"CONFIDENTIAL|NOT PROTECTIVELY MARKED|PROTECT|IN CONFIDENCE|UNCLASSIFIED"
)
_CLASSIFICATION = re.compile(rf"^(?:{_MARKING})(?:\s*[\-\u2013\u2014:|/]\s*.{{0,80}})?$")
_CLASSIFICATION_ALONE = re.compile(rf"^(?:{_MARKING})$", re.I)
_PAGE_NUMBER = re.compile(
    r"^(?:"
    r"(?:page|pg\.?|p\.)\s*\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?"  # Page 7, Page 7 of 31, p. 7
    r"|[\-\u2013\u2014]\s*\d{1,3}\s*[\-\u2013\u2014]"  # - 7 -
    r"|\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?"  # 7, 7 of 31, 7/31 (not a year)
    r"|\d{1,3}\s*\|\s*page|page\s*\|\s*\d{1,3}"  # 7 | Page
    r")$",
    re.I,
)
_LONE_NUMBER = re.compile(r"^(?:(?:para(?:graph)?\.?|\u00b6)\s*)?[A-Z]?\d{1,3}(?:[.\-\u2013]\d{1,3}){0,3}[.):]?$", re.I)
_BULLET_ONLY = re.compile(r"^[\u2022\u25cf\u25aa\u25a0\u25e6\u25cb\u00b7\u2023\u2043*\-\u2013o]$")
_ROMAN_PAGE = re.compile(r"^(?=[ivxl])(?:xl|l?x{0,3})(?:ix|iv|v?i{0,3})$")  # front matter: iv
_STRICT_PAGE_NUMBER = re.compile(r"^page\s+(\d{1,3})(?:\s+of\s+\d{1,3})?$", re.I)
_SEPARATOR = re.compile(r"^[\s_\-\u2013\u2014=*.\u00b7~]{3,}$")

# --- contents ---------------------------------------------------------------------------

_CONTENTS_HEADING = re.compile(r"^(?:table of )?contents(?: page)?:?$", re.I)
# A title, then dot leaders (or spaces), then a page number: "4. Analysis ........ 12".
# Tested by _contents_entry in linear time; as a regular expression (kept here as the
# definition) it backtracks cubically on a long line of dots.
_CONTENTS_ENTRY_DEFINITION = (
    r"^(?P<title>.*?[A-Za-z].*?)\s*(?:(?:\.\s*){2,}|\u2026+\s*|_{3,}\s*|\s)\s*"
    r"(?P<page>\d{1,3}|[ivxlc]{1,6})$"
)
_PAGE_TOKEN = re.compile(r"(?:\d+|[ivxlc]+)$")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_LEADER_TAIL = re.compile(r"[.\s]*$")
_CONTENTS_PAGES = 4  # a contents page sits within the first few pages

# --- paragraphs and headings ------------------------------------------------------------

_TERMINAL = re.compile(r"[.?!\u2026][\"'\u201d\u2019)\]]*$")
_NOT_HEADING_END = re.compile(r"[.;,:?!]$")
_BULLET = re.compile(
    r"^(?:[\u2022\u25cf\u25aa\u25a0\u25e6\u25cb\u00b7\u2023\u2043*\-\u2013\u2014>]"
    r"|o(?=\s)|\(?[a-z]\)|\([ivx]{1,4}\)|[a-z]\.(?=\s))\s*(?=\S)"
)
_NUMBERED_HEADING = re.compile(
    r"^(?:(?:section|part|chapter)\s+)?(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})(?:\.|:|\s+[\-\u2013\u2014:])?"
    r"\s+(?P<rest>\S.*)$",
    re.I,
)
_APPENDIX_HEADING = re.compile(r"^(?:appendix|annex|annexe|schedule)\s+(?:[A-Z]|\d{1,2}|[IVX]{1,4})\b", re.I)
# Words after which a number starting the next line is a cross-reference, not a new paragraph.
_REFERENCE_WORDS = frozenset(
    "para paras paragraph paragraphs section sections page pages chapter see at in of to and or under per with from".split()
)
_DATE_START = re.compile(r"^\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I)
_SMALL_WORDS = frozenset("a an and as at by for from in of on or the to with via vs".split())
# Unnumbered headings with these roles start a top-level section even in a numbered report.
_TOP_ROLES = frozenset({"contents", "references", "glossary", "appendix"})

# --- footnotes --------------------------------------------------------------------------

_FOOTNOTE_START = re.compile(r"^(?P<num>\d{1,2})\s*(?=[A-Z\"'\u2018\u201c(]|www\.|https?:)(?P<text>.+)$")
_CITATION_CUE = re.compile(
    r"\b(?:1[89]\d\d|20\d\d)\b|https?:|www\.|\bet al\b|\bibid\b|\bop\.? cit|\bHM Government\b|"
    r"\bDepartment\b|\bGuidance\b|\bAct\b|\bReport\b|\bReview\b|\bJournal\b|\bp\.\s?\d|\bSee\b"
)
_FOOTNOTE_WINDOW = 10  # footnotes sit within the last lines of a page

# Ligatures, and bullets drawn from the Symbol/Wingdings fonts (private-use code points).
_NORMALISE = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\u00a0": " ",
        "\t": " ",
        "\uf0b7": "\u2022",
        "\uf0a7": "\u25aa",
        "\uf076": "\u2022",
        "\uf0d8": "\u2022",
        "\uf0fc": "\u2022",
    }
)


@dataclass(frozen=True)
class LineStyle:
    """How a line is set, as a PDF reader sees it: font size (points) and whether it is bold."""

    size: float
    bold: bool = False


_BIGGER = 1.12  # a line this much larger than the body text is set as a heading
_SMALLER = 0.93  # footnotes are set at most this large against the body text


@dataclass
class _Line:
    text: str
    page: int
    blank: bool = False
    first_on_page: bool = False
    contents: str | None = None  # "heading", "entry" or "wrap" (an entry's wrapped title)
    style: LineStyle | None = None


@dataclass
class _State:
    """What the walk over the lines carries along."""

    width: int
    paged: bool
    blocks: list[Block] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # the paragraph being built
    page: int = 0
    kind: BlockKind = "paragraph"
    notes: list[Block] = field(default_factory=list)  # footnotes waiting for a paragraph to end
    numbered_level: int = 0  # level of the last numbered heading
    body: float | None = None  # body text size, when the reader knows sizes
    styled: bool = False  # the document sets its headings apart by size or weight
    heading_sizes: list[float] = field(default_factory=list)  # larger sizes in the document, largest first
    level_sizes: dict[int, float] = field(default_factory=dict)  # size of numbered headings per level
    sized_levels: bool = False  # the body's headings come in more than one size


Styles = list[list["LineStyle | None"]]


def pages_to_blocks(pages: list[list[str]], paged: bool, styles: Styles | None = None) -> tuple[list[Block], list[Noise]]:
    """Lines per page to blocks, plus the furniture taken out as noise.

    `paged` says the pages are real (PDF pages, form feeds); unpaged text is one page, in
    which pages are inferred from 'Page N of M' lines when there are some. `styles`, when the
    reader knows them, gives each line's LineStyle (None for blank lines).
    """
    pages = [[_clean(line) for line in page] for page in pages]
    if not paged and pages:
        inferred = _infer_pages([line for page in pages for line in page])
        if inferred is not None:
            pages, paged = inferred, True
            styles = None
    if styles is None or [len(p) for p in styles] != [len(p) for p in pages]:
        styles = [[None] * len(page) for page in pages]
    body = _body_size(pages, styles)
    noise: list[Noise] = []
    pages = _remove_furniture(pages, paged, noise, styles, body)
    pages = _join_lone_numbers(pages)
    lines, notes = _flatten(pages, styles, body)
    _mark_contents(lines)
    state = _State(width=_typical_width(pages), paged=paged, body=body)
    if body:
        sizes = {round(line.style.size * 2) / 2 for line in lines if line.style and line.style.size >= _BIGGER * body}
        state.heading_sizes = sorted(sizes, reverse=True)
        state.styled = sum(1 for line in lines if not line.blank and _set_as_heading(line, state)) >= 2
        state.sized_levels = _sizes_mark_levels(lines, state)
    _walk(lines, notes, state)
    return state.blocks, noise


def _body_size(pages: list[list[str]], styles: Styles) -> float | None:
    """The size most of the text is set in (by characters), when sizes are known."""
    counts: dict[float, int] = {}
    for page, page_styles in zip(pages, styles):
        for line, style in zip(page, page_styles):
            if style is not None and line:
                key = round(style.size * 2) / 2
                counts[key] = counts.get(key, 0) + len(line)
    return max(counts, key=lambda k: counts[k]) if counts else None


def _join_lone_numbers(pages: list[list[str]]) -> list[list[str]]:
    """A paragraph number alone on its line, its text on the next ('4.12' in a hanging indent,
    as pdftotext and PDF viewers give it), becomes one line: '4.12 The health visitor...'.
    The text may be on the next page when the number was the last line of a page."""
    out = [list(page) for page in pages]
    spots = [(p, i) for p, page in enumerate(out) for i, line in enumerate(page) if line]
    for k, (p, i) in enumerate(spots):
        line = out[p][i]
        if len(line) > 14 or not _LONE_NUMBER.match(line):
            continue
        found = find_number(line + " x")
        if not found or found[2] < len(line) or k + 1 == len(spots):
            continue
        later = [(q, j) for q, j in spots[k + 1 : k + 6] if not _BULLET_ONLY.match(out[q][j])]
        if not later:
            continue
        q, j = later[0]  # bullets a PDF draws apart from their text are passed over
        nxt = out[q][j]
        if (q == p and j > i + 8) or (q != p and q != p + 1) or _LONE_NUMBER.match(nxt):
            continue
        if nxt[:1].isupper() or nxt[:1].isdigit() or nxt[:1] in "\"'\u201c\u2018(":
            out[q][j] = f"{line} {nxt}"
            out[p][i] = ""
    return out


# --- cleaning and furniture ---------------------------------------------------------------


_NUMBER_AGAINST_WORD = re.compile(r"^(\d{1,2}(?:\.\d{1,3}){1,3}|\d{1,3}\.)(?=[A-Z][a-z])")


# The characters _NORMALISE maps: most lines have none, and translating a line costs more than
# looking for them.
_TO_NORMALISE = re.compile("[" + re.escape("".join(chr(c) for c in _NORMALISE)) + "]")


def _clean(line: str) -> str:
    if _TO_NORMALISE.search(line):
        line = line.translate(_NORMALISE)
    line = line.replace("\x00", "").strip()
    # '5.1.10February': a hanging indent too narrow for its number leaves no space after it.
    if glued := _NUMBER_AGAINST_WORD.match(line):
        line = f"{glued.group(1)} {line[glued.end() :]}"
    # A soft hyphen (pdfium reports U+FFFE or U+0002) at a line end is a word broken across lines.
    if line.endswith(("\u00ad", "\ufffe", "\x02")):
        line = line[:-1] + "-"
    return line.replace("\ufffe", "").replace("\x02", "")


def _infer_pages(lines: list[str]) -> list[list[str]] | None:
    """Pages in text without form feeds, from 'Page N of M' lines with rising N (text copied
    out of a PDF keeps them)."""
    hits = [(i, int(m.group(1))) for i, line in enumerate(lines) if (m := _STRICT_PAGE_NUMBER.match(line))]
    if len(hits) < 2 or any(b[1] <= a[1] for a, b in zip(hits, hits[1:])):
        return None
    filled = [i for i, line in enumerate(lines) if line]
    # Page lines as headers leave little text before the first; as footers, little after the last.
    as_headers = sum(i < hits[0][0] for i in filled) < sum(i > hits[-1][0] for i in filled)
    cuts = [i if as_headers else i + 1 for i, _ in hits]
    bounds = [0] + [c for c in cuts if 0 < c < len(lines)] + [len(lines)]
    pages = [lines[a:b] for a, b in zip(bounds, bounds[1:]) if a < b]
    return pages if len(pages) > 1 else None


def _signature(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def _recurring(pages: list[list[str]]) -> set[str]:
    """Signatures of lines recurring at the top or bottom of enough pages to be furniture."""
    if len(pages) < 2:
        return set()
    counts: dict[str, int] = {}
    for lines in pages:
        filled = [i for i, line in enumerate(lines) if line]
        for sig in {_signature(lines[i]) for i in filled[:_ZONE] + filled[-_ZONE:] if not _LONE_NUMBER.match(lines[i])}:
            counts[sig] = counts.get(sig, 0) + 1
    need = max(2, math.ceil(_RECUR_SHARE * len(pages)))
    # Words, not bare numbers: '4.12' opening many pages is a paragraph number in a hanging
    # indent (page numbers are recognised by their own patterns).
    return {sig for sig, n in counts.items() if n >= need and re.search(r"[a-z]", sig)}


def _furniture(line: str, recurring: set[str], upper: bool, paged: bool) -> str | None:
    if _CLASSIFICATION.match(line) or _CLASSIFICATION_ALONE.match(line):
        return "classification"
    if (_PAGE_NUMBER.match(line) or _ROMAN_PAGE.match(line)) and (paged or _STRICT_PAGE_NUMBER.match(line)):
        return "page_number"  # in unpaged text a lone number may be anything
    if _signature(line) in recurring:
        return "running_header" if upper else "running_footer"
    return None


def _remove_furniture(
    pages: list[list[str]], paged: bool, noise: list[Noise], styles: Styles | None = None, body: float | None = None
) -> list[list[str]]:
    """Blank out furniture in the top and bottom lines of each page, noting it as noise. A line
    set larger than the body text is a heading, even when a running header repeats its words."""
    recurring = _recurring(pages) if paged else set()
    out = []
    for number, lines in enumerate(pages, start=1):
        page_styles = styles[number - 1] if styles else [None] * len(lines)
        lines = ["" if _SEPARATOR.match(line) else line for line in lines]
        filled = [i for i, line in enumerate(lines) if line]
        drop: dict[int, str] = {}
        middle = filled[len(filled) // 2] if filled else 0
        seen: set[str] = set()
        for order in (filled, filled[::-1]):
            in_run = True  # every line so far from this edge was furniture
            for rank, i in enumerate(order):
                style = page_styles[i] if i < len(page_styles) else None
                large = bool(body and style and style.size >= _BIGGER * body)
                reason = None if large else _furniture(lines[i], recurring, i < middle, paged)
                if reason in ("running_header", "running_footer") and _signature(lines[i]) in seen:
                    reason = None  # the header's words again on the same page: the title itself
                if rank >= _ZONE and (reason is None or not in_run or rank >= _ZONE + 2):
                    break  # past the zone, only a short unbroken run of furniture goes on
                if reason is not None:
                    drop.setdefault(i, reason)
                    seen.add(_signature(lines[i]))
                in_run = in_run and reason is not None
        for i in sorted(drop):
            noise.append(Noise(lines[i], number if paged else None, drop[i]))
        out.append(["" if i in drop else line for i, line in enumerate(lines)])
    return out


def _typical_width(pages: list[list[str]]) -> int:
    """The length of a full body line: most lines of a report are full."""
    lengths = sorted(len(line) for lines in pages for line in lines if line)
    if not lengths:
        return 80
    return max(20, lengths[int(0.8 * (len(lengths) - 1))])


# --- footnote detection ----------------------------------------------------------------


def _footnotes(
    lines: list[str], last_note: int, styles: list[LineStyle | None] | None = None, body: float | None = None
) -> tuple[list[str], list[tuple[int, str]]]:
    """Split numbered notes off the bottom of a page's body lines: (body, [(number, text)])."""
    filled = [i for i, line in enumerate(lines) if line]
    for s in filled[-_FOOTNOTE_WINDOW:]:
        notes = _parse_notes([lines[i] for i in filled if i >= s], last_note)
        if not notes:
            continue
        first_number, first_text = notes[0]
        if not (first_number == 1 or last_note < first_number <= last_note + 3):
            continue  # footnote numbers run on through a report
        sizes = [st.size for i in filled if i >= s and styles and i < len(styles) and (st := styles[i]) is not None]
        if body and sizes:
            if max(sizes) > _SMALLER * body:
                continue  # set as large as the body: not a note, whatever it looks like
            small = True
        else:
            small = False
        before = [lines[i] for i in filled if i < s]
        if before and not (lines[s - 1] == "" or _TERMINAL.search(before[-1])):
            continue  # the candidate continues a sentence: body text, not a note
        marker = _marker(first_number).search(" ".join(before))
        if not small and _heading_not_note(first_text):
            continue
        if not (small or marker or _CITATION_CUE.search(first_text)):
            continue
        return _bracket_markers(lines[:s], [n for n, _ in notes]), notes
    return lines, []


def _heading_not_note(text: str) -> bool:
    """'1 Introduction', '3 FAMILY BACKGROUND', '2 Scope and terms of reference': a numbered
    heading at a page's foot, not a note (notes are sentences or citations)."""
    first = text.split("\n", 1)[0].strip()
    if _NOT_HEADING_END.search(first) or len(first.split()) > 10:
        return False
    return _is_caps(first) or _names_role(first)


def _marker(number: int) -> re.Pattern[str]:
    # A note marker is a number set against a word, perhaps after one punctuation mark:
    # 'Children1', '(2018).1', 'guidance,2' - but not the second half of '1.1'.
    end = "A-Za-z)\\]\u2019'\"\u201d"
    return re.compile(rf"(?:(?<=[{end}])|(?<=[{end}][.,;:])){number}(?!\d)(?![.,]\d)")


def _bracket_markers(lines: list[str], numbers: list[int]) -> list[str]:
    """Write each note's marker in the body as '[n]', as the other readers do."""
    lines = list(lines)
    for n in numbers:
        pattern = _marker(n)
        for i, line in enumerate(lines):
            if pattern.search(line):
                lines[i] = pattern.sub(f"[{n}]", line, count=1)
                break
    return lines


def _parse_notes(lines: list[str], last_note: int = 0) -> list[tuple[int, str]]:
    """Numbered notes, each possibly running over several lines; [] if the lines are not notes.
    A line that starts with a paragraph number other than the next note's is body text."""
    notes: list[tuple[int, str]] = []
    for line in lines:
        m = _FOOTNOTE_START.match(line)
        if m and (not notes or int(m.group("num")) == notes[-1][0] + 1):
            notes.append((int(m.group("num")), m.group("text").strip()))
        elif notes and not _numbered_paragraph(line):
            notes[-1] = (notes[-1][0], notes[-1][1] + "\n" + line)
        else:
            return []
    return notes


def _numbered_paragraph(line: str) -> bool:
    found = find_number(line)
    return found is not None and line[found[2] :].lstrip()[:1].isupper()


# --- the line stream --------------------------------------------------------------------


def _flatten(pages: list[list[str]], styles: Styles | None = None, body: float | None = None) -> tuple[list[_Line], dict[int, list[Block]]]:
    """All body lines in order, with footnotes taken out and kept per page."""
    lines: list[_Line] = []
    notes: dict[int, list[Block]] = {}
    last_note = 0
    for number, page in enumerate(pages, start=1):
        page_styles: list[LineStyle | None] = styles[number - 1] if styles else [None] * len(page)
        body_lines, found = _footnotes(page, last_note, page_styles, body)
        if found:
            last_note = found[-1][0]
            notes[number] = [Block(f"[{n}] {text}", "footnote", page=number) for n, text in found]
        # Blank lines at a page's top and bottom are margins, not paragraph breaks: a
        # paragraph may run on over the page break.
        filled = [i for i, text in enumerate(body_lines) if text]
        first, last = (filled[0], filled[-1] + 1) if filled else (0, 0)
        lines += [
            _Line(
                body_lines[i],
                number,
                blank=not body_lines[i],
                first_on_page=i == first,
                style=page_styles[i] if i < len(page_styles) else None,
            )
            for i in range(first, last)
        ]
    return lines, notes


def _mark_contents(lines: list[_Line]) -> None:
    """Mark the contents heading, its entries and wrapped entry titles ('wrap')."""
    for h, line in enumerate(lines):
        if line.page > _CONTENTS_PAGES:
            return
        if line.blank or not _CONTENTS_HEADING.match(line.text):
            continue
        marks = _paged_entries(lines, h) or _repeated_entries(lines, h)
        if marks:
            line.contents = "heading"
            for i, mark in marks.items():
                lines[i].contents = mark
            return


def _paged_entries(lines: list[_Line], h: int) -> dict[int, str]:
    """Entries with page numbers ('4. Analysis ....... 12') after the contents heading."""
    line = lines[h]
    marks: dict[int, str] = {}
    pending: list[int] = []  # wrapped entry titles waiting for their page number
    for i in range(h + 1, len(lines)):
        cur = lines[i]
        if cur.page > line.page + 2:
            break
        if cur.blank:
            continue
        if cur.first_on_page and cur.page != line.page and not _contents_entry(cur.text):
            break  # the contents went on to a second page only if it starts with an entry
        if _contents_entry(cur.text):
            marks.update({j: "wrap" for j in pending})
            marks[i] = "entry"
            pending = []
        elif len(pending) < 2 and len(cur.text) < 120:
            pending.append(i)
        else:
            break
    return marks if sum(m == "entry" for m in marks.values()) >= 2 else {}


_MAX_ENTRIES = 60


def _entry_key(text: str) -> str:
    return " ".join(_LEADER_TAIL.sub("", text).lower().split())


def _repeated_entries(lines: list[_Line], h: int) -> dict[int, str]:
    """A contents list without page numbers (text copied from a web page or a Markdown list):
    short title lines after the heading, most of which come again later as the headings
    themselves. The list ends where its first title starts the body."""
    entries: list[int] = []
    for i in range(h + 1, min(len(lines), h + 2 * _MAX_ENTRIES)):
        cur = lines[i]
        if cur.blank:
            continue
        text = cur.text
        if len(entries) >= _MAX_ENTRIES or len(text) > 90 or not 1 <= len(text.split()) <= 12 or text.endswith((".", ";", ",")):
            break
        if entries and _entry_key(text) == _entry_key(lines[entries[0]].text):
            break
        entries.append(i)
    if len(entries) < 2:
        return {}
    later = {_entry_key(line.text) for line in lines[entries[-1] + 1 :] if not line.blank}
    again = sum(1 for i in entries if _entry_key(lines[i].text) in later)
    return {i: "entry" for i in entries} if again >= max(2, 0.6 * len(entries)) else {}


def _walk(lines: list[_Line], notes: dict[int, list[Block]], st: _State) -> None:
    prev: _Line | None = None  # previous non-blank line
    gap = True  # a blank line (or the start) since prev
    wrapped: list[str] = []  # a contents entry's title wrapped over lines
    skip_to = 0
    for i, line in enumerate(lines):
        continuing = False
        if line.first_on_page:
            continuing = bool(st.lines) and _continues(st, line.text)
            if not continuing:
                _flush(st)
            for page in [p for p in notes if p < line.page]:
                st.notes.extend(notes.pop(page))  # shown once the paragraph in hand ends
            if not st.lines:
                _flush(st)
        if line.blank:
            _flush(st)
            gap = True
            continue
        nxt = _next_line(lines, i)
        boundary = not continuing and (gap or prev is None or line.first_on_page or bool(_TERMINAL.search(prev.text)))
        if i < skip_to:
            continue  # a wrapped heading's later lines, already taken
        if line.contents:
            _flush(st)
            wrapped = _contents_line(st, line, wrapped)
        elif not continuing and (styled := _styled_heading(lines, i, st)) is not None:
            _flush(st)
            text, skip_to, size = styled
            st.blocks.append(Block(text, "heading", _page(st, line), level=_styled_level(text, size, st)))
            gap = True
            prev = lines[skip_to - 1]
            continue
        elif not continuing and _may_be_heading(line, st) and (level := _heading_level(line.text, boundary, gap, nxt, st)) is not None:
            _flush(st)
            st.blocks.append(Block(line.text, "heading", _page(st, line), level=level))
            gap = True
            prev = line
            continue
        elif continuing:
            st.lines.append(line.text)
        elif _BULLET.match(line.text):
            _start(st, line, "list_item")
        elif _starts_numbered(line.text, prev, gap):
            _start(st, line, "paragraph")
        elif (
            st.lines and not (prev is not None and prev.style is not None and st.body) and not _ends_paragraph(st, st.lines[-1], line.text)
        ):
            st.lines.append(line.text)
        elif st.lines and prev is not None and prev.style is not None and st.body:
            # the PDF reader has measured where paragraphs end and marked them with blank lines
            st.lines.append(line.text)
        else:
            _start(st, line, "paragraph")
        gap = False
        prev = line
    _flush(st)
    for page in sorted(notes):
        st.notes.extend(notes[page])
    _flush(st)


def _contents_line(st: _State, line: _Line, wrapped: list[str]) -> list[str]:
    """Emit a contents heading or entry (with any wrapped title lines before it); the lines
    still waiting for their entry."""
    if line.contents == "wrap":
        return wrapped + [line.text]
    block = Block("\n".join(wrapped + [line.text]), page=_page(st, line), in_contents=True)
    if line.contents == "heading":
        block.kind, block.level = "heading", 1
    st.blocks.append(block)
    return []


def _next_line(lines: list[_Line], i: int) -> _Line | None:
    """The next line, or None when a gap (or the contents page) comes first."""
    if i + 1 < len(lines) and not lines[i + 1].blank and not lines[i + 1].contents:
        return lines[i + 1]
    return None


def _page(st: _State, line: _Line) -> int | None:
    return line.page if st.paged else None


def _start(st: _State, line: _Line, kind: BlockKind) -> None:
    _flush(st)
    st.lines = [line.text]
    st.page = line.page
    st.kind = kind


def _flush(st: _State) -> None:
    if st.lines:
        st.blocks.append(Block("\n".join(st.lines), st.kind, st.page if st.paged else None))
        st.lines = []
    if st.notes:
        st.blocks.extend(st.notes)
        st.notes = []


def _continues(st: _State, text: str) -> bool:
    """Does the paragraph at the foot of the last page run on to this page's first line?"""
    last = st.lines[-1]
    if _TERMINAL.search(last) or last.endswith(":"):
        return False
    if text[:1].islower():
        return True
    if _BULLET.match(text) or _starts_numbered(text, None, True) or heading_number(text):
        return False
    # A full line with no full stop, or one ending mid-phrase, runs on even before a capital.
    return len(last) >= 0.85 * st.width or last.endswith((",", "-", "\u2013", "(", " and", " or", " the"))


def _ends_paragraph(st: _State, last: str, nxt: str) -> bool:
    """After a line that ends a sentence well short of the margin, a new paragraph starts."""
    if nxt[:1].islower():
        return False
    if _TERMINAL.search(last) and len(last) < 0.85 * st.width:
        return True
    # Short lines that end without punctuation and are followed by a capital: a list of
    # short lines (a glossary, an address) rather than wrapped prose.
    return len(last) < 0.6 * st.width and not last.endswith((",", "-", "(", "&", " and", " or", " the"))


def _starts_numbered(text: str, prev: _Line | None, gap: bool) -> bool:
    """A printed paragraph number at the start of a line opens a new paragraph."""
    found = find_number(text)
    if not found:
        return False
    rest = text[found[2] :].lstrip()
    if not rest or rest[:1].islower():
        return False
    if gap or prev is None or _TERMINAL.search(prev.text) or prev.text.endswith(":"):
        return True
    words = prev.text.split()
    last_word = words[-1].lower().strip(".,;:()") if words else ""
    return last_word not in _REFERENCE_WORDS


# --- headings ---------------------------------------------------------------------------


def _set_as_heading(line: _Line, st: _State) -> str | None:
    """'big' for a line set larger than the body text, 'bold' for a bold one, else None."""
    style = line.style
    if style is None or not st.body:
        return None
    if style.size >= _BIGGER * st.body:
        return "big"
    if style.bold and style.size >= _SMALLER * st.body:
        return "bold"
    return None


def _may_be_heading(line: _Line, st: _State) -> bool:
    """In a document whose headings are set apart by size or weight, a line in the body's own
    regular type is a heading only when its words make it one beyond doubt."""
    if not st.styled or line.style is None:
        return True
    return len(line.text) <= 120 and (bool(heading_number(line.text)) or _is_caps(line.text))


def _styled_heading(lines: list[_Line], i: int, st: _State) -> tuple[str, int, float] | None:
    """A heading known from its type: (text, index after its last line, size). A heading
    set over two or three lines (a long title) is one heading."""
    line = lines[i]
    how = _set_as_heading(line, st)
    if how is None:
        return None
    text = line.text
    most = 30 if how == "big" else 14
    if not _heading_shape(text, most, st) or (how == "bold" and len(text) >= 0.75 * st.width):
        return None
    end = i + 1
    style = line.style
    assert style is not None
    while end < len(lines) and end < i + 4:
        nxt = lines[end]
        s2 = nxt.style
        if nxt.blank or nxt.contents or nxt.page != line.page or s2 is None or _set_as_heading(nxt, st) != how:
            break
        if abs(s2.size - style.size) > 0.6 or heading_number(nxt.text) or _NOT_HEADING_END.search(text):
            break
        joined = f"{text} {nxt.text}"
        if not _heading_shape(joined, most + 10, st):
            break
        text, end = joined, end + 1
    if end < len(lines) and not lines[end].blank and lines[end].text[:1].islower() and how == "bold":
        return None  # a bold phrase that runs on into the sentence
    return text, end, style.size


def _heading_shape(text: str, most: int, st: _State) -> bool:
    words = text.split()
    if not 1 <= len(words) <= most or _NOT_HEADING_END.search(text.rstrip("?")) or CAPTION.match(text):
        return False
    if _BULLET.match(text) and not heading_number(text):
        return False
    found = find_number(text)
    return not (found and not heading_number(text))  # '4.12 The visitor...' in bold is a paragraph


def _sizes_mark_levels(lines: list[_Line], st: _State) -> bool:
    """Whether the headings from the first numbered one on come in more than one size, so
    that a heading's size says its level. When they all share one size (bold 12 pt for
    chapters and sections alike, as many reports typed in Word have it) it does not."""
    sizes: set[float] = set()
    numbered = False
    i = 0
    while i < len(lines):
        found = None if lines[i].blank or lines[i].contents else _styled_heading(lines, i, st)
        if found is None:
            i += 1
            continue
        text, i, size = found
        numbered = numbered or heading_number(text) is not None
        if numbered:
            sizes.add(round(size * 2) / 2)
    return len(sizes) >= 2


def _styled_level(text: str, size: float, st: _State) -> int:
    numbered = heading_number(text)
    if numbered is not None:
        level = min(numbered[0], 6)
        if not _APPENDIX_HEADING.match(text):
            st.numbered_level = level
            st.level_sizes.setdefault(level, size)
        return level
    role = role_of(text) if len(text.split()) <= 8 else None
    # Set like the numbered headings of a level: that level, when sizes mark levels at all.
    # Otherwise, as in plain text, an unnumbered heading in a numbered report is a sub-heading
    # apart from the back matter.
    same = [lv for lv, sz in st.level_sizes.items() if abs(sz - size) <= 0.6]
    if same and st.sized_levels:
        return min(same)
    if st.numbered_level:
        return 1 if role in _TOP_ROLES else min(st.numbered_level + 1, 6)
    rounded = round(size * 2) / 2
    rank = st.heading_sizes.index(rounded) + 1 if rounded in st.heading_sizes else len(st.heading_sizes) + 1
    return min(rank, 6)


def _is_caps(text: str) -> bool:
    if any(c.islower() for c in text):  # stops at the first small letter: prose is rejected at once
        return False
    return sum(1 for c in text if c.isalpha()) >= 4


def _is_title_case(text: str) -> bool:
    words = [w.strip("()\"'\u2018\u2019\u201c\u201d:,-\u2013") for w in text.split()]
    words = [w for w in words if w and w[0].isalpha()]
    if len(words) < 2 or not words[0][0].isupper():
        return False
    significant = [w for w in words[1:] if w.lower() not in _SMALL_WORDS]
    return bool(significant) and sum(w[0].isupper() for w in significant) / len(significant) >= 0.75


def _names_role(text: str) -> bool:
    # Only short titles: role patterns are loose ('the family') and match sentences too.
    return len(text.split()) <= 5 and role_of(text) is not None


def heading_number(text: str) -> tuple[int, str] | None:
    """(level, title) when a line has a numbered heading's shape: '4. Analysis', '4.2 Health
    visiting', 'Section 4: Analysis', 'Appendix 1'. Only the shape: whether it is a heading
    depends on context. Level comes from the numbering depth (4 -> 1, 4.2 -> 2)."""
    if _APPENDIX_HEADING.match(text):
        return 1, text
    m = _NUMBERED_HEADING.match(text)
    if not m or _DATE_START.match(text):
        return None
    return m.group("num").count(".") + 1, m.group("rest")


CAPTION = re.compile(r"^\s*(table|figure|fig\.|chart|diagram|graph|box|genogram|map|image)\s+\d+[a-z]?\b", re.I)


def _heading_level(text: str, boundary: bool, gap: bool, nxt: _Line | None, st: _State) -> int | None:
    """The heading level of a line, or None when it is not a heading. `boundary`: the line
    starts a new unit; `gap`: a blank line comes before it."""
    words = text.split()
    alone = gap and nxt is None  # blank lines on both sides
    if not 1 <= len(words) <= 12 or _NOT_HEADING_END.search(text.rstrip("?" if alone else "")):
        return None
    if CAPTION.match(text):
        return None  # 'Table 1: Agencies involved' labels a table; it does not open a section
    if st.width >= 40 and len(text) >= 0.75 * st.width:
        return None  # headings are short; a full line is prose
    if nxt is not None and nxt.text[:1].islower():
        return None  # the line runs on: a wrapped sentence
    # Isolated: nothing follows directly, or what follows is a new paragraph or full prose.
    isolated = nxt is None or _starts_numbered(nxt.text, None, True) or len(nxt.text) >= 0.6 * st.width
    numbered = heading_number(text)
    if numbered is not None:
        level, rest = numbered
        if not rest[:1].isupper() or len(rest.split()) > 10:
            return None
        if not (_is_caps(rest) or _names_role(rest) or _is_title_case(rest) or (isolated and boundary)):
            return None
        if not _APPENDIX_HEADING.match(text):
            st.numbered_level = level
        return min(level, 6)
    if find_number(text) or _BULLET.match(text) or not text[:1].isupper():
        return None
    caps = _is_caps(text)
    if not caps:
        if not (boundary and isolated and len(words) <= (12 if alone else 10)):
            return None
        short = alone or (len(words) <= 6 and len(text) < 0.6 * st.width)
        if not (_names_role(text) or _is_title_case(text) or short):
            return None
    return _unnumbered_level(text, caps, st.numbered_level)


def _unnumbered_level(text: str, caps: bool, numbered_level: int) -> int:
    role = role_of(text) if len(text.split()) <= 8 else None
    if numbered_level:
        # In a numbered report an unnumbered heading is a sub-heading, apart from the back
        # matter that sits outside the numbering.
        return 1 if role in _TOP_ROLES else min(numbered_level + 1, 6)
    return 1 if caps or role else 2


def unnumbered_level(text: str, numbered_level: int) -> int:
    """Level for a heading without a printed number, given the last numbered heading's level
    (0 when none yet)."""
    return _unnumbered_level(text, _is_caps(text), numbered_level)


def is_contents_heading(text: str) -> bool:
    return bool(_CONTENTS_HEADING.match(" ".join(text.split())))


def is_contents_entry(text: str) -> bool:
    """A contents line: a title then a page number ('Analysis ...... 12', 'Analysis\t12')."""
    return _contents_entry(" ".join(text.split()))


def _contents_entry(text: str) -> bool:
    """Does a line match _CONTENTS_ENTRY_DEFINITION? Decided from the line's end: a page
    number (1-3 digits or a short roman numeral) after a space or a leader (two or more dots,
    an ellipsis, three underscores), with a letter somewhere before it."""
    if "\n" in text:
        return False
    page = _PAGE_TOKEN.search(text)
    if page is None:
        return False
    token = page.group()
    if len(token) > (3 if token[0].isdigit() else 6):
        return False
    rest = text[: page.start()]
    if not _ASCII_LETTER.search(rest):
        return False
    if rest[-1:].isspace():
        return True
    stripped = rest.rstrip()
    if stripped.endswith(("\u2026", "___")):
        return True
    tail = _LEADER_TAIL.search(rest)
    return tail is not None and tail.group().count(".") >= 2
