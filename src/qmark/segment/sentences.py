"""Sentence boundaries as offsets. syntok does the splitting; we mend the few places it breaks
report conventions (para. 4.12, s.47, et al.), using an abbreviation list kept in data."""

from __future__ import annotations

import re
from functools import lru_cache

import syntok.segmenter as syntok

from qmark.data import load_yaml

_NO_SPLIT_AFTER_DIGIT = re.compile(r"^\s*[\d(]")
# Anywhere syntok might end a sentence before the end of the text.
_INNER_END = re.compile(r"[.!?;:][\"'\u201d\u2019)\]]*\s")


@lru_cache(maxsize=1)
def load_abbreviations() -> frozenset[str]:
    data = load_yaml("abbreviations.yaml")
    return frozenset(a.lower() for a in data["abbreviations"])


def split(text: str, base: int = 0) -> list[tuple[int, int]]:
    """Sentence spans (start, end) within text, shifted by base."""
    stripped = text.rstrip()
    if stripped and not _INNER_END.search(stripped):
        # One sentence (a heading, a table row, a short item): no need to ask syntok.
        start = len(text) - len(text.lstrip())
        return [(base + start, base + len(stripped))]
    spans: list[tuple[int, int]] = []
    for para in syntok.analyze(text):
        for sent in para:
            toks = [t for t in sent]
            if not toks:
                continue
            start = toks[0].offset
            end = toks[-1].offset + len(toks[-1].value)
            spans.append((start, end))
    merged = _mend(text, spans)
    return [(base + s, base + e) for s, e in merged]


def _mend(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    abbrevs = load_abbreviations()
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out:
            ps, pe = out[-1]
            prev = text[ps:pe]
            last_word = prev.rsplit(None, 1)[-1].lower() if prev.split() else ""
            nxt = text[s:e]
            if last_word in abbrevs or (last_word.endswith(".") and last_word[:-1] in abbrevs and _NO_SPLIT_AFTER_DIGIT.match(nxt)):
                out[-1] = (ps, e)
                continue
        out.append((s, e))
    return out
