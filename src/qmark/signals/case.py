"""The names a report uses for its child and family, learnt from the report itself.

Reports anonymise in many ways (Child A, Baby F, or a pseudonym such as 'Skye'). A finding
that names the child is tied to the case, whatever the convention; a fixed list of patterns
would miss pseudonyms, so the names are read off the report: capitalised words used often,
and used possessively ('Skye's mother'), that are not the furniture of reports.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from qmark.data import load_yaml
from qmark.report import Report

_POSSESSIVE = re.compile(r"\b([A-Z][a-z]{2,})['\u2019]s\b")
_WORD = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]{2,})\b")
MIN_POSSESSIVE = 3
MIN_MENTIONS = 8


@lru_cache(maxsize=1)
def load_not_names() -> frozenset[str]:
    return frozenset(str(load_yaml("not_names.yaml")["words"]).lower().split())


def case_names(report: Report, most: int = 3) -> list[str]:
    main = next((d for d in report.documents if d.is_main), None)
    text = report.text[main.start : main.end] if main else report.text
    stop = load_not_names()
    possessive = Counter(m.group(1) for m in _POSSESSIVE.finditer(text) if m.group(1).lower() not in stop)
    mentions = Counter(m.group(1) for m in _WORD.finditer(text) if m.group(1) in possessive)
    ranked = [n for n, c in mentions.most_common() if c >= MIN_MENTIONS and possessive[n] >= MIN_POSSESSIVE]
    return ranked[:most]


def name_pattern(names: list[str]) -> re.Pattern[str] | None:
    if not names:
        return None
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")(?:['\u2019]s)?\b")
