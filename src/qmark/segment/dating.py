"""The report's own date, read from its front matter. 'Up to date' depends on it, not on today."""

from __future__ import annotations

import re
from datetime import date

_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
_M = r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_M},?\s+((?:19|20)\d\d)\b", re.I)
_MONTH_YEAR = re.compile(rf"\b{_M},?\s+((?:19|20)\d\d)\b", re.I)
_NUMERIC = re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)\b")
_KEYWORDS = re.compile(r"publish|final|dated?\b|completed|approved|version|signed off|issued|report date", re.I)
_FRONT = 2500


def _month(name: str) -> int:
    name = name.lower().rstrip(".")
    for i, m in enumerate(_MONTHS, 1):
        if m.startswith(name[:3]):
            return i
    raise ValueError(name)


def _dates_in(text: str) -> list[tuple[int, date]]:
    found: list[tuple[int, date]] = []
    taken: list[tuple[int, int]] = []
    for m in _DAY_MONTH_YEAR.finditer(text):
        try:
            found.append((m.start(), date(int(m.group(3)), _month(m.group(2)), int(m.group(1)))))
            taken.append(m.span())
        except ValueError:
            pass
    for m in _MONTH_YEAR.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        try:
            found.append((m.start(), date(int(m.group(2)), _month(m.group(1)), 1)))
        except ValueError:
            pass
    for m in _NUMERIC.finditer(text):
        try:
            found.append((m.start(), date(int(m.group(3)), int(m.group(2)), int(m.group(1)))))
        except ValueError:
            pass
    return sorted(found)


_FOOTNOTE = re.compile(r"^\s*(?:\[\w{1,4}\]|\d{1,2}\s+[A-Z])")  # '[1] ...', '1 See ...'
_TITLE_BLOCK_WORDS = 12  # a title-block line is short: 'October 2022', 'Final report, 12 May 2019'


def report_date(front_text: str) -> date | None:
    """The publication date (see find_report_date)."""
    found = find_report_date(front_text)
    return found[0] if found else None


def find_report_date(front_text: str) -> tuple[date, str] | None:
    """The publication date and the line it was read from: a date on a line that says so
    ('Published: 12 May 2019', 'Final version, May 2019'), else the latest date on a short line
    of the title block. Never a footnote's date, nor a date in a sentence about events
    ('On 3 March 2019 the health visitor...'): a report with neither gives None."""
    head = front_text[:_FRONT]
    dates = _dates_in(head)
    if not dates:
        return None
    lines = [(start, line) for start, line in _lines(head) if not _FOOTNOTE.match(line)]

    def on(start: int, line: str) -> list[date]:
        return [d for pos, d in dates if start <= pos < start + len(line)]

    for start, line in lines:
        if _KEYWORDS.search(line) and on(start, line):
            return max(on(start, line)), line.strip()
    block = [
        (max(on(start, line)), line.strip())
        for start, line in lines
        if on(start, line) and len(line.split()) <= _TITLE_BLOCK_WORDS and not line.rstrip().endswith(".")
    ]
    return max(block, default=None, key=lambda x: x[0])


def _lines(text: str):
    pos = 0
    for line in text.splitlines(keepends=True):
        yield pos, line
        pos += len(line)
