"""Printed paragraph numbers, in the styles published reviews use: 4.12, 4.2.3, 4-12, Para 23, 23., A1."""

from __future__ import annotations

import re

# Order matters: the more specific forms first.
_PATTERNS = [
    # "Para 23", "Paragraph 23:", "Para. 4.2", "¶ 23"
    re.compile(r"(?P<num>(?:Para(?:graph)?\.?|¶)\s*\d{1,3}(?:\.\d{1,3}){0,3})[.:)]?(?=\s)", re.I),
    # "4.12", "4.2.3", "4.12." - at most two digits before the first dot, so "2019." is not one
    re.compile(r"(?P<num>\d{1,2}(?:\.\d{1,3}){1,3})\.?(?=\s)"),
    # "4-12" (hyphen or en dash)
    re.compile(r"(?P<num>\d{1,2}[-\u2013]\d{1,3})(?=\s)"),
    # "23." or "23)"
    re.compile(r"(?P<num>\d{1,3})[.)](?=\s)"),
    # "A1", "B12.", "C3.2" - a section letter then a number, as thematic reviews number them
    re.compile(r"(?P<num>[A-Z]\d{1,3}(?:\.\d{1,3}){0,2})[.:)]?(?=\s)"),
]
_TIME_OR_MONEY = re.compile(r"\d{1,2}\.\d{2}\s*(?:am|pm|a\.m|p\.m|hrs|hours)\b", re.I)


def find_number(text: str) -> tuple[str, int, int] | None:
    """The printed number at the start of a paragraph, with its span, or None."""
    stripped = text.lstrip()
    offset = len(text) - len(stripped)
    lettered = stripped[:1].isupper() and stripped[1:2].isdigit()
    if not stripped[:1].isdigit() and stripped[:1] not in "Pp¶" and not lettered:
        return None
    if _TIME_OR_MONEY.match(stripped):
        return None
    for pat in _PATTERNS:
        m = pat.match(stripped)
        if m:
            num = m.group("num")
            return num, offset, offset + m.end()
    return None


def normalise(number: str) -> str:
    """Comparable form: drop 'Para'/'Paragraph'/'¶', a trailing dot and white space; en dash to hyphen."""
    n = number.strip()
    n = re.sub(r"^(?:para(?:graph)?\.?|¶)\s*", "", n, flags=re.I)
    n = n.replace("\u2013", "-").rstrip(".):").strip()
    return re.sub(r"\s+", "", n)


def normalise_id(ident: str) -> str:
    """Normalise an evidence id that may carry a document prefix ('tor:3')."""
    if ":" in ident:
        doc, _, num = ident.rpartition(":")
        return f"{doc.strip()}:{normalise(num)}"
    return normalise(ident)
