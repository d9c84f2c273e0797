"""The names a report uses for its child and family, learnt from the report itself.

Reports anonymise in many ways (Child A, Baby F, or a pseudonym such as 'Skye'). A finding
that names the child is tied to the case, whatever the convention; a fixed list of patterns
would miss pseudonyms, so the names are read off the report: capitalised words used often,
and used possessively ('Skye's mother'), that are not the furniture of reports. Single letters
count too, once the report introduces them as a child ('Child R', then 'R was seen', 'R's
mother'), but only where a letter stands as a name, not in 'Appendix B' or as the article 'A'.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

from qmark.data import load_yaml
from qmark.report import Report

_POSSESSIVE = re.compile(r"\b([A-Z][a-z]{2,})['\u2019]s\b")
_WORD = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]{2,})\b")
MIN_POSSESSIVE = 3
MIN_MENTIONS = 8

# 'Child R', 'Baby A', 'Young Person K': a letter introduced as a child of the review.
_LETTER_INTRO = re.compile(r"\b(?:Child|Baby|Infant|Young Person|YP|Sibling)\s+([A-Z])\b(?![.'\u2019]?\w)")
_LETTER = re.compile(r"(?<![\w.&/'\u2019-])([A-Z])(?:['\u2019]s)?(?![\w&/)-]|\.\w)")
_PREV_WORD = re.compile(r"([A-Za-z]+)(\.?)\s+$")
# 'A' and 'I' are words as well as letters: they count only where a name would stand.
_WORD_LETTERS = frozenset("AI")
_NAME_NEXT = re.compile(
    r"(?:['\u2019]s\b|\s+(?:was|were|had|has|is|did|does|said|told|went|lived|attended|moved|returned|disclosed"
    r"|described|remained|stayed|became|began|needed|wanted|and|who|herself|himself)\b|\s*[,;:)]|\.(?:\s|$))"
)
_NAME_PREV = frozenset("to with for about of saw see seen visited told asked met and by that when whether from how".split())
MIN_LETTER_MENTIONS = 3


def letter_refs(text: str, letters: Sequence[str]) -> list[tuple[int, int, str]]:
    """Where a letter stands alone as a name ('R was seen', "R's mother", 'told A'), as
    (start, end, letter): not after a capitalised word ('Appendix B', 'Hospital A'), not an
    initial ('J. Smith'), not a list marker ('A)'); 'A' and 'I' only where a name would stand."""
    wanted = set(letters)
    if not wanted:
        return []
    out = []
    for m in _LETTER.finditer(text):
        x = m.group(1)
        if x not in wanted:
            continue
        prev = _PREV_WORD.search(text[max(0, m.start() - 30) : m.start()])
        prev_word = prev.group(1) if prev else ""
        if prev_word[:1].isupper() and prev_word.lower() not in _NAME_PREV:
            if len(prev_word) > 1 or prev.group(2):  # type: ignore[union-attr]
                continue  # 'Appendix B', 'Hospital A', an initial ('J. R. Smith'); 'Child R' is a cue
        if x in _WORD_LETTERS and not (_NAME_NEXT.match(text, m.start() + 1) or prev_word.lower() in _NAME_PREV):
            continue
        out.append((m.start(), m.end(), x))
    return out


@lru_cache(maxsize=1)
def load_not_names() -> frozenset[str]:
    return frozenset(str(load_yaml("not_names.yaml")["words"]).lower().split())


def _main_text(report: Report) -> str:
    main = next((d for d in report.documents if d.is_main), None)
    return report.text[main.start : main.end] if main else report.text


def case_names(report: Report, most: int = 3) -> list[str]:
    text = _main_text(report)
    stop = load_not_names()
    possessive = Counter(m.group(1) for m in _POSSESSIVE.finditer(text) if m.group(1).lower() not in stop)
    mentions = _mentions(text, possessive)
    ranked = [n for n, c in mentions.most_common() if c >= MIN_MENTIONS and possessive[n] >= MIN_POSSESSIVE]
    return ranked[:most]


def _mentions(text: str, names: Iterable[str]) -> Counter[str]:
    """How often each name stands as a word where _WORD would find it (not first in the text or
    in a sentence), counted in the order the names first appear, as _WORD's matches would be.
    Looking for a few names with str.find is much quicker than matching every capitalised word."""
    found: list[tuple[int, str, int]] = []
    for name in names:
        first, count, i = -1, 0, text.find(name)
        while i != -1:
            j = i + len(name)
            if (
                i > 0
                and not _wordlike(text[i - 1])
                and not (i > 1 and text[i - 2] in ".!?" and text[i - 1].isspace())
                and (j == len(text) or not _wordlike(text[j]))
            ):
                first = i if first < 0 else first
                count += 1
            i = text.find(name, i + 1)
        if count:
            found.append((first, name, count))
    return Counter({name: count for _, name, count in sorted(found)})


def _wordlike(c: str) -> bool:
    return c.isalnum() or c == "_"  # what \w matches in a str pattern


def case_letters(report: Report) -> list[str]:
    """Letters the report introduces as a child ('Child R') and then uses alone ('R was seen')."""
    text = _main_text(report)
    introduced = sorted(set(_LETTER_INTRO.findall(text)))
    counts = Counter(x for _, _, x in letter_refs(text, introduced))
    return [x for x in introduced if counts[x] >= MIN_LETTER_MENTIONS]


def name_pattern(names: list[str]) -> re.Pattern[str] | None:
    if not names:
        return None
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")(?:['\u2019]s)?\b")
