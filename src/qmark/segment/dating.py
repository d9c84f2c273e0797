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


def report_date(front_text: str) -> date | None:
    """The publication date: a date on a line that says so, else the latest date on the front page."""
    head = front_text[:_FRONT]
    dates = _dates_in(head)
    if not dates:
        return None
    for line_start, line in _lines(head):
        if _KEYWORDS.search(line):
            on_line = [d for pos, d in dates if line_start <= pos < line_start + len(line)]
            if on_line:
                return max(on_line)
    return max(d for _, d in dates)


def _lines(text: str):
    pos = 0
    for line in text.splitlines(keepends=True):
        yield pos, line
        pos += len(line)
